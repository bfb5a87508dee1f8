"""The filters of the audit page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ptdv.audit.models import AuditAction
from ptdv.core.forms import StyledFormMixin, VietnameseDateField


class AuditFilterForm(StyledFormMixin, forms.Form):
    person = forms.IntegerField(
        label=_("Mã công dân"),
        required=False,
        min_value=1,
        error_messages={"invalid": _("Mã công dân phải là một số.")},
    )
    user = forms.CharField(label=_("Tên đăng nhập người thực hiện"), required=False, max_length=150)
    organisation = forms.ChoiceField(label=_("Tổ chức"), required=False, choices=())
    action = forms.ChoiceField(
        label=_("Hành động"),
        required=False,
        choices=[("", _("Tất cả")), *AuditAction.choices],
        error_messages={"invalid_choice": _("Hành động không hợp lệ.")},
    )
    since = VietnameseDateField(label=_("Từ ngày"), required=False)
    until = VietnameseDateField(label=_("Đến ngày"), required=False)

    def __init__(
        self, *args: Any, organisations: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Tất cả trong phạm vi quản trị")), *(organisations or [])]
        # An id typed into the address bar is checked against the scope by the view (404).
        field.valid_value = lambda value: True  # type: ignore[method-assign]
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("“Đến ngày” phải sau hoặc bằng “Từ ngày”."))
        return data
