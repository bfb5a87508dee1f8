"""The facts each action takes, validated once for the API and the UI alike.

Every serializer answers in Vietnamese with the field and the reason; the action services
receive only validated, typed values (`serializer.validated_data`). What the API schema states
(types, formats, required fields, enums, bounds) is a 400 when broken; what it cannot state — a
date after today, the constraints between the facts of one action — is raised as
`Unprocessable` (a 422, ptdv.core.refusals).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ptdv.candidacies.models import ConsentKind, IntroducerKind
from ptdv.core.refusals import Unprocessable

DATE_ERRORS: dict[str, Any] = {
    "invalid": _("Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy."),
    "required": _("Cần nhập ngày."),
    "null": _("Cần nhập ngày."),
}


def date_field(**kwargs: Any) -> serializers.DateField:
    return serializers.DateField(
        input_formats=["%Y-%m-%d", "%d/%m/%Y"], error_messages=DATE_ERRORS, **kwargs
    )


def int_field(**kwargs: Any) -> serializers.IntegerField:
    error_messages = {
        "invalid": _("Phải là một số nguyên."),
        "required": _("Cần nhập số."),
        "null": _("Cần nhập số."),
        "min_value": _("Không được nhỏ hơn {min_value}."),
        "max_value": _("Không được lớn hơn {max_value}."),
        **kwargs.pop("error_messages", {}),
    }
    return serializers.IntegerField(error_messages=error_messages, **kwargs)


class DocumentSerializer(serializers.Serializer[Any]):
    """The document an action records: number and symbol, date, issuing body, signer."""

    number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    date = date_field(required=False, allow_null=True, default=None)
    issuing_body = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    signer = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class ActionFacts(serializers.Serializer[Any]):
    """Common to every action: the date it took place (default today)."""

    date = date_field(required=False)

    def validate_date(self, value: dt.date) -> dt.date:
        if value > timezone.localdate():
            raise Unprocessable(_("Ngày thực hiện không được sau hôm nay."))
        return value


class CertificateFacts(ActionFacts):
    certificate_date = date_field()


class ApplicationFacts(ActionFacts):
    application_date = date_field()
    history_date = date_field()


class VerificationFacts(ActionFacts):
    concluded_on = date_field(required=False, allow_null=True, default=None)
    waived = serializers.BooleanField(default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("waived") and attrs.get("concluded_on") is None:
            raise Unprocessable(
                {"concluded_on": [_("Cần nhập ngày kết luận thẩm tra (hoặc chọn miễn thẩm tra).")]}
            )
        return attrs


class IntroductionFacts(ActionFacts):
    kind = serializers.ChoiceField(
        choices=IntroducerKind.choices,
        error_messages={"invalid_choice": _("Loại người giới thiệu không hợp lệ: {input}.")},
    )
    membership = int_field(required=False, allow_null=True, default=None, min_value=1)
    # At most a century: the column is a small integer, and no one knows anyone longer.
    months_together = int_field(
        required=False, allow_null=True, default=None, min_value=0, max_value=1200
    )
    replacement = serializers.BooleanField(default=False)
    introduced_on = date_field()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["kind"] == IntroducerKind.MEMBER:
            errors = {}
            if attrs.get("membership") is None:
                errors["membership"] = [_("Cần chọn đảng viên giới thiệu.")]
            if attrs.get("months_together") is None and not attrs.get("replacement"):
                errors["months_together"] = [
                    _("Cần nhập số tháng cùng công tác, học tập hoặc cư trú với người vào Đảng.")
                ]
            if errors:
                raise Unprocessable(errors)
        return attrs


class OpinionsFacts(ActionFacts):
    opinions_date = date_field()


class VoteSerializer(serializers.Serializer[Any]):
    summoned = int_field(required=False, allow_null=True, default=None, min_value=0)
    present = int_field(required=False, allow_null=True, default=None, min_value=0)
    agree = int_field(min_value=0)
    body_size = int_field(required=False, allow_null=True, default=None, min_value=1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        present, agree = attrs.get("present"), attrs["agree"]
        summoned = attrs.get("summoned")
        if present is not None and agree > present:
            raise Unprocessable({"agree": [_("Số tán thành không được lớn hơn số có mặt.")]})
        if summoned is not None and present is not None and present > summoned:
            raise Unprocessable({"present": [_("Số có mặt không được lớn hơn số được triệu tập.")]})
        if attrs.get("body_size") is not None and agree > attrs["body_size"]:
            raise Unprocessable({"agree": [_("Số tán thành không được lớn hơn số thành viên.")]})
        return attrs


class CellVoteFacts(ActionFacts):
    """A cell's vote: the denominator excludes members attached elsewhere and absent
    exempted members (QĐ 294 §9.3.2)."""

    vote = VoteSerializer()
    temporarily_attached_elsewhere = int_field(default=0, min_value=0)
    exempted_absent = int_field(default=0, min_value=0)


class BodyVoteSerializer(VoteSerializer):
    """A committee's vote: the size of the voting body is required."""

    body_size = int_field(
        min_value=1,
        error_messages={
            "required": _("Cần nhập tổng số thành viên của cấp ủy biểu quyết."),
            "null": _("Cần nhập tổng số thành viên của cấp ủy biểu quyết."),
        },
    )


