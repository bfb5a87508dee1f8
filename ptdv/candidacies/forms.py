"""Forms of the candidacy pages: the list filters and the registration of a candidate."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ptdv.candidacies.models import SourceChannel, Stage
from ptdv.candidacies.selectors import candidacy_helper_choices
from ptdv.core.forms import StyledFormMixin, VietnameseDateField
from ptdv.members.models import PartyMembership
from ptdv.organisations.models import Locality, Organisation
from ptdv.organisations.selectors import (
    organisation_cells_for_registration,
    organisation_localities_for_cell,
)
from ptdv.people.choices import (
    ETHNICITIES,
    KINH,
    Education,
    Gender,
    Occupation,
    Religion,
    TargetGroup,
)
from ptdv.people.services import PersonData

# Youngest age at which a person is put into the candidate pool (admission itself needs 18).
MIN_POOL_AGE = 16

STATUS_CHOICES = [
    ("open", _("Hồ sơ đang mở")),
    ("closed", _("Hồ sơ đã đóng")),
    ("all", _("Tất cả hồ sơ")),
]
STATUS_OPEN = {"open": True, "closed": False, "all": None}


class CandidacyFilterForm(StyledFormMixin, forms.Form):
    """GET filters of the candidate list; an invalid value is ignored, never an error page."""

    organisation = forms.IntegerField(label=_("Tổ chức đảng"), required=False, widget=forms.Select)
    stage = forms.ChoiceField(
        label=_("Giai đoạn"), required=False, choices=[("", _("Tất cả giai đoạn")), *Stage.choices]
    )
    target_group = forms.ChoiceField(
        label=_("Đối tượng ưu tiên"),
        required=False,
        choices=[("", _("Tất cả đối tượng")), *TargetGroup.choices],
    )
    status = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=STATUS_CHOICES)
    q = forms.CharField(label=_("Tìm theo họ tên"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Gõ không dấu cũng được, ví dụ: nguyen van"), "type": "search"}
        )
        self.style_fields()

    def filters(self) -> dict[str, Any]:
        """The valid filter values (organisation id left to the view to check)."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # invalid fields are left out of cleaned_data
            data = self.cleaned_data
        return {
            "organisation_id": data.get("organisation"),
            "stage": data.get("stage") or None,
            "target_group": data.get("target_group") or None,
            "open": STATUS_OPEN[data.get("status") or "open"],
            "search": (data.get("q") or "").strip() or None,
        }


# ModelChoiceField is generic only in the type stubs, not at run time.
if TYPE_CHECKING:
    _OrganisationChoice = forms.ModelChoiceField[Organisation]
    _PartyMembershipChoice = forms.ModelChoiceField[PartyMembership]
    _LocalityChoice = forms.ModelChoiceField[Locality]
else:
    _OrganisationChoice = forms.ModelChoiceField
    _PartyMembershipChoice = forms.ModelChoiceField
    _LocalityChoice = forms.ModelChoiceField


class CellChoiceField(_OrganisationChoice):
    def label_from_instance(self, obj: Organisation) -> str:
        if obj.parent is not None:
            return f"{obj.name} — {obj.parent.name}"
        return obj.name


class HelperChoiceField(_PartyMembershipChoice):
    def label_from_instance(self, obj: PartyMembership) -> str:
        return obj.person.full_name


class LocalityChoiceField(_LocalityChoice):
    def label_from_instance(self, obj: Locality) -> str:
        return f"{obj.get_kind_display()} {obj.name} — {obj.organisation.name}"


_NATIONAL_ID = re.compile(r"^\d{12}$")


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


