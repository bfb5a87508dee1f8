"""The dossier actions the candidate list applies to many dossiers at once
(`ptdv.core.work.BulkAction`): recording a course certificate, and assigning a helper or a
responsible leader.

Each one takes one dossier through `candidacy_act` — the one write path: its own transaction,
the row lock, the user's role at that dossier, the spec's stages and rules, the event and the
audit entry — and answers the refusals as violations (`[{"rule", "message", …}]`, empty when
the dossier went through). `violations_of` turns what the write path raises into that list;
the bulk endpoint (ptdv.work.bulk) and other apps' bulk actions use it as well, so a refusal
reads the same whichever action gave it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from ptdv.candidacies.actions import DossierAction, spec_for
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.workflow import (
    RuleViolation,
    StaleVersion,
    WrongStage,
    _validated_facts,
    candidacy_act,
)
from ptdv.core.policies import Actor
from ptdv.core.work import BulkAction, register_bulk_action

Violation = dict[str, str]

# What a refusal that names no rule of the regulations is filed under.
NOT_FOUND = "not_found"
PERMISSION = "permission"
STAGE = "stage"
FACTS = "facts"
CONFLICT = "conflict"


def not_found_violation() -> Violation:
    """The answer for an id that names no dossier the user may see (absent or outside the
    user's subtree: the same words)."""
    return {
        "rule": NOT_FOUND,
        "message": _("Không tìm thấy hồ sơ (hoặc hồ sơ ngoài phạm vi được phân quyền)."),
    }


def _messages(exc: ValidationError) -> list[tuple[str, str]]:
    """(field, message) pairs of a Django ValidationError ("" for a non-field error)."""
    if hasattr(exc, "error_dict"):
        return [
            ("" if field in ("__all__", "non_field_errors") else field, str(message))
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [("", str(message)) for message in exc.messages]


def violations_of(exc: Exception) -> list[Violation]:
    """The refusal `candidacy_act` (or another dossier service) raised, as violations: the
    rule engine's findings as they are (rule, message, source), a wrong stage, a fact refused
    (with its field), a role too low at that dossier, a dossier not found. Re-raises anything
    else."""
    if isinstance(exc, RuleViolation):
        return [dict(v) for v in exc.violations]
    if isinstance(exc, WrongStage):
        return [{"rule": STAGE, "message": message} for _field, message in _messages(exc)]
    if isinstance(exc, ValidationError):
        found: list[Violation] = []
        for field, message in _messages(exc):
            found.append(
                {"rule": FACTS, "field": field, "message": message}
                if field
                else {"rule": FACTS, "message": message}
            )
        return found
    if isinstance(exc, StaleVersion):
        return [{"rule": CONFLICT, "message": str(exc)}]
    if isinstance(exc, PermissionDenied):
        return [
            {
                "rule": PERMISSION,
                "message": _(
                    "Vai trò của đồng chí ở tổ chức của hồ sơ này không được thực hiện thao tác."
                ),
            }
        ]
    if isinstance(exc, Http404):
        return [not_found_violation()]
    raise exc


REFUSALS = (RuleViolation, ValidationError, StaleVersion, PermissionDenied, Http404)


def facts_refusals(action: str, facts: Mapping[str, Any]) -> dict[str, list[str]]:
    """Why `facts` cannot be the facts of dossier action `action` whatever the dossier (a
    missing or malformed field, an unknown one, a date after today), by field; empty when they
    can, or when `action` is not a dossier action (another app's bulk action judges its own
    facts dossier by dossier)."""
    spec = spec_for(action)
    if spec is None:
        return {}
    try:
        _validated_facts(spec, dict(facts))
    except ValidationError as exc:
        refusals: dict[str, list[str]] = {}
        for field, message in _messages(exc):
            refusals.setdefault(field or "non_field_errors", []).append(message)
        return refusals
    return {}


def _through_workflow(action: DossierAction) -> Any:
    def apply(
        actor: Actor, candidacy: Candidacy, facts: Mapping[str, Any], today: dt.date
    ) -> list[Violation]:
        data = dict(facts)
        data.setdefault("date", today.isoformat())
        try:
            candidacy_act(actor=actor, candidacy_id=candidacy.pk, action=action, data=data)
        except REFUSALS as exc:
            return violations_of(exc)
        return []

    return apply


def bulk_actions_register() -> None:
    """Register the built-in bulk actions (called from CandidaciesConfig.ready)."""
    register_bulk_action(
        BulkAction(
            name=DossierAction.RECORD_CERTIFICATE.value,
            label=str(DossierAction.RECORD_CERTIFICATE.label),
            apply=_through_workflow(DossierAction.RECORD_CERTIFICATE),
            fields=("certificate_date", "date"),
        )
    )
    register_bulk_action(
        BulkAction(
            name=DossierAction.ASSIGN_HELPER.value,
            label=str(DossierAction.ASSIGN_HELPER.label),
            apply=_through_workflow(DossierAction.ASSIGN_HELPER),
            fields=("helper", "responsible_leader", "reason", "date"),
        )
    )
