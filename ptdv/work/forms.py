"""The filters of the work list (page and API share the choices)."""

from __future__ import annotations

from typing import Any

from django import forms

from ptdv.work.selectors import DUE_FILTERS, work_kinds


class WorkFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Loại việc", required=False)
    due = forms.ChoiceField(label="Thời hạn", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind: Any = self.fields["kind"]
        due: Any = self.fields["due"]
        kind.choices = [("", "Tất cả"), *work_kinds().items()]
        due.choices = [("", "Tất cả"), *DUE_FILTERS.items()]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filters(self) -> dict[str, str]:
        """The valid filters (an invalid value is dropped, with its error on the form)."""
        if self.is_valid():
            return {"kind": self.cleaned_data["kind"], "due": self.cleaned_data["due"]}
        return {
            name: self.data.get(name, "")
            for name in ("kind", "due")
            if name not in self.errors and self.data.get(name)
        }
