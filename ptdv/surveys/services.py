"""The write path of the pool survey: open and close a round, refresh a response's figures,
write the unit's part, submit, accept, return.

Every service resolves what the request names through the actor's scope (outside it: 404,
as for an absent object), locks the row two users can write at once, writes and audits in
one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_record
from ptdv.core.policies import Action, Actor, user_scopes
from ptdv.core.refusals import unprocessable
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.surveys.figures import compute_figures
from ptdv.surveys.models import (
    EDITABLE_STATUSES,
    RESPONDENT_KINDS,
    PoolQuality,
    ResponseStatus,
    RoundStatus,
    SurveyResponse,
    SurveyRound,
)
from ptdv.surveys.policies import (
    ADMINISTRATOR_RANK,
    can_fill,
    can_manage_round,
    can_review,
    checked_id,
    response_policy,
    round_policy,
)
from ptdv.targets.measures import PriorityGroup

MIN_YEAR = 2000
MAX_YEAR = 2100
MAX_PLAN = 100_000
TEXT_LIMIT = 5000

# The plan's keys: totals first, then each priority group.
PLAN_KEYS: tuple[str, ...] = (
    "train",
    "admit",
    *(f"{what}_{group}" for group in PriorityGroup for what in ("train", "admit")),
)


def _user(actor: Actor | None) -> Any:
    """The signed-in user's row (None for the system or an anonymous visitor)."""
    return actor if getattr(actor, "is_authenticated", False) else None


class StaleResponse(Exception):
    """The client changed a version of the response that someone else has changed since."""

    def __init__(self, current: int) -> None:
        super().__init__(_("Phiếu đã bị người khác thay đổi; hãy tải lại và thử lại."))
        self.current = current


def respondents(root: Organisation) -> list[Organisation]:
    """The grassroots organisations of `root`'s subtree that answer a round over it."""
    return list(
        Organisation.objects.filter(
            path__startswith=root.path, kind__in=RESPONDENT_KINDS, valid_to__isnull=True
        ).order_by("path")
    )


