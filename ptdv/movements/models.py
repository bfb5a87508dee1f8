"""Mass organisations and movements (issue 14 §2, §4; directive tasks 1, 4, 5).

A **mass organisation** (đoàn thể: the Youth Union, the Women's Union, the Farmers' Union,
the trade union, the Veterans' Association) is the branch that works beside one party
organisation of the tree (`organisation`: a commune's party committee, an enterprise's
grassroots committee…). It refers candidates to the party (the dossier's `referring_body`)
and is given a yearly target of candidates to refer.

A **movement** is anything where the pool can show itself: an emulation movement, a forum, a
club, a group — run by an organisation of the tree (`organiser`), often carried by a mass
organisation, sometimes in one village (`locality`), for a period. A dossier names the
movement its candidate came from (`movement`).

Both lie in the subtree of their organisation, so the ordinary ranked roles decide who sees
them (viewer) and who changes them (clerk).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class MassOrganisationKind(models.TextChoices):
    # The values are those of the dossier's generic source channels (candidacies
    # SourceChannel), so a referring body implies its channel.
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên Cộng sản Hồ Chí Minh")
    WOMENS_UNION = "womens_union", _("Hội Liên hiệp Phụ nữ")
    FARMERS_UNION = "farmers_union", _("Hội Nông dân")
    TRADE_UNION = "trade_union", _("Công đoàn")
    VETERANS_UNION = "veterans_union", _("Hội Cựu chiến binh")


class MovementKind(models.TextChoices):
    MOVEMENT = "movement", _("Phong trào thi đua")
    FORUM = "forum", _("Diễn đàn")
    CLUB = "club", _("Câu lạc bộ")
    GROUP = "group", _("Tổ, nhóm")


class MassOrganisation(models.Model):
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="mass_organisations",
        verbose_name=_("tổ chức đảng"),
    )
    kind = models.CharField(_("loại đoàn thể"), max_length=20, choices=MassOrganisationKind.choices)
    name = models.CharField(_("tên"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đoàn thể")
        verbose_name_plural = _("đoàn thể")
        ordering = ["organisation__path", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="mass_organisation_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("movements:mass_detail", args=[self.pk])


class MassOrganisationTarget(models.Model):
    """How many candidates the mass organisation is to refer to the party in `year`."""

    mass_organisation = models.ForeignKey(
        MassOrganisation,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("đoàn thể"),
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    referrals = models.PositiveIntegerField(_("số quần chúng giới thiệu"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu giới thiệu của đoàn thể")
        verbose_name_plural = _("chỉ tiêu giới thiệu của đoàn thể")
        ordering = ["mass_organisation", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["mass_organisation", "year"], name="mass_target_once_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mass_organisation} {self.year}: {self.referrals}"


class Movement(models.Model):
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=MovementKind.choices)
    organiser = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="movements",
        verbose_name=_("đơn vị tổ chức"),
    )
    mass_organisation = models.ForeignKey(
        MassOrganisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("đoàn thể phụ trách"),
    )
    locality = models.ForeignKey(
        "organisations.Locality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("thôn, tổ dân phố"),
    )
    starts_on = models.DateField(_("ngày bắt đầu"))
    ends_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phong trào, câu lạc bộ")
        verbose_name_plural = _("phong trào, câu lạc bộ")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="movement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("movements:detail", args=[self.pk])
