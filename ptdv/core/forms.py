"""Form conventions shared by the server-rendered pages: Bootstrap classes, Vietnamese default
messages and dates typed as dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_MESSAGES = {
    "required": _("Không được để trống."),
    "invalid_choice": _("Lựa chọn không hợp lệ."),
    "invalid_pk_value": _("Lựa chọn không hợp lệ."),
    "invalid_list": _("Lựa chọn không hợp lệ."),
}

_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


class VietnameseDateField(forms.Field):
    """A date typed as dd/mm/yyyy; an impossible day (31/02) is named as such."""

    widget = forms.DateInput(
        format="%d/%m/%Y",
        attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
    )
    default_error_messages = {
        "invalid": _("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/09/2001."),
        "impossible": _("Ngày %(value)s không có trên lịch."),
    }

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        match = _DATE.match(str(value))
        if not match:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        day, month, year = (int(part) for part in match.groups())
        if year < 1900:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(
                self.error_messages["impossible"],
                code="impossible",
                params={"value": str(value).strip()},
            ) from None


class StyledFormMixin:
    """Bootstrap 5 classes on every widget, `is-invalid` on fields with errors, and the
    Vietnamese messages above where a field sets none of its own."""

    fields: dict[str, forms.Field]

    def style_fields(self) -> None:
        for field in self.fields.values():
            for code, message in DEFAULT_MESSAGES.items():
                if _is_django_default(field, code):
                    field.error_messages[code] = message
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


def _is_django_default(field: forms.Field, code: str) -> bool:
    """Whether the field's message for `code` is still the one Django itself declares."""
    for klass in type(field).__mro__:
        messages = klass.__dict__.get("default_error_messages", {})
        if code in messages:
            return (
                klass.__module__.startswith("django.")
                and field.error_messages.get(code) is messages[code]
            )
    return False


def add_service_errors(
    form: forms.Form, exc: ValidationError, aliases: dict[str, str | None] | None = None
) -> None:
    """Put the errors a service raised next to the form fields they concern.

    `aliases` maps a service's error key to a form field (None: a form-wide error); a key the
    form has no field for becomes a form-wide error too.
    """
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.error_dict.items():
        target = aliases.get(key, key)
        if target is not None and target not in form.fields:
            target = None
        for error in errors:
            form.add_error(target, error.messages)
