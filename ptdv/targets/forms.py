"""Forms of the monitoring pages: targets of the children, a target's sub-targets and
amendments, terms, plan assignments. They only type-check; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ptdv.candidacies.models import Candidacy
from ptdv.core.forms import StyledFormMixin
from ptdv.members.models import PartyMembership
from ptdv.people.models import Person
from ptdv.targets.measures import PriorityGroup
from ptdv.targets.selectors import FIRST_YEAR, LAST_YEAR

_INT = {"invalid": _("Phải là một số nguyên."), "min_value": _("Không được nhỏ hơn 0.")}


def _count(label: Any, required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, required=required, error_messages=_INT)


def _year(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=FIRST_YEAR, max_value=LAST_YEAR, error_messages=_INT
    )


class ChildrenTargetsForm(StyledFormMixin, forms.Form):
    """One number per child organisation (`n_<id>`); a blank one is left as it is."""

    def __init__(self, *args: Any, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            field = _count(row["organisation"].name, required=False)
            field.initial = row["number"] if row["number"] is not None else row["suggested"]
            field.disabled = row["locked"]
            self.fields[f"n_{row['organisation'].pk}"] = field
        self.style_fields()

    def numbers(self) -> dict[int, int]:
        return {
            int(name[2:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("n_") and value is not None and not self.fields[name].disabled
        }


class GroupTargetForm(StyledFormMixin, forms.Form):
    group = forms.ChoiceField(label=_("Nhóm đối tượng"), choices=PriorityGroup.choices)
    number = _count(_("Chỉ tiêu"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class AmendForm(StyledFormMixin, forms.Form):
    number = _count(_("Chỉ tiêu mới"))
    reason = forms.CharField(
        label=_("Lý do điều chỉnh"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()


class TermForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Nhiệm kỳ"), max_length=40, help_text=_("Ví dụ: 2025–2030."))
    start_year = _year(_("Năm đầu được tính"))
    end_year = _year(_("Năm cuối"))
    congress_target = _count(_("Chỉ tiêu Nghị quyết Đại hội (số kết nạp cả nhiệm kỳ)"))
    congress_resolution = forms.CharField(
        label=_("Nghị quyết đại hội"), max_length=255, required=False
    )
    programme_1 = forms.CharField(label=_("Chương trình 1"), max_length=255, required=False)
    programme_1_number = _count(_("Chỉ tiêu chương trình 1 (cả nhiệm kỳ)"), required=False)
    programme_2 = forms.CharField(label=_("Chương trình 2"), max_length=255, required=False)
    programme_2_number = _count(_("Chỉ tiêu chương trình 2 (cả nhiệm kỳ)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for index in (1, 2):
            name, number = data.get(f"programme_{index}"), data.get(f"programme_{index}_number")
            if name and number is None:
                self.add_error(f"programme_{index}_number", _("Cần nhập chỉ tiêu."))
            if number is not None and not name:
                self.add_error(f"programme_{index}", _("Cần nhập tên chương trình."))
        return data

    def programmes(self) -> list[tuple[str, int]]:
        data = self.cleaned_data
        return [
            (data[f"programme_{i}"], data[f"programme_{i}_number"])
            for i in (1, 2)
            if data.get(f"programme_{i}")
        ]


class _PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class _MemberChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.full_name} — {obj.organisation.name}"


class _CandidacyChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.full_name} — {obj.get_stage_display()} ({obj.organisation.name})"


class PlanForm(StyledFormMixin, forms.Form):
    def __init__(
        self,
        *args: Any,
        candidacies: QuerySet[Candidacy],
        members: QuerySet[PartyMembership],
        leaders: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["candidacy"] = _CandidacyChoice(
            queryset=candidacies, label=_("Quần chúng"), empty_label=_("— Chọn —")
        )
        self.fields["responsible_person"] = _PersonChoice(
            queryset=leaders,
            label=_("Cán bộ lãnh đạo phụ trách"),
            required=False,
            empty_label=_("— Không chọn —"),
        )
        self.fields["member"] = _MemberChoice(
            queryset=members,
            label=_("Đảng viên được giao"),
            required=False,
            empty_label=_("— Không chọn —"),
        )
        self.fields["note"] = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)
        self.style_fields()


class QuotaForm(StyledFormMixin, forms.Form):
    """A personal quota: one holder (a committee member or leader, or a member) and the
    number of candidates to nurture to admission in the year."""

    def __init__(
        self,
        *args: Any,
        members: QuerySet[PartyMembership],
        leaders: QuerySet[Person],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"] = _PersonChoice(
            queryset=leaders,
            label=_("Cấp ủy viên, cán bộ lãnh đạo"),
            required=False,
            empty_label=_("— Không chọn —"),
        )
        self.fields["member"] = _MemberChoice(
            queryset=members,
            label=_("Hoặc đảng viên"),
            required=False,
            empty_label=_("— Không chọn —"),
        )
        self.fields["number"] = forms.IntegerField(
            label=_("Số quần chúng phải bồi dưỡng, kết nạp trong năm"),
            min_value=0,
            max_value=100,
            error_messages={
                **_INT,
                "max_value": _("Không được lớn hơn 100."),
                "required": _("Cần nhập số quần chúng."),
            },
        )
        self.fields["note"] = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)
        self.style_fields()
