"""The web forms of courses (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ptdv.core.forms import StyledFormMixin, VietnameseDateField
from ptdv.courses.models import CourseFormat, CourseKind
from ptdv.courses.services import MAX_CAPACITY, CourseData


class OrganiserField(forms.TypedChoiceField):
    """The organiser's id: the list offers the committees in the user's scope, any id is
    taken and resolved through the user's scope by the service (outside: "not found")."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and len(str(value)) < 10


class CourseForm(StyledFormMixin, forms.Form):
    organiser = OrganiserField(label=_("Đơn vị tổ chức lớp"), coerce=int)
    kind = forms.ChoiceField(label=_("Loại lớp"), choices=CourseKind.choices)
    format = forms.ChoiceField(label=_("Hình thức"), choices=CourseFormat.choices)
    name = forms.CharField(label=_("Tên lớp"), max_length=200)
    issuing_body = forms.CharField(
        label=_("Cơ quan cấp giấy chứng nhận"),
        max_length=200,
        required=False,
        help_text=_("Ví dụ: Trung tâm Chính trị phường; để trống thì là cấp ủy đơn vị tổ chức."),
    )
    starts_on = VietnameseDateField(label=_("Ngày khai giảng"))
    ends_on = VietnameseDateField(label=_("Ngày bế giảng"))
    venue = forms.CharField(label=_("Địa điểm"), max_length=255, required=False)
    teachers = forms.CharField(
        label=_("Giảng viên"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi người một dòng."),
    )
    capacity = forms.IntegerField(
        label=_("Số học viên tối đa"), min_value=1, max_value=MAX_CAPACITY
    )

    def __init__(
        self, *args: Any, organisers: list[tuple[int, str]], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].choices = organisers  # type: ignore[attr-defined]
        if editing:
            del self.fields["organiser"]
        self.style_fields()

    def data_for_service(self, organiser: Any = None) -> CourseData:
        values = self.cleaned_data
        return CourseData(
            organiser=values.get("organiser", organiser),
            kind=values["kind"],
            format=values["format"],
            name=values["name"],
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            capacity=values["capacity"],
            venue=values.get("venue") or "",
            teachers=values.get("teachers") or "",
            issuing_body=values.get("issuing_body") or "",
        )


class SessionForm(StyledFormMixin, forms.Form):
    date = VietnameseDateField(label=_("Ngày học"))
    topic = forms.CharField(label=_("Chuyên đề"), max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class CertificateForm(StyledFormMixin, forms.Form):
    date = VietnameseDateField(label=_("Ngày cấp"))
    signer = forms.CharField(label=_("Người ký"), max_length=150, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class FiguresForm(StyledFormMixin, forms.Form):
    organisation = forms.TypedChoiceField(label=_("Tổ chức"), coerce=int)
    year = forms.IntegerField(label=_("Năm"), min_value=1900, max_value=2999)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        self.style_fields()
