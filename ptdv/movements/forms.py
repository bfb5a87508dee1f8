"""The web forms of mass organisations and movements (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ptdv.core.forms import StyledFormMixin, VietnameseDateField
from ptdv.movements.models import MassOrganisationKind, MovementKind
from ptdv.movements.services import MAX_REFERRALS, MassOrganisationData, MovementData


class IdChoiceField(forms.TypedChoiceField):
    """An object's id: the list offers what lies in the user's scope, any id is taken and
    resolved through the user's scope by the service (outside: "not found")."""

    def valid_value(self, value: Any) -> bool:
        return str(value).isdigit() and len(str(value)) < 10


class MassOrganisationForm(StyledFormMixin, forms.Form):
    organisation = IdChoiceField(label=_("Tổ chức đảng"), coerce=int)
    kind = forms.ChoiceField(label=_("Loại đoàn thể"), choices=MassOrganisationKind.choices)
    name = forms.CharField(
        label=_("Tên"),
        max_length=200,
        help_text=_("Ví dụ: Đoàn Thanh niên xã Thạch Hà."),
    )

    def __init__(
        self, *args: Any, organisations: list[tuple[int, str]], editing: bool = False, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["organisation"].choices = organisations  # type: ignore[attr-defined]
        if editing:
            del self.fields["organisation"]
        self.style_fields()

    def data_for_service(self) -> MassOrganisationData:
        values = self.cleaned_data
        return MassOrganisationData(
            organisation=values.get("organisation"), kind=values["kind"], name=values["name"]
        )


class TargetForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    referrals = forms.IntegerField(
        label=_("Số quần chúng giới thiệu"),
        min_value=0,
        max_value=MAX_REFERRALS,
        required=False,
        help_text=_("Để trống để bỏ chỉ tiêu của năm."),
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.style_fields()


class MovementForm(StyledFormMixin, forms.Form):
    organiser = IdChoiceField(label=_("Đơn vị tổ chức"), coerce=int)
    kind = forms.ChoiceField(label=_("Loại"), choices=MovementKind.choices)
    name = forms.CharField(label=_("Tên phong trào, diễn đàn, câu lạc bộ"), max_length=255)
    mass_organisation = IdChoiceField(
        label=_("Đoàn thể phụ trách"), coerce=int, required=False, empty_value=None
    )
    locality = IdChoiceField(
        label=_("Thôn, tổ dân phố"), coerce=int, required=False, empty_value=None
    )
    starts_on = VietnameseDateField(label=_("Ngày bắt đầu"))
    ends_on = VietnameseDateField(
        label=_("Ngày kết thúc"), required=False, help_text=_("Để trống khi còn hoạt động.")
    )
    description = forms.CharField(
        label=_("Mô tả"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        organisers: list[tuple[int, str]],
        bodies: list[tuple[int, str]],
        localities: list[tuple[int, str]],
        editing: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["organiser"].choices = organisers  # type: ignore[attr-defined]
        self.fields["mass_organisation"].choices = [("", _("— Không —")), *bodies]  # type: ignore[attr-defined]
        self.fields["locality"].choices = [("", _("— Không —")), *localities]  # type: ignore[attr-defined]
        if editing:
            del self.fields["organiser"]
        self.style_fields()

    def data_for_service(self) -> MovementData:
        values = self.cleaned_data
        return MovementData(
            organiser=values.get("organiser"),
            kind=values["kind"],
            name=values["name"],
            starts_on=values["starts_on"],
            ends_on=values.get("ends_on"),
            mass_organisation=values.get("mass_organisation"),
            locality=values.get("locality"),
            description=values.get("description", ""),
        )


class YieldForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    organisation = IdChoiceField(label=_("Tổ chức"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, organisations: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["organisation"].choices = [("", _("— Toàn bộ phạm vi —")), *organisations]  # type: ignore[attr-defined]
        self.style_fields()