class BodyVoteFacts(ActionFacts):
    """A committee's vote or decision: the denominator is the body's size."""

    vote = BodyVoteSerializer()


class DecisionFacts(BodyVoteFacts):
    decider = serializers.ChoiceField(
        choices=[
            ("standing_committee_above", _("Ban Thường vụ cấp ủy cấp trên trực tiếp")),
            ("authorised_grassroots_committee", _("Đảng ủy cơ sở được ủy quyền")),
        ],
        required=False,
        error_messages={"invalid_choice": _("Cấp quyết định không hợp lệ: {input}.")},
    )


class CeremonyFacts(ActionFacts):
    decision_received_date = date_field()


class DateOnlyFacts(ActionFacts):
    pass


class ConsentFacts(ActionFacts):
    kind = serializers.ChoiceField(
        choices=ConsentKind.choices,
        error_messages={"invalid_choice": _("Loại văn bản đồng ý không hợp lệ: {input}.")},
    )
    consent_date = date_field()
    ref = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ExtensionFacts(ActionFacts):
    working_days = int_field(min_value=1, max_value=30)


class ReasonFacts(ActionFacts):
    # Whitespace alone is schema-valid (a non-empty string) but says nothing: a 422.
    reason = serializers.CharField(
        max_length=2000,
        trim_whitespace=False,
        error_messages={"blank": _("Cần nêu lý do."), "required": _("Cần nêu lý do.")},
    )

    def validate_reason(self, value: str) -> str:
        if not value.strip():
            raise Unprocessable(_("Cần nêu lý do."))
        return value.strip()


class TransferFacts(ReasonFacts):
    organisation = int_field(min_value=1)
    # Who helps the candidate at the new cell (an official member there); none: unassigned.
    helper = int_field(required=False, allow_null=True, default=None, min_value=1)


class AssignHelperFacts(ReasonFacts):
    """The member who helps the candidate and the person responsible for nurturing them.

    A field left out keeps what the dossier has; null clears it."""

    helper = int_field(required=False, allow_null=True, min_value=1)
    responsible_leader = int_field(required=False, allow_null=True, min_value=1)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "helper" not in attrs and "responsible_leader" not in attrs:
            raise Unprocessable(
                {
                    "helper": [
                        _(
                            "Cần chọn đảng viên giúp đỡ hoặc người chịu trách nhiệm bồi dưỡng "
                            "(để trống để bỏ phân công)."
                        )
                    ]
                }
            )
        return attrs


