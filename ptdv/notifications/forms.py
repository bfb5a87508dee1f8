"""The inbox filter and the preferences form."""

from __future__ import annotations

from typing import Any

from django import forms

from ptdv.notifications.services import KINDS


class InboxFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Loại", required=False, choices=[("", "Tất cả"), *KINDS.items()])
    status = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("", "Tất cả"), ("unread", "Chưa đọc"), ("read", "Đã đọc")],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {"kind": "", "unread": None}
        status = self.cleaned_data["status"]
        return {
            "kind": self.cleaned_data["kind"],
            "unread": {"unread": True, "read": False}.get(status),
        }


class PreferenceForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Nhận thông báo về",
        required=False,
        choices=list(KINDS.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Bỏ chọn loại thông báo bạn không muốn nhận.",
    )
    digest = forms.BooleanField(
        label="Nhận thư điện tử tổng hợp hằng ngày (việc quá hạn, sắp đến hạn và thông báo mới)",
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["digest"].widget.attrs["class"] = "form-check-input"
        self.fields["kinds"].widget.attrs["class"] = "form-check-input"
