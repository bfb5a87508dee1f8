from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ptdv.candidacies.case import candidacy_next
from ptdv.candidacies.models import Candidacy, ClosedReason, SourceChannel, Stage
from ptdv.core.api_views import ApiModelSerializer, ApiSerializer, VisibleRelatedField
from ptdv.core.refusals import Unprocessable
from ptdv.core.text import PersonNameValidator
from ptdv.members.policies import membership_policy
from ptdv.organisations.models import AreaFlag, Locality, Organisation, Sector
from ptdv.organisations.policies import organisation_policy
from ptdv.people.choices import (
    ETHNICITIES,
    KINH,
    Education,
    Gender,
    Occupation,
    Religion,
    TargetGroup,
)
from ptdv.people.models import Person, national_id_validator
from ptdv.people.policies import person_policy

ORGANISATION_NOT_FOUND = _("Không tìm thấy tổ chức.")
LOCALITY_NOT_FOUND = _("Không tìm thấy thôn, tổ dân phố.")


class PersonBriefSerializer(ApiModelSerializer):
    full_name = serializers.CharField(read_only=True)

    class Meta:
        model = Person
        fields = ["id", "full_name"]
        read_only_fields = fields


class OrganisationBriefSerializer(ApiModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name"]
        read_only_fields = fields


class CandidacySerializer(ApiModelSerializer):
    """A candidacy as read. The stage only changes through the stage actions."""

    person = PersonBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)

    class Meta:
        model = Candidacy
        fields = [
            "id",
            "person",
            "organisation",
            "stage",
            "is_open",
            "is_readmission",
            "helper",
            "responsible_leader",
            "source_channel",
            "movement",
            "referring_body",
            "opened_on",
            "closed_on",
            "version",
            "next_action",
            "next_due",
            "escalated_to",
        ]
        read_only_fields = fields

    escalated_to = serializers.SerializerMethodField()

    def get_escalated_to(self, candidacy: Candidacy) -> dict[str, Any] | None:
        """For an overdue dossier, the organisation one level above the body that had to act
        (filled by `candidacy_attach_escalations`)."""
        target = getattr(candidacy, "escalated_to", None)
        if target is None:
            return None
        return {"id": target.pk, "code": target.code, "name": target.name}


class CandidacyFilterSerializer(ApiSerializer):
    organisation = VisibleRelatedField(
        policy=organisation_policy,
        not_found=ORGANISATION_NOT_FOUND,
        required=False,
        help_text=_("Mã (id) tổ chức: lấy cả các tổ chức trực thuộc."),
    )
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    target_group = serializers.ChoiceField(choices=TargetGroup.choices, required=False)
    sector = serializers.ChoiceField(
        choices=Sector.choices, required=False, help_text=_("Lĩnh vực của chi bộ.")
    )
    area_flag = serializers.ChoiceField(
        choices=AreaFlag.choices, required=False, help_text=_("Đặc điểm địa bàn của chi bộ.")
    )
    open = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("true: hồ sơ đang mở; false: hồ sơ đã đóng; bỏ trống: tất cả."),
    )
    search = serializers.CharField(
        required=False,
        allow_blank=True,  # an empty search is no filter
        max_length=100,
        help_text=_("Tìm theo họ tên, không phân biệt dấu."),
    )
    due = serializers.ChoiceField(
        choices=[("overdue", _("Quá hạn")), ("30d", _("Đến hạn trong 30 ngày"))],
        required=False,
        help_text=_("overdue: đã quá hạn; 30d: đến hạn trong 30 ngày tới (theo ngày lịch)."),
    )


