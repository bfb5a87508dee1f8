"""Exemplars of the demo province: a year of gương điển hình recorded by the cells and
committees — young people of the pool who later became candidates (linked to their dossier,
recognised some months before it opened), and people outside PTĐV known only by name.

Written in bulk (there is no user to act as), like the rest of the demo.
"""

from __future__ import annotations

import datetime as dt
import random

from ptdv.candidacies.models import Candidacy
from ptdv.core.text import search_text
from ptdv.demo.formatting import vn
from ptdv.demo.names import pick_name
from ptdv.exemplars.models import Exemplar, ExemplarField
from ptdv.organisations.models import CELL_KINDS, Kind, Organisation

# (field, deed, description) — what a cell or committee writes down.
DEEDS: tuple[tuple[str, str, str], ...] = (
    (
        ExemplarField.PRODUCTION,
        "Xây dựng mô hình trang trại tổng hợp, tạo việc làm cho 15 lao động địa phương.",
        "Chủ trang trại",
    ),
    (
        ExemplarField.PRODUCTION,
        "Thanh niên khởi nghiệp với sản phẩm OCOP 3 sao, giúp nhiều hộ tiêu thụ nông sản.",
        "Chủ hợp tác xã",
    ),
    (
        ExemplarField.STUDY,
        "Tốt nghiệp thủ khoa đại học, trở về địa phương công tác.",
        "Viên chức trẻ",
    ),
    (
        ExemplarField.STUDY,
        "Đạt giải nhất học sinh giỏi cấp tỉnh, tích cực trong hoạt động Đoàn.",
        "Học sinh lớp 12",
    ),
    (
        ExemplarField.DEFENCE,
        "Hoàn thành xuất sắc nghĩa vụ quân sự, được tặng Giấy khen của Bộ Chỉ huy quân sự tỉnh.",
        "Quân nhân xuất ngũ",
    ),
    (
        ExemplarField.DEFENCE,
        "Dũng cảm tham gia bắt giữ đối tượng trộm cắp, giữ gìn an ninh thôn xóm.",
        "Thành viên tổ an ninh trật tự cơ sở",
    ),
    (
        ExemplarField.COMMUNITY,
        "Vận động bà con hiến đất làm đường liên thôn dài 2 km.",
        "Chi hội trưởng Chi hội Phụ nữ",
    ),
    (
        ExemplarField.COMMUNITY,
        "Tham gia cứu hộ, hỗ trợ người dân trong đợt mưa lũ.",
        "Đoàn viên thanh niên",
    ),
    (
        ExemplarField.SCIENCE,
        "Sáng kiến cải tiến kỹ thuật làm lợi cho doanh nghiệp hơn 500 triệu đồng mỗi năm.",
        "Kỹ sư",
    ),
    (
        ExemplarField.CULTURE,
        "Đạt Huy chương vàng Đại hội Thể dục thể thao tỉnh; duy trì câu lạc bộ văn nghệ thôn.",
        "Vận động viên",
    ),
    (
        ExemplarField.OTHER,
        "Nhặt được tài sản có giá trị, trả lại người đánh rơi.",
        "Công nhân",
    ),
)
EVIDENCE = (
    "Giấy khen của Ủy ban nhân dân xã",
    "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
    "Giấy khen của Ban Chấp hành Đoàn xã",
    "Bài viết trên báo tỉnh",
    "Quyết định công nhận sáng kiến",
    "",
)
MAX_LINKED = 300
FREE_PER_COMMUNE = 2


def exemplars_demo_load(*, root: Organisation, today: dt.date, seed: int) -> str:
    """Exemplars of `root`'s subtree for the year up to `today`."""
    rng = random.Random(seed * 31 + 14)
    start = today - dt.timedelta(days=365)
    rows: list[Exemplar] = []
    # Young people of the pool whose dossier opened in the year: recognised before it.
    dossiers = list(
        Candidacy.objects.filter(
            organisation__path__startswith=root.path,
            opened_on__gt=start + dt.timedelta(days=60),
            opened_on__lte=today,
        )
        .select_related("person")
        .order_by("pk")
        .only("pk", "opened_on", "organisation_id", "person")[: MAX_LINKED * 8]
    )
    for candidacy in rng.sample(dossiers, min(MAX_LINKED, len(dossiers) // 8)):
        field, deed, description = rng.choice(DEEDS)
        rows.append(
            _exemplar(
                organisation_id=candidacy.organisation_id,
                name=candidacy.person.full_name,
                description=description,
                field=field,
                deed=deed,
                recognised_on=candidacy.opened_on - dt.timedelta(days=rng.randint(30, 60)),
                evidence=rng.choice(EVIDENCE),
                person_id=candidacy.person_id,
                candidacy_id=candidacy.pk,
            )
        )
    # People outside PTĐV, recorded by the grassroots of each commune.
    grassroots = list(
        Organisation.objects.filter(
            path__startswith=root.path,
            valid_to__isnull=True,
            kind__in=(Kind.GRASSROOTS_COMMITTEE, *CELL_KINDS),
            depth__lte=root.depth + 3,
        )
        .order_by("path")
        .values_list("pk", flat=True)
    )
    communes = Organisation.objects.filter(
        path__startswith=root.path, kind__in=(Kind.COMMUNE, Kind.BLOC), valid_to__isnull=True
    ).count()
    for _ in range(min(len(grassroots), max(communes, 1) * FREE_PER_COMMUNE)):
        female = rng.random() < 0.45
        family, middle, given = pick_name(rng, female=female, birth_year=rng.randint(1985, 2006))
        field, deed, description = rng.choice(DEEDS)
        rows.append(
            _exemplar(
                organisation_id=rng.choice(grassroots),
                name=f"{family} {middle} {given}",
                description=description,
                field=field,
                deed=deed,
                recognised_on=start + dt.timedelta(days=rng.randint(0, 364)),
                evidence=rng.choice(EVIDENCE),
            )
        )
    Exemplar.objects.bulk_create(rows, batch_size=1000)
    linked = sum(1 for row in rows if row.candidacy_id)
    return (
        f"Gương điển hình: {vn(len(rows))} người, trong đó {vn(linked)} người đã trở thành "
        "quần chúng ưu tú."
    )


def _exemplar(**values: object) -> Exemplar:
    exemplar = Exemplar(**values)
    exemplar.search_text = search_text(exemplar.name, exemplar.description, exemplar.deed)
    return exemplar
