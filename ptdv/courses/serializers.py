"""The API's shapes of courses, enrolments, sessions and certificates."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ptdv.core.api_views import ApiModelSerializer, ApiSerializer
from ptdv.courses.models import Course, CourseFormat, CourseKind, CourseSession, Enrolment, Result
from ptdv.courses.services import MAX_CAPACITY

MAX_ID = 2**31 - 1
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class CourseSerializer(ApiModelSerializer):
    # "organisation" in the API, as everywhere else: the organisation that runs the course.
    organisation = serializers.IntegerField(source="organiser_id", read_only=True)
    organisation_name = serializers.CharField(source="organiser.name", read_only=True)
    teacher_list = serializers.ListField(child=serializers.CharField(), read_only=True)
    enrolled = serializers.IntegerField(read_only=True, required=False)
    passed = serializers.IntegerField(read_only=True, required=False)
    certified = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Course
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "kind",
            "format",
            "name",
            "issuing_body",
            "starts_on",
            "ends_on",
            "venue",
            "teachers",
            "teacher_list",
            "capacity",
            "enrolled",
            "passed",
            "certified",
            "version",
        ]
        read_only_fields = fields


class CourseWriteSerializer(ApiSerializer):
    organisation = _id_field(
        help_text=_("Mã tổ chức đảng tổ chức lớp (trong phạm vi được phân quyền).")
    )
    kind = serializers.ChoiceField(choices=CourseKind.choices)
    format = serializers.ChoiceField(choices=CourseFormat.choices)
    name = serializers.CharField(max_length=200)
    issuing_body = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    starts_on = serializers.DateField(input_formats=DATE_FORMATS)
    ends_on = serializers.DateField(input_formats=DATE_FORMATS)
    venue = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    teachers = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Mỗi người một dòng."),
    )
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)


class CourseUpdateSerializer(CourseWriteSerializer):
    """A change: the organiser stays; `version` is the one the client saw."""

    organisation = None  # type: ignore[assignment]
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class CourseQuerySerializer(ApiSerializer):
    organisation = _id_field(required=False, help_text=_("Chỉ các lớp của cây tổ chức này."))
    kind = serializers.ChoiceField(choices=CourseKind.choices, required=False)
    # Not "format": DRF reads ?format= as the renderer to answer with.
    delivery = serializers.ChoiceField(
        choices=CourseFormat.choices, required=False, help_text=_("Hình thức học.")
    )
    year = serializers.IntegerField(min_value=1900, max_value=2999, required=False)
    status = serializers.ChoiceField(
        choices=[
            ("planned", _("Sắp khai giảng")),
            ("running", _("Đang học")),
            ("finished", _("Đã bế giảng")),
        ],
        required=False,
    )


class EnrolmentSerializer(ApiModelSerializer):
    person = serializers.IntegerField(source="candidacy.person_id", read_only=True)
    full_name = serializers.CharField(source="candidacy.person.full_name", read_only=True)
    birth_date = serializers.DateField(source="candidacy.person.birth_date", read_only=True)
    organisation = serializers.IntegerField(source="candidacy.organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="candidacy.organisation.name", read_only=True)
    stage = serializers.CharField(source="candidacy.stage", read_only=True)
    attended = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "candidacy",
            "person",
            "full_name",
            "birth_date",
            "organisation",
            "organisation_name",
            "stage",
            "enrolled_on",
            "attended",
            "result",
            "certificate_number",
            "certificate_date",
        ]
        read_only_fields = fields


class EnrolSerializer(ApiSerializer):
    candidacies = serializers.ListField(
        child=_id_field(),
        min_length=1,
        max_length=MAX_CAPACITY,
        help_text=_("Mã các hồ sơ được ghi danh (trong phạm vi được phân quyền)."),
    )


class SessionSerializer(ApiModelSerializer):
    present = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = CourseSession
        fields = ["id", "date", "topic", "present"]
        read_only_fields = fields


class SessionWriteSerializer(ApiSerializer):
    date = serializers.DateField(input_formats=DATE_FORMATS)
    topic = serializers.CharField(max_length=255)


class AttendanceSerializer(ApiSerializer):
    present = serializers.ListField(
        child=_id_field(),
        max_length=MAX_CAPACITY,
        help_text=_("Mã các học viên (ghi danh) có mặt; những người khác vắng."),
    )
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class ResultItemSerializer(ApiSerializer):
    enrolment = _id_field()
    result = serializers.ChoiceField(choices=Result.choices, allow_blank=True)


class ResultsSerializer(ApiSerializer):
    results = serializers.ListField(child=ResultItemSerializer(), max_length=MAX_CAPACITY)
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class CertificateIssueSerializer(ApiSerializer):
    date = serializers.DateField(input_formats=DATE_FORMATS, help_text=_("Ngày cấp."))
    signer = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


class FiguresQuerySerializer(ApiSerializer):
    organisation = _id_field(
        required=False, help_text=_("Mặc định: tổ chức đầu tiên được phân quyền.")
    )
    year = serializers.IntegerField(
        min_value=1900, max_value=2999, required=False, help_text=_("Mặc định: năm nay.")
    )


class FiguresRowSerializer(ApiSerializer):
    organisation = serializers.IntegerField()
    organisation_name = serializers.CharField()
    trained = serializers.IntegerField()
    passed = serializers.IntegerField()
    median_days_to_application = serializers.FloatField(allow_null=True)
    admitted = serializers.IntegerField()
    admitted_trained_flexible = serializers.IntegerField()
    flexible_share = serializers.FloatField(allow_null=True)


class FiguresSerializer(ApiSerializer):
    year = serializers.IntegerField()
    total = FiguresRowSerializer()
    children = FiguresRowSerializer(many=True)
