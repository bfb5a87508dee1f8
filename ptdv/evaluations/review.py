"""The evaluation's figures for the interim and final review report (directive task 8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count

from ptdv.core.policies import Actor
from ptdv.core.review import ReviewFigure
from ptdv.evaluations.formula import peer_group_label
from ptdv.evaluations.models import Grade
from ptdv.evaluations.policies import evaluation_policy


def evaluation_review_figures(
    actor: Actor, organisation: Any, start: dt.date, end: dt.date
) -> list[ReviewFigure]:
    """The latest evaluated year of the period: how many organisations of the subtree were
    evaluated, how many in each grade, and the organisation's own score, grade and rank."""
    rows = evaluation_policy.visible_to(actor).filter(
        organisation__path__startswith=organisation.path,
        year__gte=start.year,
        year__lte=end.year,
    )
    year = rows.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        return [ReviewFigure("Chưa có kết quả đánh giá, xếp loại trong kỳ", "—")]
    of_year = rows.filter(year=year)
    counts = dict(of_year.order_by().values_list("grade").annotate(n=Count("id")))
    figures = [
        ReviewFigure("Năm đánh giá gần nhất trong kỳ", year),
        ReviewFigure("Số tổ chức đảng được đánh giá", sum(counts.values()), "tổ chức"),
    ]
    for grade in Grade:
        figures.append(
            ReviewFigure(f"Xếp loại “{grade.label}”", counts.get(grade.value, 0), "tổ chức")
        )
    own = of_year.filter(organisation=organisation).first()
    if own is not None and own.score is not None:
        figures.append(ReviewFigure("Điểm của đơn vị", float(own.score), "điểm"))
        figures.append(ReviewFigure("Xếp loại của đơn vị", own.get_grade_display()))
        figures.append(
            ReviewFigure(
                f"Thứ hạng trong nhóm {peer_group_label(own.peer_group)}",
                f"{own.rank}/{own.peer_count}",
            )
        )
    return figures