class CandidacyRegisterForm(StyledFormMixin, forms.Form):
    """What a clerk types to put a person into the candidate pool of a cell.

    The helper and residence choices depend on the chosen cell: official members of that cell,
    localities of the communes above it.
    """

    organisation = CellChoiceField(
        queryset=Organisation.objects.none(),
        label=_("Chi bộ"),
        empty_label=_("— Chọn chi bộ —"),
        error_messages={"required": _("Chọn chi bộ.")},
    )
    family_name = forms.CharField(
        label=_("Họ"), max_length=60, error_messages={"required": _("Nhập họ.")}
    )
    middle_name = forms.CharField(label=_("Tên đệm"), max_length=80, required=False)
    given_name = forms.CharField(
        label=_("Tên"), max_length=40, error_messages={"required": _("Nhập tên.")}
    )
    birth_date = VietnameseDateField(
        label=_("Ngày sinh"), error_messages={"required": _("Nhập ngày sinh.")}
    )
    gender = forms.ChoiceField(
        label=_("Giới tính"),
        choices=Gender.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Chọn giới tính.")},
    )
    national_id = forms.CharField(
        label=_("Số định danh cá nhân (CCCD)"),
        required=False,
        max_length=20,
        help_text=_("12 chữ số; để trống nếu chưa có."),
    )
    ethnicity = forms.ChoiceField(label=_("Dân tộc"), choices=ETHNICITIES, initial=KINH)
    religion = forms.ChoiceField(
        label=_("Tôn giáo"), choices=Religion.choices, initial=Religion.NONE
    )
    education = forms.ChoiceField(
        label=_("Trình độ học vấn"), choices=Education.choices, initial=Education.UPPER_SECONDARY
    )
    occupation = forms.ChoiceField(
        label=_("Nghề nghiệp"), choices=Occupation.choices, initial=Occupation.OTHER
    )
    workplace = forms.CharField(label=_("Nơi làm việc, học tập"), max_length=255, required=False)
    residence_locality = LocalityChoiceField(
        queryset=Locality.objects.none(),
        label=_("Thôn, tổ dân phố cư trú"),
        required=False,
        empty_label=_("— Không chọn —"),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Đối tượng ưu tiên"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    youth_union_member = forms.BooleanField(label=_("Đoàn viên"), required=False)
    trade_union_member = forms.BooleanField(label=_("Đoàn viên công đoàn"), required=False)
    source_channel = forms.ChoiceField(
        label=_("Nguồn giới thiệu"), choices=SourceChannel.choices, initial=SourceChannel.OTHER
    )
    helper = HelperChoiceField(
        queryset=PartyMembership.objects.none(),
        label=_("Đảng viên được phân công giúp đỡ"),
        required=False,
        empty_label=_("— Chưa phân công —"),
    )
    opened_on = VietnameseDateField(
        label=_("Ngày đưa vào nguồn"),
        initial=timezone.localdate,
        error_messages={"required": _("Nhập ngày đưa vào nguồn.")},
    )

    def __init__(self, *args: Any, actor: Any, cell_id: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cells = organisation_cells_for_registration(actor=actor)
        self.fields["organisation"].queryset = cells  # type: ignore[attr-defined]
        # Choosing a cell reloads the helper and residence choices that depend on it.
        self.fields["organisation"].widget.attrs.update(
            {
                "hx-get": reverse("candidacies:register_cell_fields"),
                "hx-trigger": "change",
                "hx-target": "#cell-fields",
                "hx-swap": "outerHTML",
                "hx-include": "this",
            }
        )
        if cell_id is None:
            cell_id = self.data.get("organisation") if self.is_bound else None
        self.cell: Organisation | None = None
        try:
            self.cell = cells.filter(pk=int(cell_id)).first() if cell_id else None
        except (TypeError, ValueError):
            self.cell = None
        if self.cell is not None:
            self.initial.setdefault("organisation", self.cell.pk)
            self.fields["helper"].queryset = candidacy_helper_choices(  # type: ignore[attr-defined]
                actor=actor, organisation=self.cell
            )
            self.fields["residence_locality"].queryset = organisation_localities_for_cell(  # type: ignore[attr-defined]
                cell=self.cell
            )
        self.style_fields()

    def clean_national_id(self) -> str:
        value = "".join(str(self.cleaned_data.get("national_id") or "").split())
        if value and not _NATIONAL_ID.match(value):
            raise forms.ValidationError(
                _("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."), code="national_id"
            )
        return value

    def clean_birth_date(self) -> dt.date:
        born: dt.date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if born > today:
            raise forms.ValidationError(_("Ngày sinh không được sau ngày hôm nay."))
        latest = _years_before(today, MIN_POOL_AGE)
        if born > latest:
            raise forms.ValidationError(
                _("Công dân phải đủ %(age)d tuổi (sinh trước hoặc vào ngày %(date)s)."),
                params={"age": MIN_POOL_AGE, "date": latest.strftime("%d/%m/%Y")},
            )
        return born

    def clean_opened_on(self) -> dt.date:
        opened: dt.date = self.cleaned_data["opened_on"]
        if opened > timezone.localdate():
            raise forms.ValidationError(_("Ngày đưa vào nguồn không được sau ngày hôm nay."))
        return opened

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        born, opened = cleaned.get("birth_date"), cleaned.get("opened_on")
        if born and opened and opened < born:
            self.add_error("opened_on", _("Ngày đưa vào nguồn không được trước ngày sinh."))
        return cleaned

    def person_data(self) -> PersonData:
        data = self.cleaned_data
        return PersonData(
            family_name=data["family_name"],
            middle_name=data["middle_name"],
            given_name=data["given_name"],
            birth_date=data["birth_date"],
            gender=data["gender"],
            national_id=data["national_id"],
            ethnicity=data["ethnicity"],
            religion=data["religion"],
            education=data["education"],
            occupation=data["occupation"],
            workplace=data["workplace"],
            residence_locality=data["residence_locality"],
            target_groups=list(data["target_groups"]),
            youth_union_member=data["youth_union_member"],
            trade_union_member=data["trade_union_member"],
        )
