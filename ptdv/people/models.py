"""A person (công dân) is distinct from any candidacy or membership they have."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ptdv.core.text import validate_person_name
from ptdv.people.choices import (
    ETHNICITIES,
    KINH,
    Education,
    EnterpriseType,
    Gender,
    Occupation,
    Religion,
)


def full_name(family_name: str, middle_name: str, given_name: str) -> str:
    """A person's name as written: family, middle and given names (`Person.full_name`), for
    a page that reads the three columns rather than the person's row."""
    return " ".join(p for p in (family_name, middle_name, given_name) if p)


national_id_validator = RegexValidator(
    r"^[0-9]{12}$", _("Số định danh cá nhân (CCCD) phải gồm đúng 12 chữ số.")
)


class Person(models.Model):
    family_name = models.CharField(_("họ"), max_length=60, validators=[validate_person_name])
    middle_name = models.CharField(
        _("tên đệm"), max_length=80, blank=True, validators=[validate_person_name]
    )
    given_name = models.CharField(_("tên"), max_length=40, validators=[validate_person_name])
    search_text = models.CharField(max_length=255, editable=False, db_index=False)
    sort_key = models.CharField(max_length=400, editable=False)
    birth_date = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices)
    ethnicity = models.CharField(_("dân tộc"), max_length=10, choices=ETHNICITIES, default=KINH)
    religion = models.CharField(
        _("tôn giáo"), max_length=20, choices=Religion.choices, default=Religion.NONE
    )
    education = models.CharField(
        _("trình độ học vấn"),
        max_length=20,
        choices=Education.choices,
        default=Education.UPPER_SECONDARY,
    )
    occupation = models.CharField(
        _("nghề nghiệp"), max_length=30, choices=Occupation.choices, default=Occupation.OTHER
    )
    enterprise_type = models.CharField(
        _("loại hình doanh nghiệp"),
        max_length=10,
        choices=EnterpriseType.choices,
        default=EnterpriseType.NONE,
        blank=True,
    )
    workplace = models.CharField(_("nơi làm việc, học tập"), max_length=255, blank=True)
    residence_locality = models.ForeignKey(
        "organisations.Locality",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("thôn, tổ dân phố cư trú"),
    )
    target_groups = models.JSONField(_("đối tượng ưu tiên"), default=list, blank=True)
    roles = models.JSONField(_("vai trò ở địa phương"), default=list, blank=True)
    youth_union_member = models.BooleanField(_("đoàn viên"), default=False)
    trade_union_member = models.BooleanField(_("đoàn viên công đoàn"), default=False)
    national_id_encrypted = models.TextField(editable=False, blank=True)
    # NULL (not "") for people without a number, so the unique index ignores them.
    national_id_hash = models.CharField(  # noqa: DJ001
        max_length=64, editable=False, null=True, unique=True
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="people",
        verbose_name=_("tổ chức quản lý"),
        help_text=_("Tổ chức đảng đang quản lý hồ sơ của người này; quyết định ai được xem."),
    )
    # Optimistic concurrency: a correction names the version it was made on (409 if stale).
    # db_default: the bulk writers (imports, the demo) insert rows without naming it.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("công dân")
        verbose_name_plural = _("công dân")
        indexes = [
            models.Index(fields=["sort_key"], name="person_sort_key"),
            models.Index(fields=["birth_date", "family_name"], name="person_birth_name"),
            # Exact folded-name lookups (duplicate checks of an import). The word search
            # (LIKE '% token%') has a trigram index on PostgreSQL: migration 0002.
            models.Index(fields=["search_text", "birth_date"], name="person_search_birth"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        from ptdv.core.links import object_url

        return object_url("people:detail", self.pk)

    @property
    def full_name(self) -> str:
        return full_name(self.family_name, self.middle_name, self.given_name)
