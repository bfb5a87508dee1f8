"""The applicant's relatives on the person page (form 2-KNĐ, background verification): add,
edit and delete, through the documents services, which check the person policy and write
the audit trail.

A person or relative outside the user's subtree is a 404; a role that may not change the
person (a viewer) is a 403.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ptdv.audit.services import audit_record
from ptdv.core.forms import StyledFormMixin, add_service_errors
from ptdv.core.policies import Action
from ptdv.core.text import validate_person_name
from ptdv.core.views import render_page
from ptdv.documents.models import RELATION_ORDER, Relation, Relative
from ptdv.documents.selectors import relative_get_visible, relative_policy
from ptdv.documents.services import (
    RelativeData,
    relative_create,
    relative_delete,
    relative_update,
)
from ptdv.people.models import Person
from ptdv.people.policies import person_policy
from ptdv.people.selectors import person_detail_queryset

MIN_BIRTH_YEAR = 1900
RELATIVE_FIELDS = (
    "relation",
    "full_name",
    "birth_year",
    "occupation",
    "residence",
    "political_history",
    "party_member",
)


def person_relatives(*, actor: Any, person: Person) -> QuerySet[Relative]:
    """The person's relatives in the order form 2-KNĐ lists them (parents first)."""
    order = Case(
        *(When(relation=code, then=Value(index)) for code, index in RELATION_ORDER.items()),
        default=Value(len(RELATION_ORDER)),
        output_field=IntegerField(),
    )
    return relative_policy.visible_to(actor, Relative.objects.filter(person=person)).order_by(
        order, "id"
    )


class RelativeForm(StyledFormMixin, forms.Form):
    relation = forms.ChoiceField(
        label=gettext_lazy("Quan hệ với người khai"),
        choices=[("", gettext_lazy("— Chọn quan hệ —")), *Relation.choices],
        error_messages={
            "required": gettext_lazy("Chọn quan hệ với người khai."),
            "invalid_choice": gettext_lazy("Quan hệ không hợp lệ."),
        },
    )
    full_name = forms.CharField(
        label=gettext_lazy("Họ và tên"),
        max_length=150,
        error_messages={
            "required": gettext_lazy("Nhập họ và tên người thân."),
            "max_length": gettext_lazy("Họ và tên dài quá %(limit_value)d ký tự."),
        },
        validators=[validate_person_name],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    birth_year = forms.IntegerField(
        label=gettext_lazy("Năm sinh"),
        required=False,
        error_messages={"invalid": gettext_lazy("Nhập năm sinh bằng số, ví dụ 1965.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "yyyy"}
        ),
    )
    occupation = forms.CharField(
        label=gettext_lazy("Nghề nghiệp"),
        required=False,
        max_length=255,
        error_messages={"max_length": gettext_lazy("Nghề nghiệp dài quá %(limit_value)d ký tự.")},
    )
    residence = forms.CharField(
        label=gettext_lazy("Nơi ở hiện nay"),
        required=False,
        max_length=255,
        error_messages={"max_length": gettext_lazy("Nơi ở dài quá %(limit_value)d ký tự.")},
    )
    party_member = forms.BooleanField(label=gettext_lazy("Là đảng viên"), required=False)
    political_history = forms.CharField(
        label=gettext_lazy("Lịch sử chính trị"),
        required=False,
        help_text=gettext_lazy("Quá trình hoạt động, thái độ chính trị qua các thời kỳ."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean_birth_year(self) -> int | None:
        year: int | None = self.cleaned_data.get("birth_year")
        this_year = timezone.localdate().year
        if year is not None and not (MIN_BIRTH_YEAR <= year <= this_year):
            raise ValidationError(
                _("Năm sinh phải từ %(first)d đến %(last)d.")
                % {"first": MIN_BIRTH_YEAR, "last": this_year},
                code="birth_year_range",
            )
        return year

    def relative_data(self) -> RelativeData:
        data = self.cleaned_data
        return RelativeData(
            relation=data["relation"],
            full_name=data["full_name"],
            birth_year=data.get("birth_year"),
            occupation=data.get("occupation") or "",
            residence=data.get("residence") or "",
            political_history=data.get("political_history") or "",
            party_member=bool(data.get("party_member")),
        )


def _person_url(person: Person) -> str:
    return person.get_absolute_url() + "#relatives"


def _require_change(request: HttpRequest, person: Person) -> None:
    if not person_policy.can(request.user, Action.CHANGE, person):
        raise PermissionDenied


def _relative_for_change(request: HttpRequest, pk: int) -> Relative:
    """The relative, 404 when its person is outside the user's subtree, 403 for a viewer."""
    relative = relative_get_visible(actor=request.user, pk=pk)
    _require_change(request, relative.person)
    return relative


def _audit_relative_read(request: HttpRequest, relative: Relative) -> None:
    audit_record(
        actor=request.user,
        action="view",
        obj=relative,
        person=relative.person,
        summary="Xem thông tin người thân",
    )


def _render_form(
    request: HttpRequest, form: RelativeForm, person: Person, relative: Relative | None
) -> HttpResponse:
    if relative is not None:
        _audit_relative_read(request, relative)
    return render_page(
        request,
        "people/relative_form.html",
        {"form": form, "person": person, "relative": relative, "section": "candidacies"},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def relative_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_policy.get_visible(request.user, pk, person_detail_queryset())
    _require_change(request, person)
    form = RelativeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            relative_create(actor=request.user, person=person, data=form.relative_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm người thân."))
            return redirect(_person_url(person))
    return _render_form(request, form, person, None)


@never_cache
@require_http_methods(["GET", "POST"])
def relative_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    relative = _relative_for_change(request, pk)
    person = relative.person
    if request.method == "POST":
        form = RelativeForm(request.POST)
    else:
        form = RelativeForm(initial={name: getattr(relative, name) for name in RELATIVE_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            relative_update(actor=request.user, relative=relative, data=form.relative_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu thông tin người thân."))
            return redirect(_person_url(person))
    return _render_form(request, form, person, relative)


@never_cache
@require_http_methods(["GET", "POST"])
def relative_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; only the POST of the confirmation form deletes."""
    relative = _relative_for_change(request, pk)
    person = relative.person
    if request.method == "POST":
        relative_delete(actor=request.user, relative=relative)
        messages.success(request, _("Đã xóa người thân."))
        return redirect(_person_url(person))
    _audit_relative_read(request, relative)
    return render_page(
        request,
        "people/relative_delete.html",
        {"person": person, "relative": relative, "section": "candidacies"},
    )
