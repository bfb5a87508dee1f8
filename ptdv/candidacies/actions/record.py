"""What the live path and the replay share: the stage checks of an action, the facts and the
vote an event records, and applying an effect's changes to the dossier instance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from ptdv.candidacies.actions.base import ActionSpec, DossierAction, Effect
from ptdv.candidacies.case import committee_step_needed
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.organisations.models import Competence, Organisation

# Facts an event does not repeat in its `facts` (they have their own columns or the vote).
NOT_RECORDED = ("date", "vote", "reason", "temporarily_attached_elsewhere", "exempted_absent")
CELL_COUNTS = ("temporarily_attached_elsewhere", "exempted_absent")
CELL_VOTES = (DossierAction.BRANCH_VOTE, DossierAction.RECOGNITION_VOTE)
# The steps whose stage check asks who decides (the tree's competences on the day).
COMMITTEE_CHECKED = (DossierAction.COMMITTEE_VOTE, DossierAction.ADMISSION_DECISION)


def stage_refusals(
    spec: ActionSpec,
    candidacy: Candidacy,
    ancestors: list[Organisation],
    on: dt.date | None = None,
    competences: list[Competence] | None = None,
) -> list[str]:
    """Why the dossier's present stage (or its organisation's tree on `on`, today when not
    given) does not allow the action; empty when it does."""
    stage = Stage(candidacy.stage)
    if stage not in spec.sources:
        return [
            _("Không thể “%(action)s” khi hồ sơ đang ở giai đoạn “%(stage)s”.")
            % {"action": spec.label, "stage": stage.label}
        ]
    # Only these steps ask who decides: a page offering the others reads no competence row.
    if spec.action in COMMITTEE_CHECKED:
        needs_committee = committee_step_needed(candidacy.organisation, ancestors, on, competences)
        if spec.action == DossierAction.COMMITTEE_VOTE and not needs_committee:
            return [
                _(
                    "Chi bộ cơ sở hoặc đảng ủy cơ sở được ủy quyền không qua bước đảng ủy "
                    "cơ sở biểu quyết đề nghị."
                )
            ]
        if (
            spec.action == DossierAction.ADMISSION_DECISION
            and needs_committee
            and stage == Stage.BRANCH_RESOLVED
        ):
            return [_("Cần nghị quyết của đảng ủy cơ sở (8-KNĐ) trước khi quyết định.")]
    if (
        spec.action == DossierAction.RECOGNITION_DECISION
        and candidacy.recognition_resolution_date is None
    ):
        return [_("Chi bộ chưa có nghị quyết đề nghị công nhận đảng viên chính thức.")]
    return []


def recorded_facts(facts: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """The facts an event keeps: what was given, less what has its own place, plus what the
    action adds (ids of the rows it wrote, dates it computed)."""
    recorded = {k: v for k, v in facts.items() if k not in NOT_RECORDED}
    recorded.update(extra)
    return recorded


def vote_record(
    spec: ActionSpec, vote: Mapping[str, Any], counts: Mapping[str, Any], official_members: int
) -> dict[str, Any]:
    """The vote an event keeps, with its denominator: a cell's official members less those
    attached elsewhere and the absent exempted (`counts`), or the voting body's size."""
    if not spec.is_vote:
        return {}
    record = dict(vote)
    if spec.action in CELL_VOTES:
        record["official_members"] = official_members
        for name in CELL_COUNTS:
            if name in counts:
                record[name] = counts[name]
        record["denominator"] = official_members - sum(
            counts.get(name, 0) or 0 for name in CELL_COUNTS
        )
    else:
        record["denominator"] = record.get("body_size")
    return record


def before_state(candidacy: Candidacy, effect: Effect) -> dict[str, Any]:
    """What the effect is about to change, as it stands now (JSON): the dossier's fields
    (with its stage), the person's, and the amended event's or introduction's — what voiding
    the action puts back (ptdv.candidacies.void)."""
    names = {"stage", "stage_changed_on", *effect.changes}
    dossier = {}
    for name in sorted(names):
        field = Candidacy._meta.get_field(name)
        attname = getattr(field, "attname", name)
        dossier[attname] = getattr(candidacy, attname)
    state: dict[str, Any] = {"dossier": dossier}
    if effect.person_changes:
        person = candidacy.person
        state["person"] = {
            getattr(person._meta.get_field(n), "attname", n): getattr(
                person, getattr(person._meta.get_field(n), "attname", n)
            )
            for n in effect.person_changes
        }
    typed: dict[str, Any] = jsonable(state)
    return typed


def apply_changes(candidacy: Candidacy, effect: Effect, new_stage: Stage, on: dt.date) -> None:
    """Set the effect's changes (and the stage) on the dossier instance."""
    if new_stage != candidacy.stage:
        effect.changes["stage"] = new_stage
        effect.changes["stage_changed_on"] = on
    for name, value in effect.changes.items():
        setattr(candidacy, name, value)
    for name, value in effect.person_changes.items():
        setattr(candidacy.person, name, value)


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
