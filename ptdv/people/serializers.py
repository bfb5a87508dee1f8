from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ptdv.core.api_views import ApiModelSerializer, ApiSerializer
from ptdv.core.text import PersonNameValidator
from ptdv.people.choices import ETHNICITIES, Education, Gender, Occupation, Religion, TargetGroup
from ptdv.people.crypto import national_id_decrypt, national_id_mask
from ptdv.people.models import Person, national_id_validator

MAX_ID = 2**63 - 1  # BigAutoField

PERSON_FIELDS = [
    "id",
    "full_name",
    "family_name",
    "middle_name",
    "given_name",
    "birth_date",
    "gender",
    "ethnicity",
    "religion",
    "education",
    "occupation",
    "workplace",
    "residence_locality",
    "target_groups",
    "youth_union_member",
    "trade_union_member",
    "organisation",
    "national_id_masked",
    "version",
]


class PersonSerializer(ApiModelSerializer):
    """A person as lists show them: the national ID only masked."""

    full_name = serializers.CharField(read_only=True)
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), read_only=True
    )
    national_id_masked = serializers.SerializerMethodField(
        help_text=_("Số định danh cá nhân, chỉ hiện ba số cuối.")
    )

    class Meta:
        model = Person
        fields = PERSON_FIELDS
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_national_id_masked(self, person: Person) -> str:
        return national_id_mask(national_id_decrypt(person.national_id_encrypted))


class PersonDetailSerializer(PersonSerializer):
    """One person. `national_id` is the clear number only for a clerk or above of the person's
    organisation (context `show_national_id`), null otherwise."""

    national_id = serializers.SerializerMethodField(
        help_text=_(
            "Số định danh cá nhân đầy đủ: chỉ trả cho người có vai trò nhập liệu trở lên tại "
            "tổ chức quản lý hồ sơ; các trường hợp khác là null."
        )
    )

    class Meta(PersonSerializer.Meta):
        fields = [*PERSON_FIELDS, "national_id"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_national_id(self, person: Person) -> str | None:
        if not self.context.get("show_national_id"):
            return None
        return national_id_decrypt(person.national_id_encrypted)


class PersonFilterSerializer(ApiSerializer):
    search = serializers.CharField(
        required=False,
        allow_blank=True,  # an empty search is no filter
        max_length=100,
        help_text=_("Tìm theo họ tên, không phân biệt dấu: “nguyen van” tìm thấy “Nguyễn Văn”."),
    )


class PersonPatchSerializer(ApiSerializer):
    """A correction: only the fields sent change. `reason` is required (422 without it) when
    the names, the birth date or the national ID change; `version` is the one the client saw
    (409 when someone changed the person since)."""

    # Judged as sent (no trimming), against the pattern the schema publishes; stored NFC.
    family_name = serializers.CharField(
        max_length=60, required=False, trim_whitespace=False, validators=[PersonNameValidator()]
    )
    middle_name = serializers.CharField(
        max_length=80,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        validators=[PersonNameValidator()],
    )
    given_name = serializers.CharField(
        max_length=40, required=False, trim_whitespace=False, validators=[PersonNameValidator()]
    )
    birth_date = serializers.DateField(required=False)
    gender = serializers.ChoiceField(choices=Gender.choices, required=False)
    national_id = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        validators=[national_id_validator],
        help_text=_("Số định danh cá nhân (CCCD) mới, 12 chữ số; chuỗi rỗng để xóa số sai."),
    )
    ethnicity = serializers.ChoiceField(choices=ETHNICITIES, required=False)
    religion = serializers.ChoiceField(choices=Religion.choices, required=False)
    education = serializers.ChoiceField(choices=Education.choices, required=False)
    occupation = serializers.ChoiceField(choices=Occupation.choices, required=False)
    workplace = serializers.CharField(max_length=255, required=False, allow_blank=True)
    residence_locality = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text=_("Mã (id) thôn, tổ dân phố của xã, phường quản lý công dân; null để bỏ trống."),
    )
    target_groups = serializers.ListField(
        child=serializers.ChoiceField(choices=TargetGroup.choices), required=False
    )
    youth_union_member = serializers.BooleanField(required=False)
    trade_union_member = serializers.BooleanField(required=False)
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text=_("Lý do sửa: bắt buộc khi sửa họ, tên đệm, tên, ngày sinh hoặc số định danh."),
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2_147_483_647,
        help_text=_("Phiên bản thông tin công dân người dùng đã thấy (chống ghi đè)."),
    )
