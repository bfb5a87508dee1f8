"""Inspections and supervisions of the demo province: a year of them on party-member
development — the province's committee inspecting some communes, each commune's committee
inspecting or supervising some of its grassroots organisations — with recommendations whose
follow-up is done (most of those already due), late or still running.

Written in bulk (there is no user to act as), like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random

from ptdv.demo.formatting import vn
from ptdv.demo.names import pick_name
from ptdv.inspections.models import (
    Inspection,
    InspectionKind,
    Recommendation,
    RecommendationStatus,
)
from ptdv.organisations.models import Kind, Organisation

SUBJECTS = {
    InspectionKind.INSPECTION: (
        "Kiểm tra việc thực hiện quy trình kết nạp đảng viên",
        "Kiểm tra công tác tạo nguồn, bồi dưỡng quần chúng ưu tú",
        "Kiểm tra việc thẩm tra lý lịch người vào Đảng",
    ),
    InspectionKind.SUPERVISION: (
        "Giám sát việc thực hiện chỉ tiêu kết nạp đảng viên",
        "Giám sát việc xét công nhận đảng viên chính thức đúng thời hạn",
        "Giám sát việc phân công đảng viên giúp đỡ quần chúng",
    ),
}
FINDINGS = (
    "Cơ bản thực hiện đúng quy trình; một số hồ sơ còn thiếu chữ ký, chậm bổ sung.",
    "Chưa xây dựng kế hoạch tạo nguồn cụ thể cho từng chi bộ; nguồn quần chúng còn mỏng.",
    "Thực hiện tốt việc bồi dưỡng, giới thiệu quần chúng; chỉ tiêu đạt khá.",
    "Việc xét công nhận đảng viên chính thức có trường hợp chậm so với thời hạn.",
)
RECOMMENDATIONS = (
    "Rà soát, bổ sung đầy đủ hồ sơ kết nạp còn thiếu.",
    "Xây dựng kế hoạch tạo nguồn, phân công đảng viên giúp đỡ từng quần chúng.",
    "Tổ chức lớp bồi dưỡng nhận thức về Đảng cho quần chúng ưu tú.",
    "Xét công nhận đảng viên chính thức cho các trường hợp đã đủ thời hạn dự bị.",
    "Báo cáo kết quả khắc phục về đoàn kiểm tra.",
)
RESULTS = (
    "Đã bổ sung đầy đủ, báo cáo đoàn kiểm tra.",
    "Đã ban hành kế hoạch và phân công đảng viên giúp đỡ.",
    "Đã mở lớp, 25 quần chúng tham dự.",
    "Đã xét, đề nghị công nhận chính thức.",
)
PROVINCE_SHARE = 0.25  # of the communes, inspected by the province in the year
COMMUNE_SHARE = 0.2  # of each commune's grassroots organisations
MAX_INSPECTIONS = 1500


def inspections_demo_load(*, root: Organisation, today: dt.date, seed: int) -> str:
    """Inspections of `root`'s subtree for the year up to `today`."""
    rng = random.Random(seed * 37 + 10)
    start = today - dt.timedelta(days=365)
    organisations = list(
        Organisation.objects.filter(
            path__startswith=root.path,
            valid_to__isnull=True,
            kind__in=(Kind.COMMUNE, Kind.BLOC, Kind.GRASSROOTS_COMMITTEE, Kind.GRASSROOTS_CELL),
        )
        .order_by("path")
        .only("pk", "path", "kind", "parent_id")
    )
    communes = [o for o in organisations if o.kind in (Kind.COMMUNE, Kind.BLOC)]
    # Every level inspects someone in the year: at least one commune, one unit per commune.
    pairs: list[tuple[int, int]] = [
        (root.pk, c.pk)
        for c in rng.sample(
            communes, max(1, int(len(communes) * PROVINCE_SHARE)) if communes else 0
        )
    ]
    below: dict[int, list[int]] = {c.pk: [] for c in communes}
    commune_of = {c.path: c.pk for c in communes}
    for organisation in organisations:
        if organisation.kind in (Kind.COMMUNE, Kind.BLOC):
            continue
        for path, pk in commune_of.items():
            if organisation.path.startswith(path):
                below[pk].append(organisation.pk)
                break
    for commune, units in below.items():
        if units:
            chosen = rng.sample(units, max(1, int(len(units) * COMMUNE_SHARE)))
            pairs.extend((commune, unit) for unit in chosen)
    rng.shuffle(pairs)
    inspections: list[Inspection] = []
    for body, inspected in pairs[:MAX_INSPECTIONS]:
        kind = rng.choice((InspectionKind.INSPECTION, InspectionKind.SUPERVISION))
        starts = start + dt.timedelta(days=rng.randint(0, 330))
        names = []
        for _ in range(rng.randint(2, 4)):
            family, middle, given = pick_name(
                rng, female=rng.random() < 0.4, birth_year=rng.randint(1968, 1990)
            )
            names.append(f"{family} {middle} {given}")
        inspections.append(
            Inspection(
                kind=kind,
                body_id=body,
                organisation_id=inspected,
                subject=rng.choice(SUBJECTS[kind]),
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=rng.randint(1, 5)),
                inspectors="\n".join(
                    [f"{names[0]} — Trưởng đoàn"] + [f"{n} — thành viên" for n in names[1:]]
                ),
                findings=rng.choice(FINDINGS),
            )
        )
    Inspection.objects.bulk_create(inspections, batch_size=1000)
    recommendations: list[Recommendation] = []
    for inspection in inspections:
        for text in rng.sample(RECOMMENDATIONS, rng.randint(1, 3)):
            due = inspection.ends_on + dt.timedelta(days=rng.choice((30, 45, 60, 90)))
            carried_out = due <= today + dt.timedelta(days=20) and rng.random() < 0.75
            done_on = min(due + dt.timedelta(days=rng.randint(-25, 10)), today)
            recommendations.append(
                Recommendation(
                    inspection=inspection,
                    text=text,
                    due_on=due,
                    status=RecommendationStatus.DONE if carried_out else RecommendationStatus.OPEN,
                    result=rng.choice(RESULTS) if carried_out else "",
                    done_on=max(done_on, inspection.ends_on) if carried_out else None,
                )
            )
    Recommendation.objects.bulk_create(recommendations, batch_size=2000)
    done = sum(1 for r in recommendations if r.status == RecommendationStatus.DONE)
    overdue = sum(
        1 for r in recommendations if r.status == RecommendationStatus.OPEN and r.due_on < today
    )
    return (
        f"Kiểm tra, giám sát: {vn(len(inspections))} cuộc, {vn(len(recommendations))} kiến nghị "
        f"({vn(done)} đã thực hiện, {vn(overdue)} quá hạn)."
    )