@transaction.atomic
def round_open(
    *,
    actor: Actor | None,
    organisation: Any,
    year: int,
    due_date: dt.date,
    title: str = "",
    today: dt.date | None = None,
) -> SurveyRound:
    """Open a round for `year` over `organisation`'s subtree (its administrators only; the
    system itself when `actor` is None): one response per grassroots organisation,
    pre-filled from the data of `today`."""
    today = today or timezone.localdate()
    if actor is not None and not any(rank >= ADMINISTRATOR_RANK for _p, rank in user_scopes(actor)):
        raise PermissionDenied  # administers nothing anywhere: 403
    if actor is None:
        root = Organisation.objects.get(pk=getattr(organisation, "pk", organisation))
    else:
        root = organisation_policy.resolve_named(
            actor,
            organisation,
            field="organisation",
            message=_("Không tìm thấy tổ chức."),
            action=Action.ADMINISTER,
        )
    errors: dict[str, str] = {}
    if not MIN_YEAR <= year <= MAX_YEAR:
        errors["year"] = _("Năm khảo sát phải từ %(a)s đến %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}
    if errors:
        raise ValidationError(errors)
    if due_date < today:
        raise unprocessable({"due_date": _("Hạn gửi không được trước ngày hôm nay.")})
    # One answer per unit and year: no round of the same year above, below or on this root.
    ancestors = [root.path[:end] for end in range(4, len(root.path) + 1, 4)]
    overlap = SurveyRound.objects.select_for_update().filter(
        Q(organisation__path__in=ancestors) | Q(organisation__path__startswith=root.path),
        year=year,
    )
    if overlap.exists():
        raise unprocessable(
            {
                "organisation": _(
                    "Đã có đợt khảo sát năm %(year)s trùng phạm vi này (cấp trên hoặc cấp dưới)."
                )
                % {"year": year}
            }
        )
    units = respondents(root)
    if not units:
        raise unprocessable(
            {"organisation": _("Phạm vi này không có tổ chức cơ sở đảng nào để khảo sát.")}
        )
    survey_round = SurveyRound.objects.create(
        year=year,
        organisation=root,
        title=title.strip()
        or _("Khảo sát nguồn phát triển đảng viên năm %(year)s") % {"year": year},
        due_date=due_date,
        reference_date=today,
        opened_by=_user(actor),
    )
    figures = compute_figures(root, [u.pk for u in units], today)
    SurveyResponse.objects.bulk_create(
        [
            SurveyResponse(
                survey_round=survey_round,
                organisation=unit,
                figures=figures[unit.pk],
                figures_on=today,
            )
            for unit in units
        ]
    )
    audit_record(
        actor=actor,
        action="create",
        obj=survey_round,
        organisation=root,
        summary=_("Mở đợt khảo sát nguồn"),
        data={"year": year, "due_date": due_date.isoformat(), "responses": len(units)},
    )
    return survey_round


def _locked_round(actor: Actor | None, round_id: Any) -> SurveyRound:
    survey_round = round_policy.get_visible(
        actor,
        checked_id(round_id),
        SurveyRound.objects.select_for_update(of=("self",)).select_related("organisation"),
    )
    if not can_manage_round(actor, survey_round):
        raise PermissionDenied
    return survey_round


@transaction.atomic
def round_close(*, actor: Actor, round_id: Any) -> SurveyRound:
    """End a round: the responses stay as they are (only accepted ones count)."""
    survey_round = _locked_round(actor, round_id)
    if survey_round.status == RoundStatus.CLOSED:
        raise unprocessable({"status": _("Đợt khảo sát đã kết thúc.")})
    survey_round.status = RoundStatus.CLOSED
    survey_round.closed_at = timezone.now()
    survey_round.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor,
        action="change",
        obj=survey_round,
        organisation=survey_round.organisation,
        summary=_("Kết thúc đợt khảo sát nguồn"),
    )
    return survey_round


def _locked_response(actor: Actor | None, round_id: Any, response_id: Any) -> SurveyResponse:
    qs = (
        SurveyResponse.objects.select_for_update(of=("self",))
        .select_related("organisation", "survey_round", "survey_round__organisation")
        .filter(survey_round_id=checked_id(round_id))
    )
    return response_policy.get_visible(actor, checked_id(response_id), qs)


def _check_version(response: SurveyResponse, version: int | None) -> None:
    if version is not None and version != response.version:
        raise StaleResponse(response.version)


def _require_open(response: SurveyResponse) -> None:
    if response.survey_round.status != RoundStatus.OPEN:
        raise unprocessable({"status": _("Đợt khảo sát đã kết thúc: phiếu không sửa được nữa.")})


def _require_editable(response: SurveyResponse) -> None:
    _require_open(response)
    if response.status not in EDITABLE_STATUSES:
        raise unprocessable(
            {
                "status": _("Phiếu đang ở trạng thái “%(s)s”: đơn vị không sửa được.")
                % {"s": response.get_status_display()}
            }
        )


def _save(response: SurveyResponse, fields: list[str]) -> None:
    response.version = F("version") + 1
    response.save(update_fields=[*fields, "version", "updated_at"])
    response.refresh_from_db(fields=["version"])


@transaction.atomic
def response_refresh(
    *,
    actor: Actor,
    round_id: Any,
    response_id: Any,
    version: int | None = None,
    today: dt.date | None = None,
) -> SurveyResponse:
    """Read the response's figures again from today's data (a draft or a returned one)."""
    response = _locked_response(actor, round_id, response_id)
    if not can_fill(actor, response):
        raise PermissionDenied
    _check_version(response, version)
    _require_editable(response)
    today = today or timezone.localdate()
    unit = response.organisation
    inside = SurveyResponse.objects.filter(
        survey_round=response.survey_round, organisation__path__startswith=unit.path
    ).values_list("organisation_id", flat=True)
    # The unit's part: its subtree without the responding units below it.
    figures = compute_figures(unit, list(inside), today)[response.organisation_id]
    response.figures = figures
    response.figures_on = today
    _save(response, ["figures", "figures_on"])
    audit_record(
        actor=actor,
        action="change",
        obj=response,
        organisation=response.organisation,
        summary=_("Lấy lại số liệu phiếu khảo sát nguồn"),
    )
    return response


