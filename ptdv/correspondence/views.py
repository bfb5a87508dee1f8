"""The request pages, under /requests/ (URL namespace "correspondence"): the incoming and
outgoing lists (filters, Excel export), a request (what the user's side may read and do), the
form that sends one from a dossier, the answer form with the signed scan, the letter.

Every view of a request, a list page and an export is written to the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ptdv.audit.services import audit_list_read, audit_record
from ptdv.candidacies.models import Candidacy
from ptdv.candidacies.policies import candidacy_policy
from ptdv.candidacies.workflow import RuleViolation, WrongStage
from ptdv.core.api import SourceCountPaginator
from ptdv.core.forms import add_service_errors
from ptdv.core.policies import Action
from ptdv.core.spreadsheets import workbook_write
from ptdv.core.views import render_page
from ptdv.correspondence.forms import (
    AcceptForm,
    AnswerForm,
    ReasonForm,
    RequestFilterForm,
    RequestForm,
    VersionForm,
)
from ptdv.correspondence.letters import request_letter
from ptdv.correspondence.models import OrganisationRequest, RequestKind, RequestStatus
from ptdv.correspondence.parameters import DUE
from ptdv.correspondence.policies import ADDRESSEE, SENDER, request_policy
from ptdv.correspondence.selectors import RequestFilters, addressee_lookup, request_list
from ptdv.correspondence.services import (
    NewRequest,
    Reply,
    StaleRequest,
    WrongStatus,
    request_accept,
    request_answer,
    request_cancel,
    request_receive,
    request_record,
    request_refuse,
    request_send,
)
from ptdv.organisations.models import CELL_KINDS, Organisation
from ptdv.organisations.policies import organisation_policy

PER_PAGE = 50
EXPORT_LIMIT = 50_000
ACTIONS = ("receive", "answer", "accept", "refuse", "cancel", "record")


def _filters(request: HttpRequest) -> tuple[RequestFilterForm, RequestFilters]:
    form = RequestFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    return form, RequestFilters(
        direction=data.get("direction", ""),
        status=data.get("status", ""),
        kind=data.get("kind", ""),
    )


@never_cache
@require_safe
def request_list_view(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    rows = request_list(actor=request.user, filters=filters).select_related("candidacy__person")
    page = SourceCountPaginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    audit_list_read(
        actor=request.user,
        object_type="correspondence.organisationrequest",
        ids=[r.pk for r in page.object_list],
        person_ids=[r.candidacy.person_id for r in page.object_list],
        count=page.paginator.count,
        summary="Xem danh sách yêu cầu giữa các tổ chức",
        filters={**filters.as_audit(), "page": page.number},
    )
    return render_page(
        request,
        "correspondence/list.html",
        {"form": form, "page": page, "filters": filters, "section": "requests"},
    )


def _export_rows(rows: Any) -> Any:
    for r in rows:
        yield [
            r.pk,
            r.get_kind_display(),
            r.get_status_display(),
            r.sender.name,
            r.addressee_label,
            r.subject_name,
            r.subject_birth_date,
            r.sent_on,
            r.due_on,
            r.number.symbol if r.number is not None else "",
            r.answered_on or r.decided_on,
            r.get_conclusion_display() if r.conclusion else "",
            r.escalated_to.name if r.escalated_to is not None else "",
        ]


@never_cache
@require_safe
def request_export_view(request: HttpRequest) -> FileResponse:
    """The list, with its filters, as an Excel workbook (audited as an export)."""
    _form, filters = _filters(request)
    rows = list(request_list(actor=request.user, filters=filters)[:EXPORT_LIMIT])
    handle, count = workbook_write(
        "Yêu cầu",
        [
            "Mã",
            "Loại yêu cầu",
            "Tình trạng",
            "Tổ chức gửi",
            "Nơi nhận",
            "Họ và tên",
            "Ngày sinh",
            "Ngày gửi",
            "Hạn trả lời",
            "Số công văn",
            "Ngày trả lời",
            "Kết luận",
            "Chuyển cấp trên",
        ],
        _export_rows(rows),
    )
    audit_record(
        actor=request.user,
        action="export",
        object_type="correspondence.organisationrequest",
        summary="Xuất Excel danh sách yêu cầu giữa các tổ chức",
        data={"count": count, "filters": filters.as_audit(), "ids": [r.pk for r in rows][:500]},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename="yeu-cau.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@never_cache
@require_http_methods(["GET", "POST"])
def request_create_view(request: HttpRequest) -> HttpResponse:
    """Send a request about the dossier named by `?candidacy=` (404 outside the scope)."""
    candidacy = candidacy_policy.get_visible(
        request.user,
        request.GET.get("candidacy"),
        Candidacy.objects.select_related("person", "organisation"),
    )
    candidacy_policy.authorize(request.user, Action.CHANGE, candidacy)
    form = RequestForm(
        request.POST or None,
        initial={"kind": request.GET.get("kind") or RequestKind.VERIFICATION},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            addressee = (
                addressee_lookup(candidacy=candidacy, typed=data["addressee"])
                if data["addressee"].strip()
                else None
            )
            created = request_send(
                actor=request.user,
                candidacy_id=candidacy.pk,
                data=NewRequest(
                    kind=data["kind"],
                    questions=data["questions"],
                    addressee=addressee,
                    addressee_name=data["addressee_name"],
                    addressee_address=data["addressee_address"],
                    place=data["place"],
                    home_town=data["home_town"],
                ),
                today=timezone.localdate(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"candidacy": None})
        else:
            messages.success(request, "Đã gửi yêu cầu: " + created.get_kind_display())
            return redirect("correspondence:detail", pk=created.pk)
    return render_page(
        request,
        "correspondence/create.html",
        {
            "form": form,
            "candidacy": candidacy,
            "due": [(RequestKind(k).label, p.working_days, p.source) for k, p in DUE.items()],
            "section": "requests",
        },
    )


def _cells(request: HttpRequest, req: OrganisationRequest) -> list[tuple[Any, str]]:
    """The active cells of the addressee the user may change (a transfer's destination)."""
    if req.addressee is None:
        return []
    rows = organisation_policy.visible_to(
        request.user,
        Organisation.objects.filter(
            path__startswith=req.addressee.path, kind__in=CELL_KINDS, valid_to__isnull=True
        ),
    ).order_by("path")
    return [(o.pk, o.name) for o in rows if organisation_policy.can(request.user, Action.CHANGE, o)]


def _detail_context(request: HttpRequest, req: OrganisationRequest, **forms: Any) -> dict[str, Any]:
    user = request.user
    sides = request_policy.sides(user, req)
    on_sender = request_policy.can_on(user, Action.CHANGE, req, SENDER)
    answering = SENDER if req.is_external else ADDRESSEE
    may_answer = request_policy.can_on(user, Action.CHANGE, req, answering)
    on_addressee = req.addressee is not None and request_policy.can_on(
        user, Action.CHANGE, req, ADDRESSEE
    )
    is_open = req.is_open
    dossier_visible = candidacy_policy.visible_to(user).filter(pk=req.candidacy_id).exists()
    version = {"version": req.version}
    return {
        "req": req,
        "sides": sides,
        "sender_side": SENDER in sides,
        "dossier_visible": dossier_visible,
        "can_receive": on_addressee
        and req.status in (RequestStatus.SENT, RequestStatus.OVERDUE)
        and req.received_on is None,
        "can_answer": may_answer and is_open and req.kind != RequestKind.TRANSFER,
        "can_decide": on_addressee and is_open and req.kind == RequestKind.TRANSFER,
        "can_cancel": on_sender and is_open,
        "can_record": on_sender
        and req.status == RequestStatus.ANSWERED
        and req.recorded_event_id is None,
        "answer_form": forms.get("answer_form") or AnswerForm(initial=version),
        "accept_form": forms.get("accept_form")
        or AcceptForm(initial=version, cells=_cells(request, req)),
        "refuse_form": forms.get("refuse_form") or ReasonForm(initial=version, prefix="refuse"),
        "cancel_form": forms.get("cancel_form") or ReasonForm(initial=version, prefix="cancel"),
        "version_form": VersionForm(initial=version),
        "section": "requests",
    }


@never_cache
@require_safe
def request_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    req = request_policy.get_visible(
        request.user, pk, request_policy.queryset().select_related("candidacy__person")
    )
    sides = request_policy.sides(request.user, req)
    audit_record(
        actor=request.user,
        action="view",
        obj=req,
        person=req.candidacy.person,
        organisation=req.sender if SENDER in sides else req.addressee,
        summary="Xem yêu cầu giữa các tổ chức",
        data={"candidacy": req.candidacy_id, "sides": sorted(sides)},
    )
    return render_page(request, "correspondence/detail.html", _detail_context(request, req))


@never_cache
@require_safe
def request_letter_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    letter = request_letter(actor=request.user, request_id=pk, fmt=fmt)
    response = HttpResponse(letter.content, content_type=letter.content_type)
    response["Content-Disposition"] = f'attachment; filename="{letter.filename}"'
    return response


def _version(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def _run(
    request: HttpRequest, req: OrganisationRequest, action: str
) -> tuple[bool, dict[str, Any]]:
    """Take `action` from the posted form; (done, forms with errors to show again)."""
    today = timezone.localdate()
    user = request.user
    if action == "answer":
        form: Any = AnswerForm(request.POST, request.FILES)
        if not form.is_valid():
            return False, {"answer_form": form}
        data = form.cleaned_data
        scan = data.get("scan")
        reply = Reply(
            text=data["reply_text"],
            conclusion=data["conclusion"],
            answered_on=data["answered_on"],
            number=data["reply_number"],
            signer=data["reply_signer"],
            scan=scan.file if scan else None,
            scan_name=scan.name if scan else "",
        )
        request_answer(
            actor=user,
            request_id=req.pk,
            reply=reply,
            today=today,
            version=_version(data["version"]),
        )
        return True, {}
    if action == "accept":
        form = AcceptForm(request.POST, cells=_cells(request, req))
        if not form.is_valid():
            return False, {"accept_form": form}
        request_accept(
            actor=user,
            request_id=req.pk,
            organisation=form.cleaned_data["organisation"],
            today=today,
            version=_version(form.cleaned_data["version"]),
        )
        return True, {}
    if action in ("refuse", "cancel"):
        form = ReasonForm(request.POST, prefix=action)
        if not form.is_valid():
            return False, {f"{action}_form": form}
        service = request_refuse if action == "refuse" else request_cancel
        service(
            actor=user,
            request_id=req.pk,
            reason=form.cleaned_data["reason"],
            today=today,
            version=_version(form.cleaned_data["version"]),
        )
        return True, {}
    if action == "record":
        request_record(actor=user, request_id=req.pk)
        return True, {}
    form = VersionForm(request.POST)
    version = form.cleaned_data.get("version") if form.is_valid() else None
    request_receive(actor=user, request_id=req.pk, today=today, version=_version(version))
    return True, {}


_DONE = {
    "receive": "Đã tiếp nhận yêu cầu.",
    "answer": "Đã trả lời yêu cầu.",
    "accept": "Đã tiếp nhận hồ sơ.",
    "refuse": "Đã từ chối tiếp nhận hồ sơ.",
    "cancel": "Đã hủy yêu cầu.",
    "record": "Đã ghi kết quả vào hồ sơ.",
}


@never_cache
@require_POST
def request_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    req = request_policy.get_visible(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    # The side that takes the action, checked before any form is read (404 / 403).
    side = {"receive": ADDRESSEE, "accept": ADDRESSEE, "refuse": ADDRESSEE}.get(action, SENDER)
    if action == "answer" and not req.is_external:
        side = ADDRESSEE
    request_policy.authorize_on(request.user, Action.CHANGE, req, side)
    try:
        done, forms = _run(request, req, action)
    except StaleRequest as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(req.get_absolute_url())
    except (WrongStatus, WrongStage) as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(req.get_absolute_url())
    except RuleViolation as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(req.get_absolute_url())
    except ValidationError as exc:
        forms = {}
        target: Any = {
            "answer": AnswerForm(request.POST, request.FILES),
            "accept": AcceptForm(request.POST, cells=_cells(request, req)),
            "refuse": ReasonForm(request.POST, prefix="refuse"),
            "cancel": ReasonForm(request.POST, prefix="cancel"),
        }.get(action)
        if target is None:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(req.get_absolute_url())
        target.is_valid()
        add_service_errors(target, exc, {"organisation": "organisation", "file": "scan"})
        forms = {f"{action}_form": target}
        done = False
    if done:
        messages.success(request, _DONE[action])
        return HttpResponseRedirect(req.get_absolute_url())
    fresh = request_policy.get_visible(request.user, pk)
    return render_page(
        request, "correspondence/detail.html", _detail_context(request, fresh, **forms), status=200
    )
