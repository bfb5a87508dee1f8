"""The web forms of exemplars (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ptdv.core.forms import StyledFormMixin, VietnameseDateField
from ptdv.exemplars.models import ExemplarField
from ptdv.exemplars.services import ExemplarData


class IdChoiceField(forms.TypedChoiceField):
    """An organisation's id: the list offers those in the user's scope, any id is taken and
    resolved through the user's scope by the service (outside: "not found")."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and len(str(value)) < 10


class ExemplarForm(StyledFormMixin, forms.Form):
    organisation = IdChoiceField(label=_("Tổ chức ghi nhận"), coerce=int)
    person = forms.IntegerField(
        label=_("Mã người trong hệ thống"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Để trống nếu là người ngoài hệ thống; khi đó nhập họ và tên."),
    )
    name = forms.CharField(label=_("Họ và tên"), max_length=150, required=False)
    description = forms.CharField(label=_("Chức vụ, nơi làm việc"), max_length=255, required=False)
    field = forms.ChoiceField(label=_("Lĩnh vực"), choices=ExemplarField.choices)
    recognised_on = VietnameseDateField(label=_("Ngày ghi nhận"))
    deed = forms.CharField(
        label=_("Thành tích, việc làm tiêu biểu"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = forms.CharField(
        label=_("Minh chứng"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Quyết định khen thưởng, bài báo, đường dẫn…"),
    )
    file = forms.FileField(label=_("Tệp minh chứng (PDF, JPEG, PNG)"), required=False)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        self.style_fields()

    def data_for_service(self) -> ExemplarData:
        values = self.cleaned_data
        return ExemplarData(
            organisation=values["organisation"],
            person=values.get("person"),
            name=values.get("name", ""),
            description=values.get("description", ""),
            field=values["field"],
            deed=values["deed"],
            recognised_on=values["recognised_on"],
            evidence=values.get("evidence", ""),
        )


class LinkForm(StyledFormMixin, forms.Form):
    candidacy = forms.IntegerField(
        label=_("Mã hồ sơ quần chúng"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Để trống để bỏ gắn."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
