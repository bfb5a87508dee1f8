"""`ptdv pipeline refresh`: the next lawful action of every open dossier, in bulk.

A full run recomputes every open dossier; the nightly incremental run touches only those
whose facts changed (`next_stale`) or whose stored answer may change today by the calendar
alone (`next_valid_until` reached). Everything a case needs is loaded per chunk with a fixed
number of queries — never a query per dossier — and written back with one bulk update.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q

from ptdv.candidacies.models import Candidacy, Consent, Introducer
from ptdv.candidacies.workflow import (
    DossierContext,
    _engine_consent,
    _engine_introducer,
    candidacy_next,
    next_fields,
    previous_membership_from,
)
from ptdv.members.models import FORMER_MEMBER_STATUSES, MembershipStatus, PartyMembership
from ptdv.organisations.models import PATH_STEP, Organisation
from ptdv.rules.services import rules_calendar

NEXT_FIELDS = [
    "next_action",
    "next_earliest",
    "next_due",
    "next_missing",
    "next_expiring",
    "next_checked_on",
    "next_valid_until",
    "next_stale",
]


# What a case needs, and nothing else: building full model instances costs more than the
# rule engine itself.
_CANDIDACY_COLUMNS = (
    "id", "organisation_id", "person_id", "stage", "is_open", "is_readmission", "version",
    "certificate_date", "application_date", "history_date", "verification_concluded_on",
    "verification_waived", "opinions_date", "branch_resolution_date",
    "committee_resolution_date", "decision_date", "decision_received_date",
    "extension_working_days", "ceremony_date", "newmember_course_date",
    "recognition_resolution_date", "failed_recognition_votes",
    "person__birth_date", "person__education", "person__roles", "person__youth_union_member",
    "person__trade_union_member", "person__residence_locality__area_flags",
)  # fmt: skip


_PERSON_PREFIX = "person__"


def _row(values: tuple[Any, ...]) -> Any:
    """A light stand-in for a Candidacy with its person and residence: the attributes
    `build_case` and `candidacy_next` read, without building model instances."""
    data = dict(zip(_CANDIDACY_COLUMNS, values, strict=True))
    locality = SimpleNamespace(area_flags=data.pop("person__residence_locality__area_flags"))
    person = SimpleNamespace(
        **{
            k[len(_PERSON_PREFIX) :]: data.pop(k)
            for k in list(data)
            if k.startswith(_PERSON_PREFIX)
        }
    )
    person.residence_locality = locality if locality.area_flags is not None else None
    for name in ("roles",):
        value = getattr(person, name)
        if isinstance(value, str):
            setattr(person, name, json.loads(value))
        elif value is None:
            setattr(person, name, [])
    row = SimpleNamespace(**data, person=person)
    row.pk = data["id"]
    return row


@dataclass
class RefreshStats:
    mode: str
    examined: int
    written: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.examined / self.seconds if self.seconds else 0.0


class _Tree:
    """Organisations by id and their ancestor chains, loaded once per run."""

    def __init__(self, ids: set[int] | None = None) -> None:
        fields = (
            "id", "path", "kind", "area_flags", "authorised_to_admit", "has_youth_union",
            "has_trade_union", "parent_id", "code", "name", "valid_to",
        )  # fmt: skip
        qs = Organisation.objects.only(*fields)
        self.by_id: dict[int, Organisation] = {o.pk: o for o in qs.iterator(chunk_size=10000)}
        self.by_path = {o.path: o for o in self.by_id.values()}
        self._chains: dict[int, list[Organisation]] = {}

    def ancestors(self, org_id: int) -> list[Organisation]:
        chain = self._chains.get(org_id)
        if chain is None:
            path = self.by_id[org_id].path
            chain = [
                self.by_path[path[:end]]
                for end in range(len(path), 0, -PATH_STEP)
                if path[:end] in self.by_path
            ]
            self._chains[org_id] = chain
        return chain


def _write_next(rows: list[Candidacy]) -> None:
    """One parameterised UPDATE per dossier, sent as a batch (Django's bulk_update builds a
    CASE expression per field and row, which costs more than the computation itself)."""
    if not rows:
        return
    table = Candidacy._meta.db_table
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    assignments = ", ".join(
        f"{name} = %s{json_cast if name in ('next_missing', 'next_expiring') else ''}"
        for name in NEXT_FIELDS
    )
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s"  # noqa: S608 - fixed identifiers
    params = [
        [
            json.dumps(getattr(row, name), ensure_ascii=False)
            if name in ("next_missing", "next_expiring")
            else getattr(row, name)
            for name in NEXT_FIELDS
        ]
        + [row.pk]
        for row in rows
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)


def pipeline_refresh(
    *,
    today: dt.date,
    full: bool = True,
    chunk: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> RefreshStats:
    started = time.perf_counter()
    tree = _Tree()
    official = dict(
        PartyMembership.objects.filter(status=MembershipStatus.OFFICIAL)
        .values_list("organisation_id")
        .annotate(n=Count("id"))
        .values_list("organisation_id", "n")
    )
    calendar = rules_calendar()
    base = Candidacy.objects.filter(is_open=True)
    if not full:
        base = base.filter(
            Q(next_stale=True) | Q(next_valid_until__lte=today) | Q(next_checked_on__isnull=True)
        )
    examined = written = 0
    last_id = 0
    while True:
        rows = [
            _row(values)
            for values in base.filter(pk__gt=last_id)
            .order_by("pk")
            .values_list(*_CANDIDACY_COLUMNS)[:chunk]
        ]
        if not rows:
            break
        last_id = rows[-1].pk
        ids = [c.pk for c in rows]
        introducers: dict[int, list[Any]] = defaultdict(list)
        for introducer in Introducer.objects.filter(
            candidacy_id__in=ids, withdrawn=False
        ).select_related("membership"):
            introducers[introducer.candidacy_id].append(_engine_introducer(introducer))
        consents: dict[int, list[Any]] = defaultdict(list)
        for consent in Consent.objects.filter(candidacy_id__in=ids):
            consents[consent.candidacy_id].append(_engine_consent(consent))
        readmitted = [c.person_id for c in rows if c.is_readmission]
        former: dict[int, list[PartyMembership]] = defaultdict(list)
        if readmitted:
            for membership in PartyMembership.objects.filter(
                person_id__in=readmitted, status__in=FORMER_MEMBER_STATUSES
            ):
                former[membership.person_id].append(membership)
        dirty = []
        for candidacy in rows:
            candidacy.organisation = tree.by_id[candidacy.organisation_id]
            context = DossierContext(
                ancestors=tree.ancestors(candidacy.organisation_id),
                official_members=official.get(candidacy.organisation_id, 0),
                introducers=introducers.get(candidacy.pk, []),
                consents=consents.get(candidacy.pk, []),
                previous_membership=previous_membership_from(former.get(candidacy.person_id, []))
                if candidacy.is_readmission
                else None,
            )
            fields = next_fields(candidacy_next(candidacy, today, context, calendar), today)
            for name, value in fields.items():
                setattr(candidacy, name, value)
            dirty.append(candidacy)
        _write_next(dirty)
        examined += len(rows)
        written += len(dirty)
        if progress:
            progress(examined)
    return RefreshStats(
        mode="full" if full else "incremental",
        examined=examined,
        written=written,
        seconds=time.perf_counter() - started,
    )
