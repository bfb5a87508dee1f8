"""The web forms of the pool survey (the services check everything again)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ptdv.core.forms import StyledFormMixin, VietnameseDateField
from ptdv.surveys.models import PoolQuality
from ptdv.surveys.services import MAX_PLAN, PLAN_KEYS, TEXT_LIMIT


class OrganisationField(forms.TypedChoiceField):
    """An organisation's id: the list offers those the user administers; any id is taken and
    resolved through the user's scope by the service (outside: "not found")."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and len(str(value)) < 10


class RoundForm(StyledFormMixin, forms.Form):
    organisation = OrganisationField(label=_("Phạm vi khảo sát"), coerce=int)
    year = forms.IntegerField(label=_("Năm khảo sát"), min_value=2000, max_value=2100)
    due_date = VietnameseDateField(label=_("Hạn gửi phiếu"))
    title = forms.CharField(
        label=_("Tên đợt khảo sát"),
        max_length=255,
        required=False,
        help_text=_("Để trống: “Khảo sát nguồn phát triển đảng viên năm …”."),
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        self.style_fields()


class ResponseForm(StyledFormMixin, forms.Form):
    pool_quality = forms.ChoiceField(
        label=_("Chất lượng nguồn"),
        choices=[("", "—"), *PoolQuality.choices],
        required=False,
    )
    quality_note = forms.CharField(
        label=_("Nhận xét chất lượng nguồn"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reasons = forms.CharField(
        label=_("Nguyên nhân"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    difficulties = forms.CharField(
        label=_("Khó khăn, vướng mắc"),
        max_length=TEXT_LIMIT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, plan_labels: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key in PLAN_KEYS:
            self.fields[f"plan_{key}"] = forms.IntegerField(
                label=plan_labels[key], min_value=0, max_value=MAX_PLAN, required=False
            )
        self.style_fields()

    def plan(self) -> dict[str, int]:
        return {key: self.cleaned_data.get(f"plan_{key}") or 0 for key in PLAN_KEYS}


class ReturnForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
