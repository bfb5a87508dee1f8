"""Models of gương điển hình (issue 14 §5, directive task 9).

An exemplar is someone whose deed an organisation records to spread it: a person of
PTĐV (`person`, a member or not) or someone outside it named only by `name`. The exemplar
lies in `organisation`'s subtree (its viewers see it, its clerks record and change it). An
exemplar who later became a candidate is linked to that dossier (`candidacy`), shown on both
pages. Evidence is text and, optionally, one scanned file kept in the private storage (read
only through the download view, audited). Changes go through ptdv.exemplars.services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExemplarField(models.TextChoices):
    PRODUCTION = "production", _("Lao động, sản xuất, kinh doanh")
    STUDY = "study", _("Học tập")
    DEFENCE = "defence", _("Quốc phòng, an ninh")
    COMMUNITY = "community", _("Hoạt động cộng đồng, xã hội")
    SCIENCE = "science", _("Khoa học, công nghệ")
    CULTURE = "culture", _("Văn hóa, thể thao")
    OTHER = "other", _("Lĩnh vực khác")


class Exemplar(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="exemplars",
        verbose_name=_("tổ chức"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exemplars",
        verbose_name=_("người trong hệ thống"),
    )
    # The person's full name (copied from `person`, or typed for someone outside PTĐV).
    name = models.CharField(_("họ và tên"), max_length=150)
    description = models.CharField(_("chức vụ, nơi làm việc"), max_length=255, blank=True)
    field = models.CharField(_("lĩnh vực"), max_length=20, choices=ExemplarField.choices)
    deed = models.TextField(_("thành tích, việc làm tiêu biểu"))
    recognised_on = models.DateField(_("ngày ghi nhận"))
    evidence = models.TextField(_("minh chứng"), blank=True)
    evidence_name = models.CharField(_("tên tệp minh chứng"), max_length=255, blank=True)
    evidence_type = models.CharField(max_length=40, blank=True, editable=False)
    evidence_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    evidence_storage = models.CharField(max_length=255, blank=True, editable=False)
    candidacy = models.ForeignKey(
        "candidacies.Candidacy",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exemplars",
        verbose_name=_("hồ sơ quần chúng"),
    )
    # Folded tokens of the name, the deed and the description (ptdv.core.text.search_text).
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gương điển hình")
        verbose_name_plural = _("gương điển hình")
        ordering = ["-recognised_on", "-pk"]
        indexes = [models.Index(fields=["recognised_on"], name="exemplar_recognised")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_field_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("exemplars:detail", args=[self.pk])

    @property
    def has_evidence_file(self) -> bool:
        return bool(self.evidence_storage)
