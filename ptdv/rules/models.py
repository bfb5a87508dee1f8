"""What administrators store for the rule engine: working-calendar adjustments.

The rule sets themselves are versioned data in `ptdv.rules.engine.rulesets`, shown read-only
with their sources; a calendar adjustment (an extra day off, a make-up working Saturday the
government declares late) is stored here and loaded by the CLI and the services alike.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarAdjustment(models.Model):
    date = models.DateField(_("ngày"), unique=True)
    is_working_day = models.BooleanField(
        _("là ngày làm việc"),
        help_text=_("Bật: ngày làm việc bù; tắt: ngày nghỉ thêm."),
    )
    note = models.CharField(_("căn cứ"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")
        ordering = ["date"]

    def __str__(self) -> str:
        kind = _("làm việc") if self.is_working_day else _("nghỉ")
        return f"{self.date:%d/%m/%Y} ({kind})"