class PersonInputSerializer(ApiSerializer):
    """A person typed in with the registration. An existing person (same national ID, or same
    name and birth date when no ID is given) is reused rather than duplicated."""

    # Names are judged as sent (no trimming: a tab is refused, not silently cut), against
    # the pattern the schema publishes (ptdv.core.text.PERSON_NAME_PATTERN); stored normalised.
    family_name = serializers.CharField(
        max_length=60, trim_whitespace=False, validators=[PersonNameValidator()]
    )
    middle_name = serializers.CharField(
        max_length=80,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        validators=[PersonNameValidator()],
    )
    given_name = serializers.CharField(
        max_length=40, trim_whitespace=False, validators=[PersonNameValidator()]
    )
    birth_date = serializers.DateField()
    gender = serializers.ChoiceField(choices=Gender.choices)
    national_id = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        validators=[national_id_validator],
        help_text=_("Số định danh cá nhân (CCCD), 12 chữ số."),
    )
    ethnicity = serializers.ChoiceField(choices=ETHNICITIES, default=KINH)
    religion = serializers.ChoiceField(choices=Religion.choices, default=Religion.NONE)
    education = serializers.ChoiceField(
        choices=Education.choices, default=Education.UPPER_SECONDARY
    )
    occupation = serializers.ChoiceField(choices=Occupation.choices, default=Occupation.OTHER)
    workplace = serializers.CharField(max_length=255, required=False, allow_blank=True)
    # Checked against the target cell in CandidacyRegisterSerializer.validate: a cell-level
    # clerk chooses among the villages of the commune above the cell, which lies outside
    # their own subtree (village names are not personal data).
    residence_locality = serializers.PrimaryKeyRelatedField(
        queryset=Locality.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": LOCALITY_NOT_FOUND},
    )
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), required=False
    )
    youth_union_member = serializers.BooleanField(default=False)
    trade_union_member = serializers.BooleanField(default=False)

    def validate_birth_date(self, value: dt.date) -> dt.date:
        if value > timezone.localdate():
            # Schema-valid (a bound that moves with the calendar): a 422.
            raise Unprocessable(_("Ngày sinh không được sau hôm nay."))
        return value


class CandidacyRegisterSerializer(ApiSerializer):
    """Registration: the cell, and either an existing person (`person_id`) or a new one."""

    organisation = VisibleRelatedField(
        policy=organisation_policy,
        not_found=ORGANISATION_NOT_FOUND,
        help_text=_("Chi bộ nhận hồ sơ."),
    )
    person_id = VisibleRelatedField(
        policy=person_policy,
        not_found=_("Không tìm thấy công dân."),
        required=False,
        help_text=_("Công dân đã có trong hệ thống; hoặc gửi `person`."),
    )
    person = PersonInputSerializer(
        required=False, help_text=_("Thông tin công dân mới; hoặc gửi `person_id`.")
    )
    helper = VisibleRelatedField(
        policy=membership_policy,
        not_found=_("Không tìm thấy đảng viên giúp đỡ."),
        required=False,
        allow_null=True,
        help_text=_("Mã (id) quá trình sinh hoạt đảng của đảng viên giúp đỡ."),
    )
    responsible_leader = VisibleRelatedField(
        policy=person_policy,
        not_found=_("Không tìm thấy người chịu trách nhiệm bồi dưỡng."),
        required=False,
        allow_null=True,
    )
    source_channel = serializers.ChoiceField(
        choices=SourceChannel.choices, default=SourceChannel.OTHER
    )
    movement = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Mã (id) phong trào, câu lạc bộ nơi quần chúng được phát hiện."),
    )
    referring_body = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "Mã (id) đoàn thể giới thiệu; nguồn giới thiệu theo loại đoàn thể khi để `other`."
        ),
    )
    opened_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Mặc định là hôm nay.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        has_id = attrs.get("person_id") is not None
        has_data = attrs.get("person") is not None
        if has_id == has_data:
            message = (
                _("Chỉ gửi một trong hai: person_id hoặc person.")
                if has_id
                else _("Cần chọn công dân (person_id) hoặc nhập thông tin công dân (person).")
            )
            raise serializers.ValidationError({"person": [message]})
        locality = (attrs.get("person") or {}).get("residence_locality")
        cell = attrs["organisation"]
        if locality is not None and locality.organisation.path not in cell.ancestor_paths:
            raise serializers.ValidationError(
                {"person": {"residence_locality": [LOCALITY_NOT_FOUND]}}
            )
        return attrs


