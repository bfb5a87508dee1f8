"""The web forms of obstacles (the services check everything again)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ptdv.core.forms import StyledFormMixin
from ptdv.obstacles.models import Category
from ptdv.obstacles.selectors import STATUS_FILTERS

_MONTH = re.compile(r"^\s*(\d{1,2})/(\d{4})\s*$")


class MonthField(forms.Field):
    """A month typed as mm/yyyy (the list's and the monthly report's filter)."""

    widget = forms.TextInput(attrs={"placeholder": "mm/yyyy", "inputmode": "numeric"})

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        match = _MONTH.match(str(value))
        if not match or not 1 <= int(match.group(1)) <= 12 or int(match.group(2)) < 1900:
            raise ValidationError(_("Tháng: nhập dạng tháng/năm, ví dụ 03/2026."), code="invalid")
        return dt.date(int(match.group(2)), int(match.group(1)), 1)


class IdField(forms.TypedChoiceField):
    """An organisation's id: the list offers those in the user's scope; any id is taken and
    resolved through the scope by the service or selector (outside: "not found")."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and len(str(value)) < 10


class ObstacleFilterForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=[("", "Tất cả"), *STATUS_FILTERS.items()]
    )
    category = forms.ChoiceField(
        label=_("Nhóm vướng mắc"), required=False, choices=[("", "Tất cả"), *Category.choices]
    )
    level = IdField(label=_("Cấp đang giải quyết"), required=False, coerce=int, empty_value=None)
    month = MonthField(label=_("Tháng ghi nhận"), required=False)
    candidacy = forms.IntegerField(
        required=False, min_value=1, max_value=999_999_999, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, levels: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "Tất cả"), *levels]  # type: ignore[attr-defined]
        self.style_fields()


class MonthlyForm(StyledFormMixin, forms.Form):
    organisation = IdField(label=_("Tổ chức"), coerce=int)
    month = MonthField(label=_("Tháng"))

    def __init__(self, *args: Any, levels: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = levels  # type: ignore[attr-defined]
        self.style_fields()


class StatsForm(StyledFormMixin, forms.Form):
    organisation = IdField(label=_("Tổ chức"), coerce=int, required=False, empty_value=None)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, levels: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [("", "Tất cả"), *levels]  # type: ignore[attr-defined]
        self.style_fields()


class ObstacleForm(StyledFormMixin, forms.Form):
    organisation = IdField(label=_("Tổ chức ghi nhận"), coerce=int)
    category = forms.ChoiceField(label=_("Nhóm vướng mắc"), choices=Category.choices)
    title = forms.CharField(label=_("Tóm tắt"), max_length=255)
    description = forms.CharField(
        label=_("Nội dung khó khăn, vướng mắc"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    candidacies = forms.CharField(
        label=_("Hồ sơ bị vướng (mã hồ sơ)"),
        required=False,
        max_length=1000,
        help_text=_("Các mã hồ sơ, cách nhau bằng dấu phẩy; để trống nếu không gắn hồ sơ nào."),
    )

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        self.style_fields()

    def clean_candidacies(self) -> list[int]:
        raw = self.cleaned_data.get("candidacies") or ""
        ids = []
        for part in re.split(r"[,;\s]+", raw.strip()):
            if not part:
                continue
            if not part.isdigit() or len(part) > 9:
                raise ValidationError(
                    _("Hồ sơ bị vướng: “%(v)s” không phải là mã hồ sơ (số)."), params={"v": part}
                )
            ids.append(int(part))
        return ids


class EscalateForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Lý do chuyển cấp trên"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class AnswerForm(StyledFormMixin, forms.Form):
    answer = forms.CharField(
        label=_("Nội dung trả lời"), max_length=8000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