@dataclass(frozen=True)
class UnitPart:
    """What the unit writes: its assessment and its plan."""

    pool_quality: str = ""
    quality_note: str = ""
    reasons: str = ""
    difficulties: str = ""
    plan: Mapping[str, Any] | None = None


def clean_plan(plan: Mapping[str, Any]) -> dict[str, int]:
    """The plan's numbers, checked: whole numbers from 0, a group's number not above the
    total (a group is part of the whole)."""
    errors: dict[str, str] = {}
    values: dict[str, int] = {}
    unknown = sorted(set(plan) - set(PLAN_KEYS))
    if unknown:
        raise ValidationError(
            {"plan": _("Mục kế hoạch không hợp lệ: %(k)s.") % {"k": ", ".join(unknown)}}
        )
    for key in PLAN_KEYS:
        raw = plan.get(key, 0)
        if raw in (None, ""):
            raw = 0
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_PLAN:
            errors[key] = _("Số liệu kế hoạch phải là số nguyên từ 0 đến %(n)s.") % {"n": MAX_PLAN}
            continue
        values[key] = raw
    if errors:
        raise ValidationError({"plan": [f"{k}: {v}" for k, v in errors.items()]})
    refused: list[str] = []
    for group in PriorityGroup:
        for what, label in (("train", _("bồi dưỡng")), ("admit", _("kết nạp"))):
            if values[f"{what}_{group}"] > values[what]:
                refused.append(
                    _(
                        "Số %(what)s thuộc đối tượng “%(group)s” (%(n)s) "
                        "vượt tổng số %(what)s (%(t)s)."
                    )
                    % {
                        "what": label,
                        "group": PriorityGroup(group).label,
                        "n": values[f"{what}_{group}"],
                        "t": values[what],
                    }
                )
    if refused:
        raise unprocessable({"plan": refused})
    return values


def _clean_part(part: UnitPart) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if part.pool_quality and part.pool_quality not in PoolQuality.values:
        errors["pool_quality"] = _("Mức chất lượng nguồn không hợp lệ.")
    fields = {
        "quality_note": part.quality_note,
        "reasons": part.reasons,
        "difficulties": part.difficulties,
    }
    for name, value in fields.items():
        if len(value) > TEXT_LIMIT:
            errors[name] = _("Nội dung dài quá %(n)s ký tự.") % {"n": TEXT_LIMIT}
    if errors:
        raise ValidationError(errors)
    cleaned: dict[str, Any] = {k: v.strip() for k, v in fields.items()}
    cleaned["pool_quality"] = part.pool_quality
    if part.plan is not None:
        cleaned["plan"] = clean_plan(part.plan)
    return cleaned


@transaction.atomic
def response_update(
    *,
    actor: Actor,
    round_id: Any,
    response_id: Any,
    part: UnitPart,
    version: int | None = None,
) -> SurveyResponse:
    """Write the unit's assessment and plan (a draft or a returned response)."""
    response = _locked_response(actor, round_id, response_id)
    if not can_fill(actor, response):
        raise PermissionDenied
    _check_version(response, version)
    _require_editable(response)
    cleaned = _clean_part(part)
    before = {name: getattr(response, name) for name in cleaned}
    for name, value in cleaned.items():
        setattr(response, name, value)
    _save(response, list(cleaned))
    audit_record(
        actor=actor,
        action="change",
        obj=response,
        organisation=response.organisation,
        summary=_("Sửa phiếu khảo sát nguồn"),
        data={"changed": sorted(k for k, v in cleaned.items() if before[k] != v)},
    )
    return response