class DocumentOutSerializer(serializers.Serializer[Any]):
    number = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    issuing_body = serializers.CharField()
    signer = serializers.CharField()


class CandidacyEventSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    action = serializers.CharField()
    on = serializers.DateField()
    at = serializers.DateTimeField()
    actor = serializers.SerializerMethodField()
    stage_before = serializers.CharField()
    stage_after = serializers.CharField()
    outcome = serializers.CharField()
    organisation = serializers.IntegerField(source="organisation_id")
    facts = serializers.JSONField()
    vote = serializers.JSONField()
    rule_set_id = serializers.CharField()
    warnings = serializers.JSONField()
    reason = serializers.CharField()
    flagged = serializers.BooleanField()
    document = serializers.SerializerMethodField()
    voided = serializers.BooleanField(help_text=_("Bước đã bị hủy (không còn tính)."))
    voided_at = serializers.DateTimeField(allow_null=True)
    voided_by = serializers.SerializerMethodField()
    void_reason = serializers.CharField()

    def get_actor(self, event: Any) -> str | None:
        return event.actor.username if event.actor_id else None

    def get_voided_by(self, event: Any) -> str | None:
        return event.voided_by.username if event.voided_by_id else None

    def get_document(self, event: Any) -> dict[str, Any]:
        return {
            "number": event.document_number,
            "date": event.document_date,
            "issuing_body": event.issuing_body,
            "signer": event.signer,
        }


class NextActionSerializer(serializers.Serializer[Any]):
    action = serializers.CharField(allow_null=True)
    earliest = serializers.DateField(allow_null=True)
    due = serializers.DateField(allow_null=True)
    missing = serializers.ListField(child=serializers.CharField())
    expiring = serializers.ListField(child=serializers.DictField())
    overdue = serializers.BooleanField()


class CandidacyDetailSerializer(CandidacySerializer):
    """A candidacy with its dossier facts, the next lawful action and the events."""

    # Blank while the dossier is open: the schema's enum says so.
    closed_reason = serializers.ChoiceField(
        choices=ClosedReason.choices, allow_blank=True, read_only=True
    )

    next_action = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()
    dossier = serializers.SerializerMethodField()

    class Meta(CandidacySerializer.Meta):
        fields = [
            *CandidacySerializer.Meta.fields,
            "closed_reason",
            "dossier",
            "next_action",
            "events",
        ]
        read_only_fields = fields

    def get_dossier(self, candidacy: Candidacy) -> dict[str, Any]:
        names = [
            "certificate_date", "application_date", "history_date", "verification_concluded_on",
            "verification_waived", "opinions_date", "branch_resolution_date",
            "committee_resolution_date", "decision_date", "decision_received_date",
            "extension_working_days", "ceremony_date", "member_file_date",
            "newmember_course_date", "recognition_resolution_date", "failed_recognition_votes",
            "recognition_decision_date",
        ]  # fmt: skip
        return {
            name: (value.isoformat() if isinstance(value, dt.date) else value)
            for name in names
            for value in (getattr(candidacy, name),)
        }

    def get_next_action(self, candidacy: Candidacy) -> dict[str, Any]:
        today = timezone.localdate()
        if candidacy.next_stale or candidacy.next_checked_on != today:
            nxt = candidacy_next(candidacy, today).to_dict()
        else:
            nxt = {
                "action": candidacy.next_action or None,
                "earliest": candidacy.next_earliest,
                "due": candidacy.next_due,
                "missing": candidacy.next_missing,
                "expiring": candidacy.next_expiring,
            }
        due = nxt["due"]
        due_date = dt.date.fromisoformat(due) if isinstance(due, str) else due
        nxt["overdue"] = bool(due_date and due_date < today)
        return dict(NextActionSerializer(nxt).data)

    def get_events(self, candidacy: Candidacy) -> list[dict[str, Any]]:
        events = candidacy.events.select_related("actor", "voided_by").order_by("on", "id")
        return list(CandidacyEventSerializer(events, many=True).data)
