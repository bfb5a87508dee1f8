"""Requests between organisations: a background verification, an opinion, a dossier transfer.

A request is sent about one dossier by the organisation that keeps it (the sender) to an
organisation of the tree (the addressee, whose clerks answer it in their inbox) or to a body
outside the tree (named by its name and address: the letter is printed and the sender records
the reply). The addressee never reads the dossier: the request carries a copy of the few facts
it needs (`subject_*`, taken when it is sent). Its status changes only through the services
(ptdv.correspondence.services), each locking the row and writing the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    VERIFICATION = "verification", _("Thẩm tra lý lịch")
    RESIDENCE_OPINION = "residence_opinion", _("Ý kiến của chi ủy nơi cư trú")
    MASS_OPINION = "mass_opinion", _("Ý kiến của đoàn thể")
    TRANSFER = "transfer", _("Chuyển hồ sơ")


class VerificationPlace(models.TextChoices):
    """Where a background verification is asked (HD 06 §3.4): the committee of the candidate's
    home town, of their residence or of their workplace."""

    HOME_TOWN = "home_town", _("Nơi sinh, quê quán")
    RESIDENCE = "residence", _("Nơi cư trú")
    WORKPLACE = "workplace", _("Nơi làm việc, học tập")


class RequestStatus(models.TextChoices):
    SENT = "sent", _("Đã gửi")
    RECEIVED = "received", _("Đã tiếp nhận")
    ANSWERED = "answered", _("Đã trả lời")
    OVERDUE = "overdue", _("Quá hạn")
    CANCELLED = "cancelled", _("Đã hủy")
    ACCEPTED = "accepted", _("Đã tiếp nhận hồ sơ")
    REFUSED = "refused", _("Từ chối tiếp nhận")


# Waiting for the addressee: what the inbox lists and what can become overdue.
OPEN_STATUSES = (RequestStatus.SENT, RequestStatus.RECEIVED, RequestStatus.OVERDUE)


class Conclusion(models.TextChoices):
    FAVOURABLE = "favourable", _("Đủ điều kiện, đồng ý")
    UNFAVOURABLE = "unfavourable", _("Có vấn đề cần làm rõ, không đồng ý")


class OrganisationRequest(models.Model):
    kind = models.CharField(_("loại yêu cầu"), max_length=20, choices=RequestKind.choices)
    place = models.CharField(
        _("nơi thẩm tra"), max_length=20, choices=VerificationPlace.choices, blank=True
    )
    candidacy = models.ForeignKey(
        "candidacies.Candidacy",
        on_delete=models.PROTECT,
        related_name="organisation_requests",
        verbose_name=_("hồ sơ"),
    )
    sender = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="requests_sent",
        verbose_name=_("tổ chức gửi"),
    )
    # Inside the tree: an organisation whose clerks answer. Outside: its name and address.
    addressee = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests_received",
        verbose_name=_("tổ chức nhận"),
    )
    addressee_name = models.CharField(_("nơi nhận (ngoài hệ thống)"), max_length=255, blank=True)
    addressee_address = models.CharField(_("địa chỉ nơi nhận"), max_length=255, blank=True)
    # What the addressee may read of the person (data minimisation), copied when sent.
    subject_name = models.CharField(_("họ và tên"), max_length=150)
    subject_birth_date = models.DateField(_("ngày sinh"))
    subject_home_town = models.CharField(_("quê quán"), max_length=255, blank=True)
    subject_residence = models.CharField(_("nơi cư trú"), max_length=255, blank=True)
    subject_father = models.CharField(_("họ tên cha"), max_length=150, blank=True)
    subject_mother = models.CharField(_("họ tên mẹ"), max_length=150, blank=True)
    questions = models.TextField(_("nội dung đề nghị"))
    sent_on = models.DateField(_("ngày gửi"))
    due_on = models.DateField(_("hạn trả lời"))
    status = models.CharField(
        _("tình trạng"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.SENT,
        editable=False,
    )
    number = models.ForeignKey(
        "documents.DocumentNumber",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("số công văn"),
    )
    received_on = models.DateField(_("ngày tiếp nhận"), null=True, blank=True)
    answered_on = models.DateField(_("ngày trả lời"), null=True, blank=True)
    reply_text = models.TextField(_("nội dung trả lời"), blank=True)
    conclusion = models.CharField(
        _("kết luận"), max_length=20, choices=Conclusion.choices, blank=True
    )
    reply_number = models.CharField(_("số văn bản trả lời"), max_length=60, blank=True)
    reply_signer = models.CharField(_("người ký văn bản trả lời"), max_length=150, blank=True)
    reply_attachment = models.ForeignKey(
        "documents.Attachment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bản chụp văn bản trả lời"),
    )
    # The dossier step the reply recorded (record_verification, record_opinions, transfer).
    recorded_event = models.ForeignKey(
        "candidacies.CandidacyEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    overdue_on = models.DateField(_("ngày quá hạn"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests_escalated",
        verbose_name=_("chuyển cấp trên"),
    )
    # A transfer: the cell of the receiving side that continues the dossier.
    transfer_target = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chi bộ tiếp nhận"),
    )
    decided_on = models.DateField(_("ngày tiếp nhận, từ chối"), null=True, blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    cancelled_on = models.DateField(_("ngày hủy"), null=True, blank=True)
    cancel_reason = models.CharField(_("lý do hủy"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("yêu cầu giữa các tổ chức")
        verbose_name_plural = _("yêu cầu giữa các tổ chức")
        ordering = ["-sent_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="request_status_due"),
            models.Index(fields=["candidacy", "kind"], name="request_candidacy_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(addressee__isnull=False) | ~models.Q(addressee_name=""),
                name="request_has_addressee",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("correspondence:detail", args=[self.pk])

    @property
    def is_external(self) -> bool:
        return self.addressee_id is None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def addressee_label(self) -> str:
        return self.addressee.name if self.addressee is not None else self.addressee_name

    @property
    def object_key(self) -> str:
        return f"request:{self.pk}"
