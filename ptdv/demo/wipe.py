"""Empty the domain tables before a demo is loaded again (`ptdv demo load --replace`).

The domain is every table that holds rows of the tree, the localities, people, memberships
and candidacies, or refers to them directly or through another domain table — found from the
model graph at run time, so tables that other parts of the project add later are included
without touching this file. Tables that do not depend on them (users, rule sets, calendars)
are kept; users lose their assignments, which point into the tree.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction

from ptdv.audit.models import AuditEntry
from ptdv.candidacies.models import Candidacy
from ptdv.members.models import PartyMembership
from ptdv.organisations.models import Locality, Organisation
from ptdv.people.models import Person

ROOTS: tuple[type[models.Model], ...] = (Organisation, Locality, Person, PartyMembership, Candidacy)


def _references(model: type[models.Model]) -> set[type[models.Model]]:
    """The models `model` points at with a foreign key (itself excluded)."""
    targets: set[type[models.Model]] = set()
    for model_field in model._meta.concrete_fields:
        related = model_field.related_model
        if model_field.is_relation and isinstance(related, type) and related is not model:
            targets.add(related)
    return targets


def domain_models() -> list[type[models.Model]]:
    """Domain models, each listed before every model it refers to (delete order)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    every = [m for m in apps.get_models(include_auto_created=True) if m is not user_model]
    domain: set[type[models.Model]] = set(ROOTS)
    grew = True
    while grew:
        grew = False
        for model in every:
            if model not in domain and _references(model) & domain:
                domain.add(model)
                grew = True
    ordered: list[type[models.Model]] = []
    remaining = sorted(domain, key=lambda m: m._meta.label)
    while remaining:
        # Delete first what nothing left refers to; a cycle (a candidacy's helper is a
        # membership, a membership points back at its candidacy) is broken arbitrarily: the
        # database checks foreign keys at commit, when both tables are empty.
        free = [
            m for m in remaining if not any(m in _references(o) for o in remaining if o is not m)
        ]
        chosen = free[0] if free else remaining[0]
        ordered.append(chosen)
        remaining.remove(chosen)
    return ordered


def _has_append_only_trigger(cursor: Any) -> bool:
    if connection.vendor != "postgresql":
        return False
    cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'audit_entry_append_only'")
    return cursor.fetchone() is not None


@transaction.atomic
def demo_wipe() -> dict[str, int]:
    """Delete every domain row; return the number deleted per model label.

    One DELETE per table, no per-row work and no signals: the audit trail is append-only in
    the application, and only this explicit, demo-only command empties it together with the
    people it is about.
    """
    deleted: dict[str, int] = {}
    # A model whose migration is not applied yet has no table, hence no rows to delete.
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        models_left = domain_models()
        if AuditEntry in models_left and _has_append_only_trigger(cursor):
            # The append-only trigger (audit migration 0004) refuses this DELETE; only the
            # table's owner may set it aside, for this transaction, as the demo does. ALTER
            # TABLE needs no foreign-key check pending on the table: run those first, empty
            # the trail (nothing refers to it) and put the trigger back at once.
            table = connection.ops.quote_name(AuditEntry._meta.db_table)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_entry_append_only")
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a table name from the models
            deleted[AuditEntry._meta.label] = max(cursor.rowcount, 0)
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER audit_entry_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            models_left.remove(AuditEntry)
        for model in models_left:
            if model._meta.db_table not in existing:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a table name from the models
            deleted[model._meta.label] = max(cursor.rowcount, 0)
    return deleted
