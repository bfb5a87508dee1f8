"""The write path of inspections and supervisions: record and change one, add a
recommendation with its follow-up due date, record that it was carried out; the reminders.

Each service resolves what the request names through the actor's scope (the inspecting body
with a clerk's role, the inspected organisation as the actor may see it; outside: the same
field error as for an absent one, nothing written), locks the inspection row, writes and
audits in one transaction. A new recommendation is notified to the inspected organisation;
`followups_overdue_notify` (the nightly job `ptdv inspections remind`) tells both sides about
the recommendations past their due date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from ptdv.audit.services import audit_record
from ptdv.candidacies.policies import require_clerk_somewhere
from ptdv.core.policies import Action, Actor
from ptdv.core.refusals import unprocessable
from ptdv.core.text import nfc
from ptdv.inspections.models import (
    Inspection,
    InspectionKind,
    Recommendation,
    RecommendationStatus,
)
from ptdv.inspections.policies import BODY, INSPECTED, inspection_policy
from ptdv.notifications.services import Notice, notify, notify_many
from ptdv.organisations.policies import organisation_policy

NOTIFY_NEW = "inspection_recommendation"
NOTIFY_OVERDUE = "inspection_followup_overdue"
NOTIFY_KINDS = {
    NOTIFY_NEW: "Kiến nghị sau kiểm tra, giám sát",
    NOTIFY_OVERDUE: "Kiến nghị sau kiểm tra, giám sát quá hạn",
}


class StaleInspection(Exception):
    def __init__(self, current: int) -> None:
        super().__init__(_("Cuộc kiểm tra đã bị người khác thay đổi; hãy tải lại và thử lại."))
        self.current = current


@dataclass(frozen=True)
class InspectionData:
    kind: str
    body: Any  # an Organisation or its id: where the actor is a clerk
    organisation: Any  # the inspected organisation or its id, in the actor's scope
    subject: str
    starts_on: dt.date
    ends_on: dt.date
    inspectors: str = ""
    findings: str = ""


def _stored_user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _clean(actor: Actor, data: InspectionData) -> tuple[Any, Any, dict[str, Any]]:
    body = organisation_policy.resolve_named(
        actor,
        data.body,
        field="body",
        message=_("Chủ thể kiểm tra: không tìm thấy tổ chức trong phạm vi được phân quyền."),
        action=Action.CHANGE,
    )
    organisation = organisation_policy.resolve_named(
        actor,
        data.organisation,
        field="organisation",
        message=_("Tổ chức được kiểm tra: không tìm thấy tổ chức trong phạm vi được phân quyền."),
    )
    errors: dict[str, str] = {}
    if data.kind not in InspectionKind.values:
        errors["kind"] = _("Loại: giá trị không hợp lệ.")
    subject = nfc(data.subject)
    if not subject:
        errors["subject"] = _("Nội dung: cần nhập nội dung kiểm tra, giám sát.")
    if errors:
        raise ValidationError(errors)
    if data.ends_on < data.starts_on:
        raise unprocessable({"ends_on": _("Đến ngày: không được trước ngày bắt đầu.")})
    inspectors = "\n".join(nfc(line) for line in data.inspectors.splitlines() if nfc(line))
    fields = {
        "kind": data.kind,
        "subject": subject[:500],
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "inspectors": inspectors,
        "findings": data.findings.strip(),
    }
    return body, organisation, fields


@transaction.atomic
def inspection_create(*, actor: Actor, data: InspectionData) -> Inspection:
    """Record an inspection or supervision made by `data.body` (a clerk's role there)."""
    require_clerk_somewhere(actor)
    body, organisation, fields = _clean(actor, data)
    inspection = Inspection(
        body=body, organisation=organisation, created_by=_stored_user(actor), **fields
    )
    inspection.full_clean()
    inspection.save()
    audit_record(
        actor=actor,
        action="create",
        obj=inspection,
        organisation=body,
        summary=_("Ghi nhận cuộc kiểm tra, giám sát"),
        data={"kind": inspection.kind, "organisation": organisation.pk},
    )
    return inspection


def _locked(actor: Actor, inspection_id: Any, side: str = BODY) -> Inspection:
    inspection = inspection_policy.get_visible(
        actor,
        inspection_id,
        Inspection.objects.select_for_update(of=("self",)).select_related("body", "organisation"),
    )
    if side == BODY:
        inspection_policy.authorize_on(actor, Action.CHANGE, inspection, BODY)
    else:
        inspection_policy.authorize(actor, Action.CHANGE, inspection)
    return inspection


def _bump(inspection: Inspection) -> None:
    Inspection.objects.filter(pk=inspection.pk).update(version=F("version") + 1)
    inspection.version += 1


@transaction.atomic
def inspection_update(
    *, actor: Actor, inspection_id: Any, data: InspectionData, version: int | None = None
) -> Inspection:
    """Change an inspection (the body's clerks): its particulars and findings."""
    inspection = _locked(actor, inspection_id)
    if version is not None and version != inspection.version:
        raise StaleInspection(inspection.version)
    body, organisation, fields = _clean(actor, data)
    before = {k: str(getattr(inspection, k)) for k in fields}
    inspection.body = body
    inspection.organisation = organisation
    for key, value in fields.items():
        setattr(inspection, key, value)
    inspection.full_clean()
    inspection.save()
    _bump(inspection)
    audit_record(
        actor=actor,
        action="change",
        obj=inspection,
        organisation=body,
        summary=_("Sửa cuộc kiểm tra, giám sát"),
        data={"changed": sorted(k for k, v in before.items() if v != str(fields[k]))},
    )
    return inspection


@transaction.atomic
def recommendation_add(
    *, actor: Actor, inspection_id: Any, text: str, due_on: dt.date
) -> Recommendation:
    """A recommendation of the inspecting body with its follow-up due date; the inspected
    organisation's clerks are told."""
    inspection = _locked(actor, inspection_id)
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("Kiến nghị: cần nhập nội dung kiến nghị.")]})
    if due_on < inspection.starts_on:
        raise unprocessable(
            {"due_on": _("Hạn thực hiện: không được trước ngày bắt đầu kiểm tra, giám sát.")}
        )
    recommendation = Recommendation(inspection=inspection, text=text, due_on=due_on)
    recommendation.full_clean()
    recommendation.save()
    _bump(inspection)
    audit_record(
        actor=actor,
        action="create",
        obj=recommendation,
        organisation=inspection.body,
        summary=_("Thêm kiến nghị sau kiểm tra, giám sát"),
        data={"inspection": inspection.pk, "due_on": due_on.isoformat()},
    )
    url = reverse("inspections:detail", args=[inspection.pk])
    organisation = inspection.organisation
    key = recommendation.object_key
    title = _("Kiến nghị của %(body)s: %(text)s") % {
        "body": inspection.body.name,
        "text": text[:150],
    }
    transaction.on_commit(
        lambda: notify(
            kind=NOTIFY_NEW,
            title=title,
            object_key=key,
            organisation=organisation,
            url=url,
            due=due_on,
        )
    )
    return recommendation


