"""Forms of the candidacy pages: the list filters, the registration of a candidate and the
form of each dossier action (generated from the action's facts serializer)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ptdv.candidacies.actions import COMMON_LABELS, field_help, field_label, spec_for
from ptdv.candidacies.facts import BodyVoteFacts, CellVoteFacts, DocumentSerializer
from ptdv.candidacies.models import Candidacy, SourceChannel, Stage
from ptdv.candidacies.selectors import (
    candidacy_amendable_events,
    candidacy_helper_choices,
    candidacy_introducer_choices,
    candidacy_leader_choices,
    candidacy_transfer_choices,
)
from ptdv.core.forms import StyledFormMixin, VietnameseDateField
from ptdv.core.policies import Actor
from ptdv.members.models import PartyMembership
from ptdv.members.votes import cell_members_on
from ptdv.movements.models import MassOrganisation, Movement
from ptdv.movements.selectors import source_choices
from ptdv.organisations.models import AreaFlag, Organisation, Sector
from ptdv.organisations.selectors import (
    organisation_cells_for_registration,
    organisation_localities_for_cell,
)
from ptdv.people.choices import (
    TargetGroup,
)
from ptdv.people.forms import PersonFieldsForm
from ptdv.people.models import Person
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
    sector = forms.ChoiceField(
        label=_("Lĩnh vực"), required=False, choices=[("", _("Mọi lĩnh vực")), *Sector.choices]
    )
    area_flag = forms.ChoiceField(
        label=_("Đặc điểm địa bàn"),
        required=False,
        choices=[("", _("Mọi địa bàn")), *AreaFlag.choices],
    )
    status = forms.ChoiceField(label=_("Tình trạng"), required=False, choices=STATUS_CHOICES)
    due = forms.ChoiceField(
        label=_("Thời hạn"),
        required=False,
        choices=[
            ("", _("Mọi thời hạn")),
            ("overdue", _("Quá hạn")),
            ("30d", _("Đến hạn trong 30 ngày")),
        ],
    )
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
            "sector": data.get("sector") or None,
            "area_flag": data.get("area_flag") or None,
            "open": STATUS_OPEN[data.get("status") or "open"],
            "search": (data.get("q") or "").strip() or None,
            "due": data.get("due") or None,
        }


# ModelChoiceField is generic only in the type stubs, not at run time.
if TYPE_CHECKING:
    _OrganisationChoice = forms.ModelChoiceField[Organisation]
    _PartyMembershipChoice = forms.ModelChoiceField[PartyMembership]
    _PersonChoice = forms.ModelChoiceField[Person]
    _MovementChoice = forms.ModelChoiceField[Movement]
    _MassOrganisationChoice = forms.ModelChoiceField[MassOrganisation]
else:
    _OrganisationChoice = forms.ModelChoiceField
    _PartyMembershipChoice = forms.ModelChoiceField
    _PersonChoice = forms.ModelChoiceField
    _MovementChoice = forms.ModelChoiceField
    _MassOrganisationChoice = forms.ModelChoiceField


class CellChoiceField(_OrganisationChoice):
    def label_from_instance(self, obj: Organisation) -> str:
        if obj.parent is not None:
            return f"{obj.name} — {obj.parent.name}"
        return obj.name


class HelperChoiceField(_PartyMembershipChoice):
    def label_from_instance(self, obj: PartyMembership) -> str:
        return obj.person.full_name


class HelperCellChoiceField(_PartyMembershipChoice):
    def label_from_instance(self, obj: PartyMembership) -> str:
        return f"{obj.person.full_name} — {obj.organisation.name}"


class LeaderChoiceField(_PersonChoice):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a non-leap year
        return day.replace(year=day.year - years, day=28)


class CandidacyRegisterForm(PersonFieldsForm):
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
    # The cell first, then the person's fields (PersonFieldsForm), then the dossier's.
    field_order = ["organisation"]
    source_channel = forms.ChoiceField(
        label=_("Nguồn giới thiệu"), choices=SourceChannel.choices, initial=SourceChannel.OTHER
    )
    helper = HelperChoiceField(
        queryset=PartyMembership.objects.none(),
        label=_("Đảng viên được phân công giúp đỡ"),
        required=False,
        empty_label=_("— Chưa phân công —"),
    )
    responsible_leader = LeaderChoiceField(
        queryset=Person.objects.none(),
        label=_("Người chịu trách nhiệm bồi dưỡng"),
        required=False,
        empty_label=_("— Chưa có —"),
    )
    # Where the candidate came from: the movements and mass organisations on the cell's line
    # (the service resolves them again through the user's scope).
    movement = _MovementChoice(
        queryset=Movement.objects.none(),
        label=_("Phong trào, câu lạc bộ"),
        required=False,
        empty_label=_("— Không —"),
    )
    referring_body = _MassOrganisationChoice(
        queryset=MassOrganisation.objects.none(),
        label=_("Đoàn thể giới thiệu"),
        required=False,
        empty_label=_("— Không —"),
        help_text=_("Khi chọn đoàn thể, nguồn giới thiệu theo đoàn thể đó."),
    )
    opened_on = VietnameseDateField(
        label=_("Ngày đưa vào nguồn"),
        initial=timezone.localdate,
        error_messages={"required": _("Nhập ngày đưa vào nguồn.")},
    )

    def __init__(self, *args: Any, actor: Actor, cell_id: Any = None, **kwargs: Any) -> None:
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
            self.fields["responsible_leader"].queryset = candidacy_leader_choices(  # type: ignore[attr-defined]
                actor=actor, organisation=self.cell
            )
            self.fields["residence_locality"].queryset = organisation_localities_for_cell(  # type: ignore[attr-defined]
                cell=self.cell
            )
            movements, bodies = source_choices(
                actor=actor, cell=self.cell, today=timezone.localdate()
            )
            self.fields["movement"].queryset = movements  # type: ignore[attr-defined]
            self.fields["referring_body"].queryset = bodies  # type: ignore[attr-defined]
        self.style_fields()

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


# --- Dossier actions ---------------------------------------------------------------------------

# The dossier facts, in the order of the workflow, with their Vietnamese names (the model's
# verbose names are lower-case and some are missing).
DOSSIER_LABELS: dict[str, Any] = {
    "certificate_date": _("Ngày cấp giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng"),
    "application_date": _("Ngày viết đơn xin vào Đảng"),
    "history_date": _("Ngày khai lý lịch"),
    "verification_concluded_on": _("Ngày kết luận thẩm tra lý lịch"),
    "verification_waived": _("Miễn thẩm tra lý lịch"),
    "opinions_date": _("Ngày tổng hợp ý kiến nhận xét (5-KNĐ)"),
    "branch_resolution_date": _("Ngày nghị quyết chi bộ đề nghị kết nạp (6-KNĐ)"),
    "committee_resolution_date": _("Ngày nghị quyết đảng ủy cơ sở đề nghị kết nạp (8-KNĐ)"),
    "decision_date": _("Ngày quyết định kết nạp (9-KNĐ)"),
    "decision_received_date": _("Ngày nhận quyết định kết nạp"),
    "extension_working_days": _("Số ngày làm việc được gia hạn"),
    "ceremony_date": _("Ngày lễ kết nạp"),
    "member_file_date": _("Ngày hoàn thành hồ sơ đảng viên"),
    "newmember_course_date": _("Ngày cấp chứng nhận lớp bồi dưỡng đảng viên mới"),
    "recognition_resolution_date": _("Ngày nghị quyết chi bộ đề nghị công nhận chính thức"),
    "failed_recognition_votes": _("Số lần biểu quyết công nhận chính thức không đạt"),
    "recognition_decision_date": _("Ngày quyết định công nhận đảng viên chính thức"),
}

# The labels shared by every action's form (each spec adds its own: ActionSpec.labels).
FIELD_LABELS = COMMON_LABELS

# Cell votes count the cell's official members; a committee's size does not apply to them.
_CELL_VOTE_SKIPS = {"vote.body_size"}
# The cell's members left out of a vote's denominator, shown with the vote.
_VOTE_COUNTS = ("temporarily_attached_elsewhere", "exempted_absent")
# What an amendment may correct besides the dossier's dates (ptdv.candidacies.facts).
AMEND_EVENT_LABELS: dict[str, Any] = {
    "vote.summoned": _("Biểu quyết: số được triệu tập"),
    "vote.present": _("Biểu quyết: số có mặt"),
    "vote.agree": _("Biểu quyết: số tán thành"),
    "vote.body_size": _("Biểu quyết: tổng số thành viên cấp ủy"),
    "document.number": _("Văn bản: số, ký hiệu"),
    "document.date": _("Văn bản: ngày ban hành"),
    "document.issuing_body": _("Văn bản: cơ quan ban hành"),
    "document.signer": _("Văn bản: người ký"),
    "introducer.membership": _("Người giới thiệu: đảng viên giới thiệu (mã)"),
    "introducer.months_together": _("Người giới thiệu: số tháng cùng công tác"),
    "introducer.replacement": _("Người giới thiệu: là người thay thế (có/không)"),
    "introducer.date": _("Người giới thiệu: ngày giới thiệu"),
}
# Choice values of the amendable fields, shown by their names.
_CHOICE_LABELS: dict[str, dict[str, Any]] = {"field": {**DOSSIER_LABELS, **AMEND_EVENT_LABELS}}

_INT_ERRORS = {"invalid": _("Phải là một số nguyên."), "required": _("Cần nhập số.")}
_DATE_ERRORS = {"required": _("Cần nhập ngày.")}


class MembershipChoiceField(_PartyMembershipChoice):
    def label_from_instance(self, obj: PartyMembership) -> str:
        return f"{obj.person.full_name} ({obj.get_status_display().lower()})"


def _form_field(
    action: str, name: str, field: serializers.Field[Any, Any, Any, Any]
) -> forms.Field:
    """The HTML field for one serializer field: its type, required-ness and label.

    Only the typing is checked here (a date typed as dd/mm/yyyy that exists, a whole number);
    everything else is the serializer's and the rule engine's to say, in `candidacy_act`.
    """
    nullable = bool(getattr(field, "allow_null", False))
    required = bool(field.required) and not nullable
    label = field_label(action, name)
    help_text = field_help(action, name)
    if isinstance(field, serializers.DateField):
        return VietnameseDateField(
            label=label, required=required, help_text=help_text, error_messages=_DATE_ERRORS
        )
    if isinstance(field, serializers.BooleanField):
        return forms.BooleanField(label=label, required=False, help_text=help_text)
    if isinstance(field, serializers.ChoiceField):
        names = _CHOICE_LABELS.get(name, {})
        choices = [(value, names.get(value, text)) for value, text in field.choices.items()]
        if not required:
            choices.insert(0, ("", _("— Mặc định —")))
        else:
            choices.insert(0, ("", _("— Chọn —")))
        return forms.ChoiceField(
            label=label, required=required, choices=choices, help_text=help_text
        )
    if isinstance(field, serializers.IntegerField):
        default = getattr(field, "default", None)
        return forms.IntegerField(
            label=label,
            required=required,
            help_text=help_text,
            error_messages=_INT_ERRORS,
            initial=default if isinstance(default, int) else None,
        )
    max_length = getattr(field, "max_length", None)
    widget = forms.Textarea(attrs={"rows": 3}) if (max_length or 0) > 255 else forms.TextInput
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        strip=True,
    )


class CandidacyActionForm(StyledFormMixin, forms.Form):
    """The form of one dossier action, generated from its facts serializer (its spec's `facts`).

    Nested serializers are flattened (`vote.agree`, `document.number`); `payload()` nests them
    again for `candidacy_act`, which validates everything once more and runs the rules.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=_INT_ERRORS)

    def __init__(self, *args: Any, action: str, candidacy: Candidacy, actor: Actor, **kwargs: Any):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", candidacy.version)
        kwargs["initial"].setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.action = action
        self.candidacy = candidacy
        spec = spec_for(action)
        if spec is None:
            raise ValueError(action)
        facts = spec.facts
        self.nullable: set[str] = set()
        serializer_fields = dict(facts().fields)
        # The reason closes the form, after the facts it explains.
        if "reason" in serializer_fields:
            serializer_fields["reason"] = serializer_fields.pop("reason")
        for name, field in serializer_fields.items():
            if isinstance(field, serializers.Serializer):
                for sub, subfield in field.fields.items():
                    self._add(f"{name}.{sub}", subfield)
            else:
                self._add(name, field)
        for sub, subfield in DocumentSerializer().fields.items():
            self._add(f"document.{sub}", subfield)
        if issubclass(facts, CellVoteFacts):
            for name in _CELL_VOTE_SKIPS:
                self.fields.pop(name, None)
            if not self.is_bound:
                self._cell_counts(candidacy)
        if issubclass(facts, BodyVoteFacts) and "vote.body_size" in self.fields:
            self.fields["vote.body_size"].required = True
        if "membership" in self.fields:
            self.fields["membership"] = MembershipChoiceField(
                queryset=candidacy_introducer_choices(actor=actor, candidacy=candidacy),
                label=field_label(action, "membership"),
                required=False,
                empty_label=_("— Không chọn (ban chấp hành đoàn thể giới thiệu) —"),
                help_text=field_help(action, "membership"),
            )
        if "organisation" in self.fields:
            self.fields["organisation"] = CellChoiceField(
                queryset=candidacy_transfer_choices(actor=actor, candidacy=candidacy),
                label=field_label(action, "organisation"),
                empty_label=_("— Chọn chi bộ —"),
            )
        self._people_fields(action, candidacy, actor)
        self.style_fields()

    def _cell_counts(self, candidacy: Candidacy) -> None:
        """A cell vote's counts left out of the denominator, pre-filled from the members'
        records on the form's date (ptdv.members.votes): those attached elsewhere, and the
        exempted (the clerk takes off those who attended). The clerk may correct both."""
        on = self.initial.get("date")
        if not isinstance(on, dt.date):
            on = timezone.localdate()
        counted = cell_members_on(candidacy.organisation_id, on)
        day = f"{on:%d/%m/%Y}"
        for name, value, note in (
            (
                "temporarily_attached_elsewhere",
                counted.attached_elsewhere,
                _("Điền sẵn theo hồ sơ đảng viên của chi bộ ngày %(day)s: %(n)s đảng viên "
                  "đang sinh hoạt tạm thời nơi khác."),
            ),
            (
                "exempted_absent",
                counted.exempt,
                _("Điền sẵn theo hồ sơ đảng viên của chi bộ ngày %(day)s: %(n)s đảng viên được "
                  "miễn công tác và sinh hoạt; bớt đi những người vẫn có mặt."),
            ),
        ):  # fmt: skip
            if name not in self.fields:
                continue
            self.initial.setdefault(name, value)
            field = self.fields[name]
            field.help_text = " ".join(
                t for t in (str(field.help_text or ""), note % {"day": day, "n": value}) if t
            )

    def _people_fields(self, action: str, candidacy: Candidacy, actor: Actor) -> None:
        """The helper, the responsible leader and the amended step as choices."""
        if "helper" in self.fields:
            # A transfer's helper is an official member of one of the cells it may go to.
            cells = (
                candidacy_transfer_choices(actor=actor, candidacy=candidacy)
                if "organisation" in self.fields
                else [candidacy.organisation]
            )
            self.fields["helper"] = HelperCellChoiceField(
                queryset=candidacy_helper_choices(actor=actor, organisation=cells),
                label=field_label(action, "helper"),
                required=False,
                empty_label=_("— Chưa phân công —"),
                help_text=field_help(action, "helper"),
            )
            self.initial.setdefault("helper", candidacy.helper_id)
        if "responsible_leader" in self.fields:
            self.fields["responsible_leader"] = LeaderChoiceField(
                queryset=candidacy_leader_choices(actor=actor, organisation=candidacy.organisation),
                label=field_label(action, "responsible_leader"),
                required=False,
                empty_label=_("— Chưa có —"),
                help_text=field_help(action, "responsible_leader"),
            )
            self.initial.setdefault("responsible_leader", candidacy.responsible_leader_id)
        if "event" in self.fields:
            events = candidacy_amendable_events(candidacy=candidacy)
            self.fields["event"] = forms.TypedChoiceField(
                coerce=int,
                empty_value=None,
                required=False,
                label=field_label(action, "event"),
                help_text=field_help(action, "event"),
                choices=[("", _("— Không (đính chính ngày của hồ sơ) —"))]
                + [
                    (event.pk, f"{event.on:%d/%m/%Y} — {event.get_action_display()}")
                    for event in events
                ],
            )

    def _add(self, name: str, field: serializers.Field[Any, Any, Any, Any]) -> None:
        if getattr(field, "allow_null", False):
            self.nullable.add(name)
        self.fields[name] = _form_field(self.action, name, field)

    def facts_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in self.fields
            if name != "version"
            and name not in _VOTE_COUNTS
            and not name.startswith(("vote.", "document."))
        ]

    def vote_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("vote.")] + [
            self[name] for name in _VOTE_COUNTS if name in self.fields
        ]

    def document_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("document.")]

    def payload(self) -> dict[str, Any]:
        """The facts as `candidacy_act` takes them: nested, dates in ISO, blanks left out
        (the serializer's default applies) or null where the serializer allows it."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name == "version":
                continue
            if value is None or value == "":
                if name not in self.nullable:
                    continue
                value = None
            elif isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, models.Model):
                value = value.pk
            target = data
            *parents, leaf = name.split(".")
            for parent in parents:
                target = target.setdefault(parent, {})
            target[leaf] = value
        return data


class CandidacyVoidForm(StyledFormMixin, forms.Form):
    """Voiding the last step: the version and the step the user saw, and why."""

    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=_INT_ERRORS)
    event = forms.IntegerField(widget=forms.HiddenInput, error_messages=_INT_ERRORS)
    reason = forms.CharField(
        label=_("Lý do hủy"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần nêu lý do hủy bước này.")},
        help_text=_("Ví dụ: ghi nhầm hồ sơ, ghi trùng bước, số liệu biểu quyết sai."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()
