"""The priority groups a sub-target can be set for, and the tally columns counting each
(the breakdown itself, ptdv.candidacies.measures, lives with the tallies)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PriorityGroup(models.TextChoices):
    """Groups a sub-target can be set for (directive task 3)."""

    WOMEN = "women", _("Nữ")
    YOUTH = "youth", _("Thanh niên (18–30 tuổi)")
    ETHNIC_MINORITY = "ethnic_minority", _("Người dân tộc thiểu số")
    RELIGIOUS = "religious", _("Người có đạo")
    NON_STATE_ENTERPRISE = "non_state_enterprise", _("Người lao động doanh nghiệp ngoài nhà nước")
    WORKER = "worker", _("Công nhân, người lao động")
    PUPIL_STUDENT = "pupil_student", _("Học sinh, sinh viên")
    YOUTH_UNION = "youth_union", _("Đoàn viên")


# Which tally columns count the admissions of each priority group.
GROUP_COLUMNS: dict[str, tuple[str, ...]] = {
    PriorityGroup.WOMEN: ("women",),
    PriorityGroup.YOUTH: ("age_18_30",),
    PriorityGroup.ETHNIC_MINORITY: ("ethnic_minority",),
    PriorityGroup.RELIGIOUS: ("religious",),
    PriorityGroup.NON_STATE_ENTERPRISE: ("ent_private", "ent_foreign"),
    PriorityGroup.WORKER: ("occ_worker",),
    PriorityGroup.PUPIL_STUDENT: ("occ_pupil_student",),
    PriorityGroup.YOUTH_UNION: ("youth_union",),
}


def group_admitted(group: str, values: dict[str, int]) -> int:
    return sum(values.get(column, 0) for column in GROUP_COLUMNS[group])
