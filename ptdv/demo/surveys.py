"""The yearly pool survey of the demo province: last year's round, closed (every response
accepted, a few of them returned once before), and this year's round past its due date (some
accepted, some waiting for the level above, some returned, some drafts still overdue).

The figures are read from the demo's data as the services read them; the assessments and
plans are what a unit would write, in proportion to its figures. Written in bulk (there is
no user to act as), like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from ptdv.demo.formatting import vn
from ptdv.organisations.models import Organisation
from ptdv.surveys.figures import compute_figures
from ptdv.surveys.models import (
    PoolQuality,
    ResponseStatus,
    RoundStatus,
    SurveyResponse,
    SurveyRound,
)
from ptdv.surveys.services import respondents
from ptdv.targets.measures import PriorityGroup

NOTES = {
    PoolQuality.GOOD: "Nguồn dồi dào, phần lớn là đoàn viên ưu tú đã qua thử thách.",
    PoolQuality.FAIR: "Nguồn tương đối ổn định nhưng chưa đều giữa các chi bộ.",
    PoolQuality.AVERAGE: "Nguồn còn mỏng, nhiều quần chúng chưa học lớp nhận thức về Đảng.",
    PoolQuality.WEAK: "Nguồn rất ít, một số thôn chưa có quần chúng ưu tú.",
}
REASONS = (
    "Thanh niên đi làm ăn xa, ít tham gia sinh hoạt ở địa phương.",
    "Công tác tạo nguồn chưa được cấp ủy quan tâm thường xuyên.",
    "Đoàn thanh niên hoạt động tốt, giới thiệu được nhiều đoàn viên ưu tú.",
    "Doanh nghiệp trên địa bàn chưa có tổ chức đảng.",
)
DIFFICULTIES = (
    "Khó khăn trong thẩm tra lý lịch người có thân nhân ở nước ngoài.",
    "Thiếu kinh phí mở lớp bồi dưỡng nhận thức về Đảng.",
    "Lớp bồi dưỡng tổ chức xa, người lao động khó bố trí thời gian.",
    "",
)
RETURNS = (
    "Đề nghị bổ sung kế hoạch kết nạp đối với đoàn viên thanh niên.",
    "Số liệu kế hoạch bồi dưỡng chưa khớp với số quần chúng trong nguồn.",
    "Cần nêu rõ nguyên nhân thôn chưa có đảng viên.",
)


def _part(rng: random.Random, figures: dict[str, int]) -> dict[str, Any]:
    candidates = figures.get("candidates", 0)
    quality = (
        PoolQuality.GOOD
        if candidates >= 8
        else PoolQuality.FAIR
        if candidates >= 4
        else PoolQuality.AVERAGE
        if candidates >= 1
        else PoolQuality.WEAK
    )
    train = max(1, candidates + rng.randint(0, 3) - figures.get("trained", 0))
    admit = max(1, round(figures.get("members", 0) * rng.uniform(0.03, 0.05)))
    admit = min(admit, max(1, candidates + 1))
    plan = {"train": train, "admit": admit}
    for group in PriorityGroup:
        share = {"women": 0.45, "youth": 0.6, "youth_union": 0.55}.get(group, 0.1)
        plan[f"train_{group}"] = min(train, round(train * share * rng.uniform(0.6, 1.2)))
        plan[f"admit_{group}"] = min(admit, round(admit * share * rng.uniform(0.4, 1.1)))
    return {
        "pool_quality": quality,
        "quality_note": NOTES[quality],
        "reasons": rng.choice(REASONS),
        "difficulties": rng.choice(DIFFICULTIES),
        "plan": plan,
    }


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@transaction.atomic
def surveys_demo_load(*, root: Organisation, today: dt.date, seed: int) -> str:
    rng = random.Random(f"{seed}-surveys")
    units = respondents(root)
    if not units:
        return "Khảo sát nguồn: không có tổ chức cơ sở đảng."
    figures = compute_figures(root, [u.pk for u in units], today)
    last_due = dt.date(today.year - 1, 11, 30)
    last = SurveyRound.objects.create(
        year=today.year - 1,
        organisation=root,
        title=f"Khảo sát nguồn phát triển đảng viên năm {today.year - 1}",
        due_date=last_due,
        reference_date=dt.date(today.year - 1, 10, 15),
        status=RoundStatus.CLOSED,
        closed_at=_at(dt.date(today.year - 1, 12, 20), 16),
    )
    opened = today - dt.timedelta(days=35)
    current = SurveyRound.objects.create(
        year=today.year,
        organisation=root,
        title=f"Khảo sát nguồn phát triển đảng viên năm {today.year}",
        due_date=today - dt.timedelta(days=5),
        reference_date=opened,
    )
    rows: list[SurveyResponse] = []
    returned_last = 0
    for unit in units:
        values = figures[unit.pk]
        submitted = last_due - dt.timedelta(days=rng.randint(0, 20))
        was_returned = rng.random() < 0.08
        returned_last += was_returned
        rows.append(
            SurveyResponse(
                survey_round=last,
                organisation=unit,
                status=ResponseStatus.ACCEPTED,
                figures=values,
                figures_on=last.reference_date,
                submitted_at=_at(submitted + dt.timedelta(days=5 * was_returned), 9),
                reviewed_at=_at(submitted + dt.timedelta(days=5 * was_returned + 3), 15),
                return_reason=rng.choice(RETURNS) if was_returned else "",
                returned_count=int(was_returned),
                **_part(rng, values),
            )
        )
        roll = rng.random()
        status = (
            ResponseStatus.ACCEPTED
            if roll < 0.35
            else ResponseStatus.SUBMITTED
            if roll < 0.6
            else ResponseStatus.RETURNED
            if roll < 0.68
            else ResponseStatus.DRAFT
        )
        part = _part(rng, values)
        if status == ResponseStatus.DRAFT and rng.random() < 0.5:
            part = {"plan": part["plan"]}  # started: the plan, not yet the assessment
        sent = opened + dt.timedelta(days=rng.randint(5, 30))
        rows.append(
            SurveyResponse(
                survey_round=current,
                organisation=unit,
                status=status,
                figures=values,
                figures_on=opened,
                submitted_at=_at(sent, 10) if status != ResponseStatus.DRAFT else None,
                reviewed_at=(
                    _at(sent + dt.timedelta(days=2), 14)
                    if status in (ResponseStatus.ACCEPTED, ResponseStatus.RETURNED)
                    else None
                ),
                return_reason=rng.choice(RETURNS) if status == ResponseStatus.RETURNED else "",
                returned_count=int(status == ResponseStatus.RETURNED),
                **part,
            )
        )
    SurveyResponse.objects.bulk_create(rows, batch_size=1000)
    states = {
        s: SurveyResponse.objects.filter(survey_round=current, status=s).count()
        for s in ResponseStatus.values
    }
    return (
        f"Khảo sát nguồn: {vn(len(units))} tổ chức cơ sở đảng; năm {today.year - 1} đã kết thúc "
        f"({vn(returned_last)} phiếu từng bị trả lại), năm {today.year} quá hạn với "
        f"{vn(states['accepted'])} phiếu đã chấp nhận, {vn(states['submitted'])} chờ xem xét, "
        f"{vn(states['returned'])} bị trả lại, {vn(states['draft'])} chưa gửi."
    )
