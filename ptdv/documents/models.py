"""What the official forms need beyond the dossier: the applicant's relatives, the people who
sign for each organisation, the register of document numbers, and the signed scans attached
to a dossier."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ptdv.core.text import validate_person_name


class Relation(models.TextChoices):
    """The relatives whose history form 2-KNĐ declares and verification covers (HD 06 §3.4)."""

    FATHER = "father", _("Cha đẻ")
    MOTHER = "mother", _("Mẹ đẻ")
    FATHER_IN_LAW = "father_in_law", _("Cha vợ (chồng)")
    MOTHER_IN_LAW = "mother_in_law", _("Mẹ vợ (chồng)")
    GUARDIAN = "guardian", _("Người nuôi dưỡng")
    SPOUSE = "spouse", _("Vợ (chồng)")
    CHILD = "child", _("Con")


# The order in which form 2-KNĐ lists relatives.
RELATION_ORDER = {relation.value: index for index, relation in enumerate(Relation)}


class Relative(models.Model):
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="relatives",
        verbose_name=_("người khai"),
    )
    relation = models.CharField(_("quan hệ"), max_length=20, choices=Relation.choices)
    full_name = models.CharField(_("họ và tên"), max_length=150, validators=[validate_person_name])
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    occupation = models.CharField(_("nghề nghiệp"), max_length=255, blank=True)
    residence = models.CharField(_("nơi ở hiện nay"), max_length=255, blank=True)
    political_history = models.TextField(
        _("lịch sử chính trị"),
        blank=True,
        help_text=_("Quá trình hoạt động, thái độ chính trị qua các thời kỳ."),
    )
    party_member = models.BooleanField(_("là đảng viên"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("người thân")
        verbose_name_plural = _("người thân")
        ordering = ["person_id", "id"]
        indexes = [models.Index(fields=["person", "relation"], name="relative_person_relation")]

    def __str__(self) -> str:
        return f"{self.get_relation_display()}: {self.full_name}"


class SignerCapacity(models.TextChoices):
    """How the signer signs (Hướng dẫn 36-HD/VPTW): on behalf of the collective (T/M), for
    its head as a deputy (K/T), or in their own name."""

    ON_BEHALF = "tm", _("Thay mặt (T/M)")
    DEPUTY = "kt", _("Ký thay (K/T)")
    PERSONAL = "personal", _("Ký tên cá nhân")


class Signer(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="signers",
        verbose_name=_("tổ chức đảng"),
    )
    name = models.CharField(_("họ và tên"), max_length=150)
    title = models.CharField(_("chức vụ"), max_length=100, help_text=_("Ví dụ: BÍ THƯ."))
    capacity = models.CharField(
        _("thẩm quyền ký"),
        max_length=10,
        choices=SignerCapacity.choices,
        default=SignerCapacity.ON_BEHALF,
    )
    collective = models.CharField(
        _("tập thể được thay mặt"),
        max_length=100,
        blank=True,
        help_text=_("Ví dụ: BAN THƯỜNG VỤ, ĐẢNG ỦY, CHI BỘ. Để trống: theo loại tổ chức."),
    )
    principal_title = models.CharField(
        _("chức vụ người được ký thay"),
        max_length=100,
        blank=True,
        default="BÍ THƯ",
        help_text=_("Khi ký thay (K/T): chức vụ của người đứng đầu, ví dụ BÍ THƯ."),
    )
    is_default = models.BooleanField(_("người ký mặc định"), default=False)
    active = models.BooleanField(_("còn hiệu lực"), default=True)

    class Meta:
        verbose_name = _("người ký văn bản")
        verbose_name_plural = _("người ký văn bản")
        ordering = ["organisation_id", "-is_default", "name"]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"


class DocumentCounter(models.Model):
    """The last number handed out by an issuing body in a year: one row, locked while the
    next number is taken, so numbers never repeat and never skip."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm số văn bản")
        verbose_name_plural = _("bộ đếm số văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="documents_counter_org_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last_number}"


class DocumentKind(models.TextChoices):
    """Kinds of party document and their symbol (Hướng dẫn 36-HD/VPTW, appendix)."""

    DECISION = "QĐ", _("Quyết định")
    RESOLUTION = "NQ", _("Nghị quyết")
    REPORT = "BC", _("Báo cáo")
    CERTIFICATE = "GCN", _("Giấy chứng nhận")
    SUBMISSION = "TTr", _("Tờ trình")
    OFFICIAL_LETTER = "CV", _("Công văn")


class DocumentNumber(models.Model):
    """The register of document numbers: one row per number issued."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="document_numbers",
        verbose_name=_("cơ quan ban hành"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    kind = models.CharField(_("loại văn bản"), max_length=5, choices=DocumentKind.choices)
    symbol = models.CharField(_("số, ký hiệu"), max_length=60)
    issued_on = models.DateField(_("ngày văn bản"))
    candidacy = models.ForeignKey(
        "candidacies.Candidacy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="document_numbers",
    )
    slug = models.CharField(_("biểu mẫu"), max_length=30, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("số văn bản")
        verbose_name_plural = _("sổ đăng ký số văn bản")
        ordering = ["organisation_id", "year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "number"], name="documents_number_unique"
            ),
            models.UniqueConstraint(
                fields=["candidacy", "slug"],
                condition=models.Q(candidacy__isnull=False) & ~models.Q(slug=""),
                name="documents_number_one_per_form",
            ),
        ]

    def __str__(self) -> str:
        return self.symbol


class AttachmentType(models.TextChoices):
    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"


class Attachment(models.Model):
    """A signed scan kept outside the static and media files; read only through the
    download view, which applies the candidacy policy and writes the audit trail."""

    candidacy = models.ForeignKey(
        "candidacies.Candidacy",
        on_delete=models.PROTECT,
        related_name="attachments",
        verbose_name=_("hồ sơ"),
    )
    event = models.ForeignKey(
        "candidacies.CandidacyEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("bước hồ sơ"),
    )
    title = models.CharField(_("tên văn bản"), max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=40, choices=AttachmentType.choices)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=255, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["candidacy_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title