@transaction.atomic
def response_submit(
    *, actor: Actor, round_id: Any, response_id: Any, version: int | None = None
) -> SurveyResponse:
    """Send the response to the level above. It needs the assessment of the pool."""
    response = _locked_response(actor, round_id, response_id)
    if not can_fill(actor, response):
        raise PermissionDenied
    _check_version(response, version)
    _require_editable(response)
    missing: dict[str, str] = {}
    if not response.pool_quality:
        missing["pool_quality"] = _("Cần đánh giá chất lượng nguồn trước khi gửi.")
    if not response.quality_note:
        missing["quality_note"] = _("Cần nhập nhận xét về chất lượng nguồn trước khi gửi.")
    if missing:
        raise unprocessable(missing)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = timezone.now()
    response.submitted_by = _user(actor)
    _save(response, ["status", "submitted_at", "submitted_by"])
    audit_record(
        actor=actor,
        action="action",
        obj=response,
        organisation=response.organisation,
        summary=_("Gửi phiếu khảo sát nguồn lên cấp trên"),
    )
    return response


def _reviewable(
    actor: Actor, round_id: Any, response_id: Any, version: int | None
) -> SurveyResponse:
    response = _locked_response(actor, round_id, response_id)
    if not can_review(actor, response):
        raise PermissionDenied
    _check_version(response, version)
    _require_open(response)
    if response.status != ResponseStatus.SUBMITTED:
        raise unprocessable(
            {
                "status": _("Chỉ xem xét được phiếu đã gửi (phiếu đang “%(s)s”).")
                % {"s": response.get_status_display()}
            }
        )
    return response


@transaction.atomic
def response_accept(
    *, actor: Actor, round_id: Any, response_id: Any, version: int | None = None
) -> SurveyResponse:
    """The level above accepts the response: it counts in the roll-up and its plan feeds
    the next year's suggested target."""
    response = _reviewable(actor, round_id, response_id, version)
    response.status = ResponseStatus.ACCEPTED
    response.reviewed_at = timezone.now()
    response.reviewed_by = _user(actor)
    _save(response, ["status", "reviewed_at", "reviewed_by"])
    audit_record(
        actor=actor,
        action="action",
        obj=response,
        organisation=response.organisation,
        summary=_("Chấp nhận phiếu khảo sát nguồn"),
    )
    return response


@transaction.atomic
def response_return(
    *,
    actor: Actor,
    round_id: Any,
    response_id: Any,
    reason: str,
    version: int | None = None,
) -> SurveyResponse:
    """The level above returns the response to the unit, saying why."""
    if not reason.strip():
        raise ValidationError({"reason": _("Cần nêu lý do trả lại phiếu.")})
    if len(reason) > TEXT_LIMIT:
        raise ValidationError({"reason": _("Lý do dài quá %(n)s ký tự.") % {"n": TEXT_LIMIT}})
    response = _reviewable(actor, round_id, response_id, version)
    response.status = ResponseStatus.RETURNED
    response.return_reason = reason.strip()
    response.returned_count += 1
    response.reviewed_at = timezone.now()
    response.reviewed_by = _user(actor)
    _save(response, ["status", "return_reason", "returned_count", "reviewed_at", "reviewed_by"])
    audit_record(
        actor=actor,
        action="action",
        obj=response,
        organisation=response.organisation,
        summary=_("Trả lại phiếu khảo sát nguồn"),
        data={"reason": response.return_reason},
    )
    return response


__all__ = [
    "PLAN_KEYS",
    "StaleResponse",
    "UnitPart",
    "clean_plan",
    "respondents",
    "response_accept",
    "response_refresh",
    "response_return",
    "response_submit",
    "response_update",
    "round_close",
    "round_open",
]