# The dossier's own dates an amendment corrects (`field` = the column).
AMENDABLE_FIELDS = (
    "certificate_date",
    "application_date",
    "history_date",
    "verification_concluded_on",
    "opinions_date",
    "branch_resolution_date",
    "committee_resolution_date",
    "decision_date",
    "decision_received_date",
    "ceremony_date",
    "member_file_date",
    "newmember_course_date",
    "recognition_resolution_date",
    "recognition_decision_date",
)
# What an event recorded besides the dossier's dates, corrected in that event (`event`): the
# vote's figures, the document, and the introduction a `record_introduction` step wrote.
VOTE_FIELDS = ("vote.summoned", "vote.present", "vote.agree", "vote.body_size")
DOCUMENT_FIELDS = ("document.number", "document.date", "document.issuing_body", "document.signer")
INTRODUCER_FIELDS = (
    "introducer.membership",
    "introducer.months_together",
    "introducer.replacement",
    "introducer.date",
)
EVENT_FIELDS = (*VOTE_FIELDS, *DOCUMENT_FIELDS, *INTRODUCER_FIELDS)
_TEXT_LENGTHS = {"document.number": 60, "document.issuing_body": 255, "document.signer": 150}
_NULLABLE_NUMBERS = {
    "vote.summoned",
    "vote.present",
    "vote.body_size",
    "introducer.months_together",
}
_DATE_VALUE_FIELDS = {*AMENDABLE_FIELDS, "document.date", "introducer.date"}


def _amended_date(name: str, value: Any) -> dt.date | None:
    if value in (None, "") and name != "introducer.date":
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = dt.datetime.strptime(str(value), pattern).date()
        except ValueError:
            continue
        if day > timezone.localdate():
            raise Unprocessable({"value": [_("Ngày không được sau hôm nay.")]})
        return day
    raise Unprocessable({"value": [_("Ngày không hợp lệ; hãy nhập theo dạng dd/mm/yyyy.")]})


def _amended_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "có", "co"):
        return True
    if text in ("false", "0", "không", "khong", ""):
        return False
    raise Unprocessable({"value": [_("Cần trả lời có hoặc không.")]})


def _amended_number(name: str, value: Any) -> int | None:
    """The vote figures, the introducer's member and months together."""
    if value in (None, "") and name in _NULLABLE_NUMBERS:
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise Unprocessable({"value": [_("Phải là một số nguyên.")]}) from None
    lowest = 1 if name in ("vote.body_size", "introducer.membership") else 0
    if number < lowest:
        raise Unprocessable({"value": [_("Không được nhỏ hơn %(n)s.") % {"n": lowest}]})
    if name == "introducer.months_together" and number > 1200:
        raise Unprocessable({"value": [_("Không được lớn hơn 1200.")]})
    return number


def _amended_value(name: str, value: Any) -> Any:
    """The value of an amendment, typed for its field; Unprocessable (422) when it does not
    fit (the schema cannot state the type, which depends on `field`)."""
    if name in _DATE_VALUE_FIELDS:
        return _amended_date(name, value)
    if name in _TEXT_LENGTHS:
        text = "" if value is None else str(value).strip()
        if len(text) > _TEXT_LENGTHS[name]:
            raise Unprocessable(
                {"value": [_("Không được dài quá %(n)s ký tự.") % {"n": _TEXT_LENGTHS[name]}]}
            )
        return text
    if name == "introducer.replacement":
        return _amended_flag(value)
    return _amended_number(name, value)


class AmendFacts(ReasonFacts):
    """A correction: a dossier date (`field` names the column), or a fact an earlier event
    recorded (`event` names it: its vote figures, its document, the introduction it wrote)."""

    field = serializers.ChoiceField(
        choices=[(name, name) for name in (*AMENDABLE_FIELDS, *EVENT_FIELDS)],
        error_messages={"invalid_choice": _("Không thể đính chính trường {input}.")},
    )
    event = int_field(required=False, allow_null=True, default=None, min_value=1)
    value = serializers.JSONField(
        allow_null=True,
        error_messages={"required": _("Cần nhập giá trị đúng (để trống để xóa ngày ghi nhầm).")},
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        name = attrs["field"]
        if name in EVENT_FIELDS and attrs.get("event") is None:
            raise Unprocessable(
                {"event": [_("Cần chọn bước (sự kiện) có thông tin cần đính chính.")]}
            )
        if name in AMENDABLE_FIELDS:
            attrs["event"] = None
        attrs["value"] = _amended_value(name, attrs.get("value"))
        return attrs
