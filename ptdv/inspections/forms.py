"""The web forms of inspections (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ptdv.core.forms import StyledFormMixin, VietnameseDateField
from ptdv.inspections.models import InspectionKind
from ptdv.inspections.services import InspectionData


class IdChoiceField(forms.TypedChoiceField):
    """An organisation's id: the list offers those in the user's scope, any id is taken and
    resolved through the user's scope by the service (outside: "not found")."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and len(str(value)) < 10


class InspectionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=InspectionKind.choices)
    body = IdChoiceField(label=_("Chủ thể kiểm tra, giám sát"), coerce=int)
    organisation = forms.IntegerField(
        label=_("Mã tổ chức được kiểm tra, giám sát"),
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Mã số của tổ chức đảng (xem trên trang cây tổ chức)."),
    )
    subject = forms.CharField(label=_("Nội dung"), max_length=500)
    starts_on = VietnameseDateField(label=_("Từ ngày"))
    ends_on = VietnameseDateField(label=_("Đến ngày"))
    inspectors = forms.CharField(
        label=_("Thành viên đoàn"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi người một dòng: họ tên, chức vụ."),
    )
    findings = forms.CharField(
        label=_("Kết quả, nhận xét"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args: Any, bodies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].choices = bodies  # type: ignore[attr-defined]
        self.style_fields()

    def data_for_service(self) -> InspectionData:
        v = self.cleaned_data
        return InspectionData(
            kind=v["kind"],
            body=v["body"],
            organisation=v["organisation"],
            subject=v["subject"],
            starts_on=v["starts_on"],
            ends_on=v["ends_on"],
            inspectors=v.get("inspectors", ""),
            findings=v.get("findings", ""),
        )


class RecommendationForm(StyledFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Kiến nghị, yêu cầu khắc phục"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_on = VietnameseDateField(label=_("Hạn thực hiện"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class CloseForm(StyledFormMixin, forms.Form):
    result = forms.CharField(
        label=_("Kết quả thực hiện"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    done_on = VietnameseDateField(label=_("Ngày hoàn thành"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
