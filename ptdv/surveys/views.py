"""The pages of the pool survey: the rounds, opening a round, a round's page (status board,
roll-up per level, the responses), its Excel roll-up, a response (pre-filled figures, the
unit's assessment and plan, submit / accept / return).

Every page starts from the policies (404 outside the user's subtree, 403 without the role).
The pages show organisations and counts, never a person's data.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ptdv.audit.services import audit_record
from ptdv.core.forms import add_service_errors
from ptdv.core.policies import subtree_q
from ptdv.core.views import render_page
from ptdv.organisations.models import Organisation
from ptdv.organisations.policies import organisation_policy
from ptdv.surveys import selectors, services
from ptdv.surveys.excel import rollup_workbook
from ptdv.surveys.figures import figure_sections
from ptdv.surveys.forms import ResponseForm, ReturnForm, RoundForm
from ptdv.surveys.models import EDITABLE_STATUSES, ResponseStatus, RoundStatus, SurveyRound
from ptdv.surveys.policies import ADMINISTRATOR_RANK, can_fill, can_manage_round, can_review

PER_PAGE = 50


def _administered(request: HttpRequest) -> Any:
    return Organisation.objects.filter(
        subtree_q(request.user, "path", min_rank=ADMINISTRATOR_RANK), valid_to__isnull=True
    ).order_by("path")


@never_cache
@require_safe
def round_list_view(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    rounds = selectors.round_list(
        actor=request.user,
        year=int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
    )
    page = Paginator(rounds, PER_PAGE).get_page(request.GET.get("page"))
    return render_page(
        request,
        "surveys/list.html",
        {
            "page": page,
            "year": year,
            "today": timezone.localdate(),
            "may_open": _administered(request).exists(),
            "section": "surveys",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def round_create_view(request: HttpRequest) -> HttpResponse:
    options = [(o.pk, o.name) for o in _administered(request)[:1000]]
    if not options:
        raise PermissionDenied
    today = timezone.localdate()
    form = RoundForm(request.POST or None, organisations=options, initial={"year": today.year})
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            survey_round = services.round_open(
                actor=request.user,
                organisation=values["organisation"],
                year=values["year"],
                due_date=values["due_date"],
                title=values.get("title", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Đã mở đợt khảo sát, gửi phiếu tới {survey_round.responses.count()} "
                "tổ chức cơ sở đảng.",
            )
            return redirect(survey_round.get_absolute_url())
    return render_page(request, "surveys/round_form.html", {"form": form, "section": "surveys"})


def _under(request: HttpRequest, survey_round: SurveyRound) -> Organisation | None:
    raw = request.GET.get("under", "")
    if not raw.isdigit() or len(raw) > 9:
        return None
    node = organisation_policy.get_visible(request.user, raw)
    if not node.path.startswith(survey_round.organisation.path):
        return None
    return node


@never_cache
@require_safe
def round_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    survey_round = selectors.round_get(actor=request.user, round_id=pk)
    status = request.GET.get("status", "")
    overdue_only = request.GET.get("overdue") == "1"
    responses = selectors.response_list(
        actor=request.user,
        survey_round=survey_round,
        status=status if status in ResponseStatus.values else None,
        overdue_only=overdue_only,
        today=today,
    )
    page = Paginator(responses, PER_PAGE).get_page(request.GET.get("page"))
    under = _under(request, survey_round)
    rows = selectors.rollup(actor=request.user, survey_round=survey_round, under=under)
    late = survey_round.status == RoundStatus.OPEN and survey_round.due_date < today
    return render_page(
        request,
        "surveys/round.html",
        {
            "round": survey_round,
            "board": selectors.status_board(
                actor=request.user, survey_round=survey_round, today=today
            ),
            "rows": rows,
            "total_sections": figure_sections(rows[0].figures),
            "total_plan": [
                (label, rows[0].plan.get(key, 0)) for key, label in selectors.plan_labels().items()
            ],
            "under": under,
            "page": page,
            "status": status,
            "overdue_only": overdue_only,
            "late": late,
            "editable": EDITABLE_STATUSES,
            "statuses": ResponseStatus.choices,
            "may_manage": can_manage_round(request.user, survey_round),
            "section": "surveys",
        },
    )


@never_cache
@require_safe
def round_export_view(request: HttpRequest, pk: int) -> FileResponse:
    survey_round = selectors.round_get(actor=request.user, round_id=pk)
    under = _under(request, survey_round)
    rows = selectors.rollup(actor=request.user, survey_round=survey_round, under=under)
    handle, count = rollup_workbook(f"Tổng hợp khảo sát {survey_round.year}", rows)
    audit_record(
        actor=request.user,
        action="export",
        obj=survey_round,
        organisation=under or survey_round.organisation,
        summary="Xuất Excel tổng hợp khảo sát nguồn",
        data={"rows": count},
    )
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"tong-hop-khao-sat-nguon-{survey_round.year}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@never_cache
@require_POST
def round_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        survey_round = services.round_close(actor=request.user, round_id=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("surveys:round", pk)
    messages.success(request, "Đã kết thúc đợt khảo sát.")
    return redirect(survey_round.get_absolute_url())


def _response_form(response: Any, data: Any = None) -> ResponseForm:
    initial = {
        "pool_quality": response.pool_quality,
        "quality_note": response.quality_note,
        "reasons": response.reasons,
        "difficulties": response.difficulties,
        **{f"plan_{k}": v for k, v in (response.plan or {}).items()},
    }
    return ResponseForm(data, initial=initial, plan_labels=selectors.plan_labels())


@never_cache
@require_http_methods(["GET", "POST"])
def response_view(request: HttpRequest, round_id: int, pk: int) -> HttpResponse:
    response = selectors.response_get(actor=request.user, round_id=round_id, response_id=pk)
    may_fill = can_fill(request.user, response)
    editable = (
        may_fill and response.is_editable and response.survey_round.status == RoundStatus.OPEN
    )
    form = _response_form(response, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if form.is_valid():
            values = form.cleaned_data
            try:
                services.response_update(
                    actor=request.user,
                    round_id=round_id,
                    response_id=pk,
                    part=services.UnitPart(
                        pool_quality=values["pool_quality"],
                        quality_note=values["quality_note"],
                        reasons=values["reasons"],
                        difficulties=values["difficulties"],
                        plan=form.plan(),
                    ),
                    version=int(request.POST.get("version", "0") or 0) or None,
                )
            except services.StaleResponse as exc:
                messages.error(request, str(exc))
                return redirect(response.get_absolute_url())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if request.POST.get("then") == "submit":
                    return _act(request, round_id, pk, "submit")
                messages.success(request, "Đã lưu phiếu khảo sát.")
                return redirect(response.get_absolute_url())
    labels = selectors.plan_labels()
    return render_page(
        request,
        "surveys/response.html",
        {
            "response": response,
            "round": response.survey_round,
            "sections": figure_sections(response.figures),
            "plan_rows": [(labels[k], (response.plan or {}).get(k, 0)) for k in labels],
            "form": form,
            "editable": editable,
            "may_review": can_review(request.user, response)
            and response.status == ResponseStatus.SUBMITTED
            and response.survey_round.status == RoundStatus.OPEN,
            "return_form": ReturnForm(),
            "overdue": selectors.is_overdue(response, timezone.localdate()),
            "section": "surveys",
        },
    )


_ACTIONS = {
    "refresh": (services.response_refresh, "Đã lấy lại số liệu từ dữ liệu hiện tại."),
    "submit": (services.response_submit, "Đã gửi phiếu lên cấp trên."),
    "accept": (services.response_accept, "Đã chấp nhận phiếu."),
}


def _act(request: HttpRequest, round_id: int, pk: int, action: str) -> HttpResponse:
    try:
        if action == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Cần nêu lý do trả lại phiếu.")
                return redirect("surveys:response", round_id, pk)
            response = services.response_return(
                actor=request.user,
                round_id=round_id,
                response_id=pk,
                reason=form.cleaned_data["reason"],
            )
            done = "Đã trả lại phiếu cho đơn vị."
        else:
            service, done = _ACTIONS[action]
            response = service(actor=request.user, round_id=round_id, response_id=pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("surveys:response", round_id, pk)
    messages.success(request, done)
    return redirect(response.get_absolute_url())


@never_cache
@require_POST
def response_action_view(request: HttpRequest, round_id: int, pk: int, action: str) -> HttpResponse:
    return _act(request, round_id, pk, action)
