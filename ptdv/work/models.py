"""The scheduler's memory: one row per job and period run (a day, a month, a year), so that a
restarted scheduler — or a second one — never runs a job twice for the same period."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunState(models.TextChoices):
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class JobRun(models.Model):
    job = models.CharField(_("việc"), max_length=60)
    # The period the run counts for: "2026-12-06" (daily), "2026-12" (monthly), "2026" (yearly).
    period = models.CharField(_("kỳ"), max_length=10)
    run_for = models.DateField(_("ngày chạy"))
    manual = models.BooleanField(_("chạy tay"), default=False)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=RunState.choices, default=RunState.RUNNING
    )
    attempts = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField(_("bắt đầu"), default=timezone.now)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    message = models.TextField(_("kết quả"), blank=True)

    class Meta:
        verbose_name = _("lần chạy việc định kỳ")
        verbose_name_plural = _("lần chạy việc định kỳ")
        ordering = ["-started_at", "-pk"]
        constraints = [
            # One scheduled run per job and period (manual runs are extra and kept apart).
            models.UniqueConstraint(
                fields=["job", "period"], condition=Q(manual=False), name="work_jobrun_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"


class Heartbeat(models.Model):
    """The last sign of life of a long-running process ("worker", "scheduler"), written
    every HEARTBEAT_SECONDS while it runs; /healthz reads it (ptdv/work/heartbeat.py)."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()
    pid = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("tín hiệu hoạt động")
        verbose_name_plural = _("tín hiệu hoạt động")

    def __str__(self) -> str:
        return f"{self.name} {self.at:%d/%m/%Y %H:%M:%S}"