@transaction.atomic
def recommendation_close(
    *, actor: Actor, recommendation_id: Any, result: str, done_on: dt.date
) -> Recommendation:
    """Record that a recommendation was carried out, with its result (a clerk of either
    side). A recommendation already done answers 422."""
    try:
        pk = int(recommendation_id)
        inspection_id = Recommendation.objects.values_list("inspection_id", flat=True).get(pk=pk)
    except (Recommendation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    inspection = _locked(actor, inspection_id, side=INSPECTED)
    recommendation = Recommendation.objects.select_for_update().get(pk=pk)
    if recommendation.status == RecommendationStatus.DONE:
        raise unprocessable({"status": _("Kiến nghị này đã được ghi nhận hoàn thành.")})
    result = result.strip()
    if not result:
        raise ValidationError({"result": [_("Kết quả: cần nêu kết quả thực hiện kiến nghị.")]})
    if done_on < inspection.starts_on:
        raise unprocessable(
            {"done_on": _("Ngày hoàn thành: không được trước ngày bắt đầu kiểm tra, giám sát.")}
        )
    recommendation.status = RecommendationStatus.DONE
    recommendation.result = result
    recommendation.done_on = done_on
    recommendation.done_by = _stored_user(actor)
    recommendation.save()
    _bump(inspection)
    audit_record(
        actor=actor,
        action="change",
        obj=recommendation,
        organisation=inspection.organisation,
        summary=_("Ghi nhận kết quả thực hiện kiến nghị"),
        data={"inspection": inspection.pk, "done_on": done_on.isoformat()},
    )
    return recommendation


def followups_overdue_notify(*, today: dt.date) -> int:
    """Tell the clerks of both sides, once each, about every recommendation still open past
    its due date (the nightly job). A fixed number of queries."""
    rows = (
        Recommendation.objects.filter(status=RecommendationStatus.OPEN, due_on__lt=today)
        .select_related("inspection__body", "inspection__organisation")
        .order_by("due_on", "pk")
    )
    notices: list[Notice] = []
    for r in rows:
        url = reverse("inspections:detail", args=[r.inspection_id])
        title = _("Kiến nghị quá hạn (%(due)s): %(text)s") % {
            "due": r.due_on.strftime("%d/%m/%Y"),
            "text": r.text[:150],
        }
        for organisation in (r.inspection.organisation, r.inspection.body):
            notices.append(
                Notice(
                    kind=NOTIFY_OVERDUE,
                    title=title,
                    object_key=r.object_key,
                    organisation=organisation,
                    url=url,
                    due=r.due_on,
                )
            )
    return notify_many(notices)
