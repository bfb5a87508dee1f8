"""The roster's filters as a query string: one reading for the page, the Excel export and
the console (`ptdv export members`). An invalid value is ignored, as on the candidate list;
an organisation or a locality outside what the user may see is a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ptdv.core.forms import StyledFormMixin
from ptdv.core.policies import Actor
from ptdv.members.models import MembershipStatus
from ptdv.members.selectors import AGE_BAND_CHOICES, ALL_STATUSES, MemberFilters
from ptdv.organisations.models import AreaFlag, Organisation, Sector
from ptdv.organisations.policies import organisation_policy
from ptdv.organisations.selectors import locality_get_visible
from ptdv.people.choices import ETHNICITIES, Gender, TargetGroup

STATUS_CHOICES = [
    ("", _("Đang sinh hoạt (dự bị, chính thức)")),
    *MembershipStatus.choices,
    (ALL_STATUSES, _("Tất cả")),
]
YES_NO_CHOICES = [("", _("Tất cả")), ("1", _("Có")), ("0", _("Không"))]


class MemberFilterForm(StyledFormMixin, forms.Form):
    """GET filters of the roster; an invalid value is ignored, never an error page."""

    organisation = forms.IntegerField(label=_("Tổ chức đảng"), required=False, widget=forms.Select)
    status = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=STATUS_CHOICES)
    locality = forms.IntegerField(label=_("Thôn, tổ dân phố cư trú"), required=False)
    gender = forms.ChoiceField(
        label=_("Giới tính"), required=False, choices=[("", _("Tất cả")), *Gender.choices]
    )
    ethnicity = forms.ChoiceField(
        label=_("Dân tộc"), required=False, choices=[("", _("Tất cả")), *ETHNICITIES]
    )
    age_band = forms.ChoiceField(
        label=_("Độ tuổi"), required=False, choices=[("", _("Mọi độ tuổi")), *AGE_BAND_CHOICES]
    )
    year_admitted = forms.IntegerField(
        label=_("Năm kết nạp"), required=False, min_value=1930, max_value=2100
    )
    exempt = forms.ChoiceField(
        label=_("Miễn công tác, sinh hoạt"), required=False, choices=YES_NO_CHOICES
    )
    sector = forms.ChoiceField(
        label=_("Lĩnh vực"), required=False, choices=[("", _("Mọi lĩnh vực")), *Sector.choices]
    )
    area_flag = forms.ChoiceField(
        label=_("Đặc điểm địa bàn"),
        required=False,
        choices=[("", _("Mọi địa bàn")), *AreaFlag.choices],
    )
    target_group = forms.ChoiceField(
        label=_("Đối tượng"),
        required=False,
        choices=[("", _("Tất cả đối tượng")), *TargetGroup.choices],
    )
    q = forms.CharField(label=_("Tìm theo họ tên"), required=False, max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Gõ không dấu cũng được, ví dụ: nguyen van"), "type": "search"}
        )
        self.fields["year_admitted"].widget.attrs.update({"placeholder": _("ví dụ: 2024")})
        self.fields["locality"].widget = forms.HiddenInput()
        self.style_fields()

    def values(self) -> dict[str, Any]:
        """The valid values (organisation and locality ids left to the caller to resolve)."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()  # invalid fields are left out of cleaned_data
            data = self.cleaned_data
        exempt = data.get("exempt")
        return {
            "organisation_id": data.get("organisation"),
            "locality_id": data.get("locality"),
            "status": data.get("status") or None,
            "gender": data.get("gender") or None,
            "ethnicity": data.get("ethnicity") or None,
            "age_band": data.get("age_band") or None,
            "year_admitted": data.get("year_admitted") or None,
            "exempt": {"1": True, "0": False}.get(exempt or ""),
            "sector": data.get("sector") or None,
            "area_flag": data.get("area_flag") or None,
            "target_group": data.get("target_group") or None,
            "search": (data.get("q") or data.get("search") or "").strip() or None,
        }


def member_filters_from_query(
    actor: Actor, params: Any, *, organisation: Organisation | None = None
) -> MemberFilters:
    """The roster's filters from a query string (`q` or `search` for the name). The
    organisation named is fetched through the policy, the locality among those the user may
    name (both 404 otherwise); `organisation` is the default subtree when none is named."""
    data = dict(params.items()) if hasattr(params, "items") else dict(params)
    if not data.get("q") and data.get("search"):
        data["q"] = data["search"]
    values = MemberFilterForm(data).values()
    organisation_id = values.pop("organisation_id")
    locality_id = values.pop("locality_id")
    if organisation_id is not None:
        organisation = organisation_policy.get_visible(actor, organisation_id)
    locality = locality_get_visible(actor=actor, pk=locality_id) if locality_id else None
    return MemberFilters.of({**values, "organisation": organisation, "locality": locality})
