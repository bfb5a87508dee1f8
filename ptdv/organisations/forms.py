"""The administrator forms of the tree changes (ptdv/organisations/changes.py): one per
action, each with the decision (number, date, issuing body) and the effective date."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from ptdv.core.forms import StyledFormMixin, VietnameseDateField
from ptdv.organisations.changes import DecisionRef, NewOrganisation
from ptdv.organisations.models import Locality, Organisation


class OrganisationChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class OrganisationMultipleChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class ChangeForm(StyledFormMixin, forms.Form):
    """The decision every change rests on."""

    decision_number = forms.CharField(
        label=_("Số quyết định"), max_length=60, help_text=_("Ví dụ: 125-QĐ/TU.")
    )
    decision_date = VietnameseDateField(label=_("Ngày quyết định"))
    issuing_body = forms.CharField(
        label=_("Cơ quan ban hành"),
        max_length=255,
        help_text=_("Ví dụ: Ban Thường vụ Tỉnh ủy."),
    )
    date = VietnameseDateField(
        label=_("Ngày có hiệu lực"), required=False, help_text=_("Để trống: ngày quyết định.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        choices: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.limit(choices.exclude(path__startswith=organisation.path))
        self.style_fields()

    def limit(self, choices: QuerySet[Organisation]) -> None:
        """Give the organisation fields the organisations the user administers."""

    def decision(self) -> DecisionRef:
        data = self.cleaned_data
        return DecisionRef(
            number=data["decision_number"],
            decision_date=data["decision_date"],
            issuing_body=data["issuing_body"],
            date=data.get("date"),
        )


class RenameForm(ChangeForm):
    name = forms.CharField(label=_("Tên mới"), max_length=255)
    abbreviation = forms.CharField(label=_("Tên viết tắt"), max_length=40, required=False)


class MoveForm(ChangeForm):
    parent = OrganisationChoice(
        label=_("Tổ chức cấp trên mới"), queryset=Organisation.objects.none()
    )

    def limit(self, choices: QuerySet[Organisation]) -> None:
        self.fields["parent"].queryset = choices  # type: ignore[attr-defined]


class MergeForm(ChangeForm):
    others = OrganisationMultipleChoice(
        label=_("Hợp nhất cùng với"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Các tổ chức khác được hợp nhất, sáp nhập cùng tổ chức này."),
    )
    into = OrganisationChoice(
        label=_("Tổ chức tiếp nhận (sáp nhập vào tổ chức có sẵn)"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    new_code = forms.CharField(
        label=_("Mã tổ chức mới (hợp nhất thành tổ chức mới)"), max_length=40, required=False
    )
    new_name = forms.CharField(label=_("Tên tổ chức mới"), max_length=255, required=False)

    def limit(self, choices: QuerySet[Organisation]) -> None:
        self.fields["others"].queryset = choices  # type: ignore[attr-defined]
        self.fields["into"].queryset = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_new = bool(data.get("new_code") or data.get("new_name"))
        if bool(data.get("into")) == has_new:
            self.add_error(
                "into", _("Chọn tổ chức tiếp nhận hoặc khai báo tổ chức mới (một trong hai).")
            )
        if has_new and not (data.get("new_code") and data.get("new_name")):
            self.add_error("new_name", _("Tổ chức mới cần cả mã và tên."))
        if data.get("into") and not data.get("others"):
            pass  # this organisation alone is absorbed by `into`
        return data

    def new(self) -> NewOrganisation | None:
        data = self.cleaned_data
        if not data.get("new_code"):
            return None
        return NewOrganisation(code=data["new_code"], name=data["new_name"])


class SplitForm(ChangeForm):
    parts = forms.CharField(
        label=_("Các tổ chức mới"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Mỗi dòng một tổ chức: mã | tên | mã các tổ chức cấp dưới nhận về (cách nhau bằng "
            "dấu phẩy) | mã các thôn, tổ dân phố nhận về."
        ),
    )
    keep = forms.BooleanField(
        label=_("Tổ chức hiện tại vẫn hoạt động (chỉ tách ra một phần)"), required=False
    )

    def clean_parts(self) -> list[NewOrganisation]:
        children = dict(
            Organisation.objects.filter(parent=self.organisation).values_list("code", "pk")
        )
        localities = dict(
            Locality.objects.filter(organisation=self.organisation).values_list("code", "pk")
        )
        parts: list[NewOrganisation] = []
        for number, line in enumerate(str(self.cleaned_data["parts"]).splitlines(), start=1):
            if not line.strip():
                continue
            cells = [cell.strip() for cell in line.split("|")] + ["", "", ""]
            code, name, child_codes, locality_codes = cells[:4]
            if not code or not name:
                raise forms.ValidationError(
                    _("Dòng %(n)s: cần mã và tên tổ chức mới.") % {"n": number}
                )
            unknown = [c for c in _codes(child_codes) if c not in children] + [
                c for c in _codes(locality_codes) if c not in localities
            ]
            if unknown:
                raise forms.ValidationError(
                    _("Dòng %(n)s: không có tổ chức cấp dưới hay thôn mã %(c)s.")
                    % {"n": number, "c": ", ".join(unknown)}
                )
            parts.append(
                NewOrganisation(
                    code=code,
                    name=name,
                    children=[children[c] for c in _codes(child_codes)],
                    localities=[localities[c] for c in _codes(locality_codes)],
                )
            )
        if not parts:
            raise forms.ValidationError(_("Cần ít nhất một tổ chức mới."))
        return parts


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


class DissolveForm(ChangeForm):
    successor = OrganisationChoice(
        label=_("Tổ chức tiếp nhận"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Bắt buộc khi tổ chức còn đảng viên, hồ sơ, thôn hoặc tổ chức cấp dưới."),
    )

    def limit(self, choices: QuerySet[Organisation]) -> None:
        self.fields["successor"].queryset = choices  # type: ignore[attr-defined]


FORMS: dict[str, type[ChangeForm]] = {
    "rename": RenameForm,
    "move": MoveForm,
    "merge": MergeForm,
    "split": SplitForm,
    "dissolve": DissolveForm,
}


# --- Localities -----------------------------------------------------------------------------


class LocalityChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class LocalityMultipleChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class LocalityChangeForm(ChangeForm):
    """The decision of a locality change; choices: the communes the user administers and
    the other localities of the same commune."""

    def __init__(
        self,
        *args: Any,
        locality: Locality,
        communes: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        self.locality = locality
        super().__init__(*args, organisation=locality.organisation, choices=communes, **kwargs)
        self.limit_localities(
            Locality.objects.filter(organisation=locality.organisation).exclude(pk=locality.pk)
        )

    def limit(self, choices: QuerySet[Organisation]) -> None:
        """Communes (not the present one) for a move."""

    def limit_localities(self, choices: QuerySet[Locality]) -> None:
        """The other localities of the commune, for a merger."""


class LocalityRenameForm(LocalityChangeForm):
    name = forms.CharField(label=_("Tên mới"), max_length=255)


class LocalityMoveForm(LocalityChangeForm):
    commune = OrganisationChoice(
        label=_("Chuyển sang xã, phường"), queryset=Organisation.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A move is to another commune-level organisation the user administers.
        communes: QuerySet[Organisation] = kwargs["communes"]
        field: Any = self.fields["commune"]
        field.queryset = communes.exclude(pk=self.locality.organisation_id).exclude(
            kind__in=("cell", "grassroots_cell")
        )


class LocalityMergeForm(LocalityChangeForm):
    others = LocalityMultipleChoice(
        label=_("Sáp nhập cùng với"), queryset=Locality.objects.none(), required=False
    )
    into = LocalityChoice(
        label=_("Thôn, tổ dân phố tiếp nhận"), queryset=Locality.objects.none(), required=False
    )
    new_code = forms.CharField(label=_("Mã thôn, tổ dân phố mới"), max_length=40, required=False)
    new_name = forms.CharField(label=_("Tên thôn, tổ dân phố mới"), max_length=255, required=False)

    def limit_localities(self, choices: QuerySet[Locality]) -> None:
        self.fields["others"].queryset = choices  # type: ignore[attr-defined]
        self.fields["into"].queryset = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_new = bool(data.get("new_code") or data.get("new_name"))
        if bool(data.get("into")) == has_new:
            self.add_error("into", _("Chọn nơi tiếp nhận hoặc khai báo nơi mới (một trong hai)."))
        elif has_new and not (data.get("new_code") and data.get("new_name")):
            self.add_error("new_name", _("Nơi mới cần cả mã và tên."))
        return data


class LocalitySplitForm(LocalityChangeForm):
    parts = forms.CharField(
        label=_("Các thôn, tổ dân phố mới"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Mỗi dòng một nơi: mã | tên. Người cư trú chuyển sang nơi mới được cập nhật ở "
            "trang thông tin từng người (hoặc qua API)."
        ),
    )

    def clean_parts(self) -> list[Any]:
        from ptdv.organisations.locality_changes import NewLocality

        parts = []
        for number, line in enumerate(str(self.cleaned_data["parts"]).splitlines(), start=1):
            if not line.strip():
                continue
            cells = [cell.strip() for cell in line.split("|")] + [""]
            if not cells[0] or not cells[1]:
                raise forms.ValidationError(_("Dòng %(n)s: cần mã và tên.") % {"n": number})
            parts.append(NewLocality(code=cells[0], name=cells[1]))
        if not parts:
            raise forms.ValidationError(_("Cần ít nhất một nơi mới."))
        return parts


LOCALITY_FORMS: dict[str, type[LocalityChangeForm]] = {
    "rename": LocalityRenameForm,
    "move": LocalityMoveForm,
    "merge": LocalityMergeForm,
    "split": LocalitySplitForm,
}
