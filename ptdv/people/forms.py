"""The person page's "Sửa thông tin" form: what a clerk corrects, with the reason a change of
identity needs. The values are judged again by `person_update`, which names the field."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ptdv.core.forms import StyledFormMixin, VietnameseDateField
from ptdv.core.policies import Actor, subtree_q
from ptdv.core.text import validate_person_name
from ptdv.organisations.models import Locality
from ptdv.organisations.selectors import organisation_localities_for_cell
from ptdv.people.choices import (
    ETHNICITIES,
    KINH,
    Education,
    Gender,
    Occupation,
    Religion,
    TargetGroup,
)
from ptdv.people.models import Person
from ptdv.people.services import EDITABLE_FIELDS

# ModelChoiceField is generic only in the type stubs, not at run time.
if TYPE_CHECKING:
    _LocalityChoice = forms.ModelChoiceField[Locality]
else:
    _LocalityChoice = forms.ModelChoiceField

_NATIONAL_ID = re.compile(r"^\d{12}$")


class LocalityChoiceField(_LocalityChoice):
    """A village or residential group, named once with its kind ("Thôn 9", not "Thôn Thôn
    9") and its commune; the registration form uses it too."""

    def label_from_instance(self, obj: Locality) -> str:
        return f"{obj.full_name} — {obj.organisation.name}"


class PersonFieldsForm(StyledFormMixin, forms.Form):
    """What a person is, as a clerk types it: the registration of a candidate and the person
    page's correction share these fields (and `clean_national_id`)."""

    family_name = forms.CharField(
        label=_("Họ"),
        max_length=60,
        error_messages={"required": _("Nhập họ.")},
        validators=[validate_person_name],
    )
    middle_name = forms.CharField(
        label=_("Tên đệm"), max_length=80, required=False, validators=[validate_person_name]
    )
    given_name = forms.CharField(
        label=_("Tên"),
        max_length=40,
        error_messages={"required": _("Nhập tên.")},
        validators=[validate_person_name],
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

    def clean_national_id(self) -> str:
        value = "".join(str(self.cleaned_data.get("national_id") or "").split())
        if value and not _NATIONAL_ID.match(value):
            raise forms.ValidationError(
                _("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số."), code="national_id"
            )
        return value


class PersonEditForm(PersonFieldsForm):
    national_id = forms.CharField(
        label=_("Số định danh cá nhân (CCCD) mới"),
        required=False,
        max_length=20,
        help_text=_("Chỉ nhập khi sửa số định danh (12 chữ số); để trống là giữ số đang có."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label=_("Lý do sửa"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Bắt buộc khi sửa họ, tên đệm, tên, ngày sinh hoặc số định danh; ghi vào nhật ký."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, person: Person, actor: Actor, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                **{
                    name: getattr(person, name)
                    for name in EDITABLE_FIELDS
                    if name not in ("national_id", "residence_locality")
                },
                "residence_locality": person.residence_locality_id,
                "version": person.version,
            },
        )
        super().__init__(*args, **kwargs)
        # The villages of the communes above the person's organisation that the actor's
        # subtrees hold or whose cell is in them (a cell's clerk: the villages the cell
        # covers), and the present residence; the service accepts any of the communes'.
        self.fields["residence_locality"].queryset = organisation_localities_for_cell(  # type: ignore[attr-defined]
            cell=person.organisation
        ).filter(
            subtree_q(actor, "organisation__path")
            | subtree_q(actor, "cell__path")
            | Q(pk=person.residence_locality_id)
        )
        self.style_fields()

    def changes(self) -> dict[str, Any]:
        """The values to give `person_update` (it keeps only those that differ)."""
        data = self.cleaned_data
        changes = {
            name: data[name]
            for name in EDITABLE_FIELDS
            if name not in ("national_id", "target_groups")
        }
        changes["target_groups"] = list(data["target_groups"])
        if data["national_id"]:
            changes["national_id"] = data["national_id"]
        return changes
