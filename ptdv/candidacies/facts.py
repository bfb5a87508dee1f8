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
    reason = serializers.CharField(
        max_length=2000,
        error_messages={"blank": _("Cần nêu lý do."), "required": _("Cần nêu lý do.")},
    )


class TransferFacts(ReasonFacts):
    organisation = int_field(min_value=1)


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


class AmendFacts(ReasonFacts):
    field = serializers.ChoiceField(
        choices=[(name, name) for name in AMENDABLE_FIELDS],
        error_messages={"invalid_choice": _("Không thể đính chính trường {input}.")},
    )
    value = date_field(allow_null=True)
