"""Bulk dossier actions: one action applied to many dossiers chosen in the candidate list.

The selection is either ids (the boxes ticked on a page) or the list's filters (every dossier
matching them, at most MAX_DOSSIERS), or both (the ids that also match the filters). Every id
is resolved through the user's scope in one query: an id outside the subtree answers exactly
like an absent one — that dossier is "not found" and nothing is written for it — while the
others go on.

Each dossier found is then judged and written on its own (`BulkAction.apply`, registered by
the apps in ptdv.core.work): inside its own transaction, so a refused dossier changes nothing
and the dossiers before and after it go through. The built-in actions (ptdv.candidacies.bulk)
take each dossier through `candidacy_act` — the same rules, row lock, event and audit entry as
the dossier's own form. What the request names beyond the dossiers (a helper, a responsible
leader) is resolved through the user's scope by that same path, dossier by dossier.

Facts that cannot be right for any dossier (a missing date, a date after today, an unknown
field) are refused once, before anything is written (a 422, field `facts.<name>`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.candidacies.bulk import REFUSALS, facts_refusals, not_found_violation, violations_of
from ptdv.candidacies.models import Candidacy, Stage
from ptdv.candidacies.policies import candidacy_policy
from ptdv.candidacies.selectors import candidacy_list
from ptdv.core.policies import Actor
from ptdv.core.refusals import unprocessable
from ptdv.core.spreadsheets import Export, workbook_write
from ptdv.core.work import BulkAction, bulk_actions
from ptdv.members.models import MembershipStatus, PartyMembership
from ptdv.members.policies import membership_policy
from ptdv.organisations.models import AreaFlag, Sector
from ptdv.organisations.policies import organisation_policy
from ptdv.people.choices import ETHNICITIES, Gender, TargetGroup
from ptdv.people.models import Person
from ptdv.people.policies import person_policy

# One request acts on at most this many dossiers (1,000 answer within 10 s at the scale of a
# province: bench/bulk.py); a larger selection is narrowed by its filters first.
MAX_DOSSIERS = 1000
# The selection's Excel export (not a BulkAction: it changes nothing).
EXPORT = "export"

Violation = dict[str, str]


@dataclass
class BulkOutcome:
    """What became of one dossier of the selection."""

    id: int
    ok: bool
    violations: list[Violation] = field(default_factory=list)
    candidacy: Candidacy | None = None  # None: not found in the user's scope

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "ok": self.ok, "violations": self.violations}


@dataclass
class BulkResult:
    action: BulkAction
    outcomes: list[BulkOutcome]

    @property
    def passed(self) -> list[BulkOutcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def refused(self) -> list[BulkOutcome]:
        return [o for o in self.outcomes if not o.ok]


def bulk_action_get(name: str) -> BulkAction:
    """The registered bulk action `name`; 404 for an unknown name."""
    action = bulk_actions().get(name)
    if action is None:
        raise Http404
    return action


def bulk_selection(
    *,
    actor: Actor,
    ids: Sequence[int] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> list[int]:
    """The ids a bulk request is about, in the order given (ids) or the list's order
    (filters). With ids, every id given stays (each gets an answer; those outside the user's
    scope or the filters answer "not found"). With filters alone, every match in the user's
    scope, refused (422) when there are more than MAX_DOSSIERS."""
    if ids is not None:
        return list(dict.fromkeys(int(pk) for pk in ids))
    matches = list(
        candidacy_list(actor=actor, filters=dict(filters or {})).values_list("pk", flat=True)[
            : MAX_DOSSIERS + 1
        ]
    )
    if len(matches) > MAX_DOSSIERS:
        raise unprocessable(
            {
                "filters": [
                    _(
                        "Bộ lọc khớp hơn %(max)s hồ sơ; mỗi lần chỉ thao tác được tối đa "
                        "%(max)s hồ sơ. Hãy lọc hẹp hơn (tổ chức, giai đoạn, tìm theo tên…)."
                    )
                    % {"max": f"{MAX_DOSSIERS:,}".replace(",", ".")}
                ]
            }
        )
    return matches


def bulk_list_filters(*, actor: Actor, params: Mapping[str, Any]) -> dict[str, Any]:
    """The candidate list's query parameters (`organisation`, `stage`, `status`,
    `target_group`, `sector`, `area_flag`, `due`, `q`) as `candidacy_list` filters, read as the
    list page reads them: open dossiers unless `status` says otherwise, an invalid value
    ignored, an organisation outside the user's subtrees a 404 (as an absent one)."""
    filters: dict[str, Any] = {"open": True}
    if params.get("organisation"):
        filters["organisation"] = organisation_policy.get_visible(actor, params["organisation"])
    for key, allowed in (
        ("stage", Stage.values),
        ("target_group", TargetGroup.values),
        ("sector", Sector.values),
        ("area_flag", AreaFlag.values),
        ("due", ("overdue", "30d")),
    ):
        if params.get(key) in allowed:
            filters[key] = params[key]
    status = params.get("status")
    if status in ("open", "closed", "all"):
        filters["open"] = {"open": True, "closed": False, "all": None}[status]
    search = str(params.get("q") or "").strip()
    if search:
        filters["search"] = search[:100]
    return filters


