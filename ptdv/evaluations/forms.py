"""The form of a new formula version: each component's weight and thresholds, the grades."""

from __future__ import annotations

from typing import Any

from django import forms

from ptdv.evaluations.formula import COMPONENTS, DEFAULT_RECOGNITION_DAYS
from ptdv.evaluations.models import Formula


class FormulaForm(forms.Form):
    year_from = forms.IntegerField(label="Áp dụng từ năm", min_value=2000, max_value=2100)
    note = forms.CharField(label="Ghi chú, căn cứ", max_length=255, required=False)
    excellent = forms.FloatField(label="Hoàn thành xuất sắc từ (điểm)", min_value=0, max_value=100)
    good = forms.FloatField(label="Hoàn thành tốt từ (điểm)", min_value=0, max_value=100)
    fulfilled = forms.FloatField(label="Hoàn thành từ (điểm)", min_value=0, max_value=100)
    recognition_days = forms.IntegerField(
        label="Số ngày kể từ ngày kết nạp được coi là công nhận chính thức đúng hạn",
        min_value=365,
        max_value=730,
    )

    def __init__(self, *args: Any, current: Formula | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        existing = {c["code"]: c for c in (current.components if current else [])}
        for spec in COMPONENTS:
            item = existing.get(spec.code, {})
            self.fields[f"{spec.code}__weight"] = forms.FloatField(
                label=f"{spec.label}: trọng số", min_value=0, initial=item.get("weight", 0)
            )
            self.fields[f"{spec.code}__full"] = forms.FloatField(
                label=f"{spec.label}: ngưỡng đạt đủ điểm", initial=item.get("full")
            )
            self.fields[f"{spec.code}__zero"] = forms.FloatField(
                label=f"{spec.label}: ngưỡng 0 điểm", initial=item.get("zero")
            )
        if current is not None:
            self.fields["excellent"].initial = current.grades.get("excellent")
            self.fields["good"].initial = current.grades.get("good")
            self.fields["fulfilled"].initial = current.grades.get("fulfilled")
            self.fields["year_from"].initial = current.year_from
        days = existing.get("recognition_on_time", {}).get("days") or DEFAULT_RECOGNITION_DAYS
        self.fields["recognition_days"].initial = days

    def component_fields(self) -> list[tuple[Any, Any, Any, Any]]:
        return [
            (
                spec,
                self[f"{spec.code}__weight"],
                self[f"{spec.code}__full"],
                self[f"{spec.code}__zero"],
            )
            for spec in COMPONENTS
        ]

    def components(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        result = []
        for spec in COMPONENTS:
            item: dict[str, Any] = {
                "code": spec.code,
                "weight": data[f"{spec.code}__weight"],
                "full": data[f"{spec.code}__full"],
                "zero": data[f"{spec.code}__zero"],
            }
            if spec.code == "recognition_on_time":
                item["days"] = data["recognition_days"]
            result.append(item)
        return result

    def grades(self) -> dict[str, float]:
        return {k: self.cleaned_data[k] for k in ("excellent", "good", "fulfilled")}


class ComputeForm(forms.Form):
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    organisation = forms.IntegerField(label="Tổ chức", widget=forms.HiddenInput)
