"""The review report's figures for the directive's tasks 2, 6 and 7 (`ptdv.core.review`),
from the data the monitoring already keeps: admissions (task 2), the awareness course and the
dossiers' verification (task 6), the pool and the quality of new members (task 7).

Registered in `ReportsConfig.ready`. Each source counts the subtree of `organisation` (already
resolved through the actor's scope by the caller) for the days `start..end`, in a fixed
number of grouped queries (`ptdv.reports.ranges`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ptdv.core.policies import Actor
from ptdv.core.review import ReviewFigure, register_review_source
from ptdv.courses.models import Course
from ptdv.reports.ranges import EARLY_EXIT_YEARS, admissions_between, period_figures
from ptdv.targets.models import Target
from ptdv.targets.selectors import floor_rate, members_at_start, ratio


def admissions_source(
    actor: Actor, organisation: Any, start: dt.date, end: dt.date
) -> list[ReviewFigure]:
    """Task 2: the admissions of the period against the members at start and the target."""
    tally = admissions_between(organisation, start, end)
    admitted = tally["admitted"]
    members, _estimated = members_at_start(organisation, end.year)
    target = (
        Target.objects.filter(organisation=organisation, year=end.year, group="")
        .values_list("number", flat=True)
        .first()
    )
    figures = [
        ReviewFigure("Số đảng viên kết nạp trong kỳ", admitted, "đảng viên"),
        ReviewFigure("Trong đó: nữ", tally["women"], "đảng viên"),
        ReviewFigure("Trong đó: đoàn viên", tally["youth_union"], "đảng viên"),
        ReviewFigure("Trong đó: người dân tộc thiểu số", tally["ethnic_minority"], "đảng viên"),
        ReviewFigure("Trong đó: người có đạo", tally["religious"], "đảng viên"),
        ReviewFigure("Trong đó: tuổi từ 18 đến 30", tally["age_18_30"], "đảng viên"),
    ]
    rate = ratio(admitted, members)
    if rate is not None:
        figures.append(
            ReviewFigure(
                f"Tỷ lệ kết nạp so với số đảng viên đầu năm {end.year} (tối thiểu "
                f"{floor_rate():.0%})",
                round(rate * 100, 2),
                "%",
            )
        )
    if target:
        figures.append(ReviewFigure(f"Chỉ tiêu kết nạp năm {end.year}", target, "đảng viên"))
    figures.append(
        ReviewFigure(
            "Số đảng viên dự bị được công nhận chính thức trong kỳ",
            period_figures(organisation, start, end).recognised,
            "đảng viên",
        )
    )
    return figures


def training_source(
    actor: Actor, organisation: Any, start: dt.date, end: dt.date
) -> list[ReviewFigure]:
    """Task 6: the awareness course and the verification of the dossiers."""
    figures = period_figures(organisation, start, end)
    courses = Course.objects.filter(
        organiser__path__startswith=organisation.path, ends_on__gte=start, ends_on__lte=end
    ).count()
    return [
        ReviewFigure("Số lớp bồi dưỡng kết thúc trong kỳ", courses, "lớp"),
        ReviewFigure(
            "Số quần chúng được cấp giấy chứng nhận bồi dưỡng nhận thức về Đảng",
            figures.certificates,
            "người",
        ),
        ReviewFigure("Số hồ sơ đã kết luận thẩm tra lý lịch", figures.verifications, "hồ sơ"),
        ReviewFigure(
            "Số hồ sơ quần chúng chuyển sang tổ chức đảng khác", figures.transferred, "hồ sơ"
        ),
    ]


def quality_source(
    actor: Actor, organisation: Any, start: dt.date, end: dt.date
) -> list[ReviewFigure]:
    """Task 7: the pool (new candidates, workers and people in non-state enterprises) and
    the quality of the new members (removed or expelled soon after admission)."""
    figures = period_figures(organisation, start, end)
    return [
        ReviewFigure("Số quần chúng mới đưa vào nguồn", figures.new_candidates, "người"),
        ReviewFigure(
            "Trong đó: công nhân, người lao động trong doanh nghiệp ngoài nhà nước",
            figures.new_candidates_workers,
            "người",
        ),
        ReviewFigure("Số đảng viên bị xóa tên, khai trừ trong kỳ", figures.removed, "đảng viên"),
        ReviewFigure(
            f"Trong đó: kết nạp chưa tròn {EARLY_EXIT_YEARS} năm",
            figures.removed_early,
            "đảng viên",
        ),
    ]


def register() -> None:
    register_review_source(2, "reports.admissions", admissions_source)
    register_review_source(6, "reports.training", training_source)
    register_review_source(7, "reports.quality", quality_source)