def bulk_found(
    *,
    actor: Actor,
    ids: Iterable[int],
    filters: Mapping[str, Any] | None = None,
) -> dict[int, Candidacy]:
    """The dossiers among `ids` the user may see (and, with `filters`, that match them),
    with their person and cell, in one query."""
    wanted = list(ids)
    if not wanted:
        return {}
    queryset: QuerySet[Candidacy]
    if filters is not None:
        queryset = candidacy_list(actor=actor, filters=dict(filters)).filter(pk__in=wanted)
    else:
        queryset = candidacy_policy.visible_to(actor, Candidacy.objects.filter(pk__in=wanted))
    rows = queryset.select_related("person", "organisation", "helper__person").order_by()
    return {candidacy.pk: candidacy for candidacy in rows}


class _Refused(Exception):
    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("refused")
        self.violations = violations


def _apply_one(
    action: BulkAction,
    actor: Actor,
    candidacy: Candidacy,
    facts: Mapping[str, Any],
    today: dt.date,
) -> list[Violation]:
    """One dossier in its own transaction: refused, it is rolled back whole."""
    try:
        with transaction.atomic():
            violations = action.apply(actor, candidacy, facts, today)
            if violations:
                raise _Refused(list(violations))
    except _Refused as refused:
        return refused.violations
    except REFUSALS as exc:
        return violations_of(exc)
    return []


def bulk_run(
    *,
    actor: Actor,
    action: str,
    ids: Sequence[int],
    facts: Mapping[str, Any],
    today: dt.date,
    filters: Mapping[str, Any] | None = None,
) -> BulkResult:
    """Apply bulk action `action` to each dossier of `ids` (a `bulk_selection`), one by one.

    Raises Http404 for an unknown action and a 422 ValidationError (`facts.<field>`) for facts
    no dossier could take; otherwise answers every id: passed, or refused with the rule's
    messages (not found for an id outside the user's scope or the filters). The dossiers shown
    are audited as a list read; each change is audited by the action itself.
    """
    bulk = bulk_action_get(action)
    if len(ids) > MAX_DOSSIERS:
        raise unprocessable(
            {"ids": [_("Mỗi lần chỉ thao tác được tối đa %(max)s hồ sơ.") % {"max": MAX_DOSSIERS}]}
        )
    refusals = facts_refusals(action, facts)
    if refusals:
        raise unprocessable({f"facts.{name}": messages for name, messages in refusals.items()})
    found = bulk_found(actor=actor, ids=ids, filters=filters)
    outcomes = []
    for pk in ids:
        candidacy = found.get(pk)
        if candidacy is None:
            outcomes.append(BulkOutcome(id=pk, ok=False, violations=[not_found_violation()]))
            continue
        violations = _apply_one(bulk, actor, candidacy, facts, today)
        outcomes.append(
            BulkOutcome(id=pk, ok=not violations, violations=violations, candidacy=candidacy)
        )
    result = BulkResult(action=bulk, outcomes=outcomes)
    if found:
        shown = [o.candidacy for o in outcomes if o.candidacy is not None]
        audit_list_read(
            actor=actor,
            object_type="candidacies.candidacy",
            ids=[c.pk for c in shown],
            person_ids=[c.person_id for c in shown],
            count=len(shown),
            summary=_("Thao tác hàng loạt: %(label)s") % {"label": bulk.label},
            filters={
                "action": action,
                "passed": len(result.passed),
                "refused": len(result.refused),
            },
        )
    return result


