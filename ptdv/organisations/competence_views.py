"""Who decides for an organisation, shown and recorded (QĐ 294 §4.3.2, issue 12 §3): the
page `/organisations/<pk>/competence/` and `GET|POST /api/v1/organisations/{id}/competence/`,
both through `competence_record` (ptdv/organisations/competence.py), which resolves every
organisation named through the user's scope and lets only the administrators of the
committee above the deciding body record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ptdv.core.api_views import ApiSerializer
from ptdv.core.forms import StyledFormMixin, VietnameseDateField, add_service_errors
from ptdv.core.policies import Actor, role_rank_at
from ptdv.core.refusals import unprocessable
from ptdv.core.views import render_page
from ptdv.organisations.changes import ADMIN_RANK
from ptdv.organisations.competence import Competent, competence_record, competent_on
from ptdv.organisations.forms import OrganisationChoice
from ptdv.organisations.models import Competence, CompetenceBasis, Organisation, ancestor_paths
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import organisation_ancestors

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def competence_rows_of(organisation: Organisation) -> list[Competence]:
    """The rows on the organisation and the rows it holds for others, newest first."""
    return list(
        Competence.objects.filter(Q(subject=organisation) | Q(decider=organisation))
        .select_related("subject", "decider", "grassroots")
        .order_by("-valid_from", "-pk")
    )


def may_record(actor: Actor, organisation: Organisation) -> bool:
    """Whether the user administers the committee above `organisation` (or a root itself):
    the one that records who decides for it (the service checks again)."""
    paths = ancestor_paths(organisation.path)
    granting = paths[-2] if len(paths) > 1 else paths[-1]
    return organisation.is_active and role_rank_at(actor, granting) >= ADMIN_RANK


class CompetenceForm(StyledFormMixin, forms.Form):
    decider = OrganisationChoice(
        label=_("Cấp quyết định"),
        queryset=Organisation.objects.none(),
        help_text=_("Chính tổ chức này (đảng ủy cơ sở được ủy quyền) hoặc một cấp ủy cấp trên."),
    )
    basis = forms.ChoiceField(label=_("Căn cứ thẩm quyền"), choices=CompetenceBasis.choices)
    valid_from = VietnameseDateField(label=_("Có hiệu lực từ ngày"))
    decision_number = forms.CharField(
        label=_("Số quyết định"), max_length=60, help_text=_("Ví dụ: 12-QĐ/TU.")
    )
    decision_date = VietnameseDateField(label=_("Ngày quyết định"))
    issuing_body = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args: Any, organisation: Organisation, actor: Actor, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["decider"]
        assert isinstance(field, OrganisationChoice)
        field.queryset = organisation_policy.visible_to(actor).filter(
            path__in=organisation.ancestor_paths, valid_to__isnull=True
        )
        self.style_fields()


def _record(actor: Actor, organisation: Organisation, data: dict[str, Any]) -> Competence:
    return competence_record(
        actor=actor,
        subject=organisation,
        decider=data["decider"],
        basis=data["basis"],
        valid_from=data["valid_from"],
        decision={
            "number": data["decision_number"],
            "date": data["decision_date"],
            "issuing_body": data["issuing_body"],
        },
        note=data.get("note") or "",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def competence_page(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_policy.get_visible(request.user, pk)
    today = timezone.localdate()
    allowed = may_record(request.user, organisation)
    form = None
    if allowed:
        form = CompetenceForm(
            request.POST if request.method == "POST" else None,
            organisation=organisation,
            actor=request.user,
            initial={"valid_from": today, "decider": organisation.parent_id},
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                competence = _record(request.user, organisation, form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc, {"decision_date": "decision_date"})
            else:
                messages.success(request, _("Đã ghi nhận: %(row)s.") % {"row": competence})
                return redirect("organisations:competence", pk=organisation.pk)
    context = {
        "organisation": organisation,
        "ancestors": list(organisation_ancestors(actor=request.user, organisation=organisation)),
        "current": competent_on(organisation, today),
        "rows": competence_rows_of(organisation),
        "form": form,
        "section": "organisations",
    }
    return render_page(request, "organisations/competence.html", context)


# --- API -----------------------------------------------------------------------------------


class CompetenceRowSerializer(serializers.ModelSerializer[Competence]):
    subject_name = serializers.CharField(source="subject.name", read_only=True)
    decider_name = serializers.CharField(source="decider.name", read_only=True)

    class Meta:
        model = Competence
        fields = [
            "id", "subject", "subject_name", "decider", "decider_name", "basis", "grassroots",
            "valid_from", "valid_to", "decision_number", "decision_date", "issuing_body", "note",
        ]  # fmt: skip


class CurrentSerializer(serializers.Serializer[Competent]):
    decider = serializers.IntegerField(source="decider.pk")
    decider_name = serializers.CharField(source="decider.name")
    grassroots = serializers.IntegerField(source="grassroots.pk")
    authorised = serializers.BooleanField()
    committee_step = serializers.BooleanField()


class CompetenceAnswerSerializer(ApiSerializer):
    current = CurrentSerializer()
    rows = CompetenceRowSerializer(many=True)


class CompetenceRecordSerializer(ApiSerializer):
    decider = serializers.IntegerField(min_value=1)
    basis = serializers.ChoiceField(choices=CompetenceBasis.choices)
    valid_from = serializers.DateField(input_formats=DATE_FORMATS)
    decision_number = serializers.CharField(max_length=60)
    decision_date = serializers.DateField(input_formats=DATE_FORMATS)
    issuing_body = serializers.CharField(max_length=255)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


NOT_FOUND = gettext_lazy("Không tìm thấy tổ chức đảng.")


class CompetenceView(APIView):
    """Who decides admission and recognition for an organisation: today, and its dated
    rows (GET); record a new row from a decision (POST: 201, 400 bad body or an
    organisation outside the scope, 403 not an administrator of the committee above, 404
    outside the scope, 422 refused by a rule)."""

    @extend_schema(
        operation_id="organisations_competence_retrieve",
        responses={200: CompetenceAnswerSerializer, 404: OpenApiResponse(description="absent")},
    )
    def get(self, request: Request, pk: int) -> Response:
        organisation = organisation_policy.get_visible(request.user, pk)
        today = timezone.localdate()
        return Response(
            {
                "current": CurrentSerializer(competent_on(organisation, today)).data,
                "rows": CompetenceRowSerializer(competence_rows_of(organisation), many=True).data,
            }
        )

    @extend_schema(
        operation_id="organisations_competence_create",
        request=CompetenceRecordSerializer,
        responses={
            201: CompetenceRowSerializer,
            403: OpenApiResponse(description="not an administrator of the committee above"),
            404: OpenApiResponse(description="absent or outside the scope"),
            422: OpenApiResponse(description="refused"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        organisation = organisation_policy.get_visible(request.user, pk)
        body = CompetenceRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        # An organisation named outside the scope answers like an absent one (400).
        data["decider"] = organisation_policy.resolve_named(
            request.user, data["decider"], field="decider", message=NOT_FOUND
        )
        try:
            competence = _record(request.user, organisation, data)
        except ValidationError as exc:
            raise unprocessable(exc.message_dict) from exc
        return Response(CompetenceRowSerializer(competence).data, status=status.HTTP_201_CREATED)