# --- What the bulk form offers ---------------------------------------------------------------


def bulk_cells(candidacies: Iterable[Candidacy]) -> list[int]:
    return sorted({c.organisation_id for c in candidacies})


def bulk_helper_choices(*, actor: Actor, cell_ids: Sequence[int]) -> QuerySet[PartyMembership]:
    """Official members of the selection's cells the user may see (a helper must be an
    official member of the dossier's own cell: the others are refused dossier by dossier)."""
    return membership_policy.visible_to(
        actor,
        PartyMembership.objects.filter(
            organisation_id__in=list(cell_ids), status=MembershipStatus.OFFICIAL
        ).select_related("person", "organisation"),
    ).order_by("organisation__path", "person__sort_key", "id")


def bulk_leader_choices(*, actor: Actor, cell_ids: Sequence[int]) -> QuerySet[Person]:
    """The people who may be named responsible for nurturing: the official members of the
    selection's cells the user may see."""
    return (
        person_policy.visible_to(
            actor,
            Person.objects.filter(
                memberships__organisation_id__in=list(cell_ids),
                memberships__status=MembershipStatus.OFFICIAL,
            ),
        )
        .distinct()
        .order_by("sort_key", "id")
    )


# --- Export of the selection -------------------------------------------------------------------

_GENDER = dict(Gender.choices)
_ETHNICITY = dict(ETHNICITIES)
_TARGET = dict(TargetGroup.choices)
_STAGES = dict(Stage.choices)
HEADERS = [
    "Mã hồ sơ", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Đối tượng ưu tiên",
    "Chi bộ", "Mã chi bộ", "Giai đoạn", "Tình trạng", "Ngày đưa vào nguồn",
    "Ngày cấp giấy chứng nhận", "Việc tiếp theo", "Hạn", "Đảng viên giúp đỡ",
]  # fmt: skip


def _label(choices: Mapping[Any, Any], value: Any) -> str:
    return str(choices.get(value, value or ""))


def bulk_export(
    *,
    actor: Actor,
    ids: Sequence[int],
    filters: Mapping[str, Any] | None = None,
) -> Export:
    """The selected dossiers the user may see, as an Excel sheet in the order of the
    selection. Audited as an export when it holds any row (a selection of nothing but absent
    or outside ids exports nothing and leaves no trace)."""
    found = bulk_found(actor=actor, ids=ids[:MAX_DOSSIERS], filters=filters)
    chosen = [found[pk] for pk in ids if pk in found]

    def rows() -> Iterator[list[Any]]:
        for c in chosen:
            person = c.person
            yield [
                c.pk,
                person.full_name,
                person.birth_date,
                _label(_GENDER, person.gender),
                _label(_ETHNICITY, person.ethnicity),
                "; ".join(_label(_TARGET, t) for t in person.target_groups or []),
                c.organisation.name,
                c.organisation.code,
                _label(_STAGES, c.stage),
                "Đang mở" if c.is_open else "Đã đóng",
                c.opened_on,
                c.certificate_date,
                c.next_action,
                c.next_due,
                c.helper.person.full_name if c.helper_id and c.helper else "",
            ]

    handle, count = workbook_write("Hồ sơ đã chọn", HEADERS, rows())
    if count:
        audit_record(
            actor=actor,
            action="export",
            object_type="exchange.export",
            object_id="candidacies-selection",
            summary="Xuất Excel các hồ sơ đã chọn (" + f"{count:,}".replace(",", ".") + " dòng)",
            data={
                "list": "candidacies-selection",
                "ids": [c.pk for c in chosen][:1000],
                "person_ids": [c.person_id for c in chosen][:1000],
                "rows": count,
            },
        )
    return Export(handle, "ho-so-da-chon.xlsx", count)
