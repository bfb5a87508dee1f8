"""The interim and final review report of the directive (sơ kết / tổng kết, issue 14 §6).

One editable DOCX in the party's document layout (Hướng dẫn 36-HD/VPTW, the same
`OfficialDocument` and writer as the forms of `ptdv.documents`): the letterhead of the
issuing committee, the directive's indicators for the period (the indicator report's figures,
`indicators_for_period`), then each of the directive's ten tasks with the figures every app
registered for it (`ptdv.core.review`), and the sections the clerk writes (the assessment,
the causes, the lessons, the way ahead) as dotted lines to fill.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ptdv.core.policies import Actor
from ptdv.core.review import ReviewFigure, review_sources
from ptdv.documents.layout import Block, OfficialDocument, Para, Run, Signature, Table, p
from ptdv.organisations.models import Organisation
from ptdv.reports.builders import indicators_for_period, letterhead
from ptdv.reports.periods import Period
from ptdv.reports.ranges import admissions_between
from ptdv.targets.models import Term
from ptdv.targets.selectors import floor_rate, members_at_start, ratio, term_list

ReviewKind = Literal["interim", "final"]
KINDS: dict[str, str] = {"interim": "Sơ kết", "final": "Tổng kết"}

DIRECTIVE = (
    "Chỉ thị của Ban Thường vụ Tỉnh ủy về đẩy mạnh công tác phát triển đảng viên "
    "trong tình hình mới"
)
# The directive's ten tasks and solutions, in its order (short titles of each point).
TASKS: dict[int, str] = {
    1: "Tuyên truyền, giáo dục nâng cao nhận thức về Đảng, động cơ phấn đấu vào Đảng",
    2: "Thực hiện chỉ tiêu kết nạp đảng viên (Chương trình hành động số 18-CTr/TU, "
    "Nghị quyết số 21-NQ/TW), phấn đấu tỷ lệ kết nạp hằng năm tối thiểu 3% tổng số đảng viên",
    3: "Nâng cao trách nhiệm của cấp ủy, người đứng đầu; bồi dưỡng, kết nạp ở nơi khó khăn "
    "và các đối tượng trọng tâm",
    4: "Khảo sát, đánh giá nguồn quần chúng hằng năm; giao chỉ tiêu, trách nhiệm cụ thể",
    5: "Đổi mới hoạt động của các đoàn thể; phong trào thi đua, diễn đàn, hội, nhóm, câu lạc bộ",
    6: "Phối hợp xác minh lý lịch; bồi dưỡng nhận thức về Đảng, kết nạp quần chúng ưu tú "
    "chuyển về địa phương",
    7: "Cải thiện môi trường đầu tư, thu hút lao động, tạo nguồn quần chúng; "
    "chất lượng đảng viên mới",
    8: "Đánh giá, xếp loại hằng năm; biểu dương, khen thưởng; chấn chỉnh, uốn nắn",
    9: "Phát hiện, nhân rộng điển hình; nắm bắt, tháo gỡ khó khăn, vướng mắc",
    10: "Theo dõi, kiểm tra, giám sát, sơ kết, tổng kết việc thực hiện Chỉ thị",
}
FILL = "…" * 60  # a dotted line the clerk writes over
_FILL_LINES = 3


@dataclass
class TaskFigures:
    number: int
    title: str
    figures: list[ReviewFigure]


def review_task_figures(
    *, actor: Actor, organisation: Organisation, period: Period
) -> list[TaskFigures]:
    """Each task with the figures of every source registered for it, in registration order."""
    sources = review_sources()
    return [
        TaskFigures(
            number,
            title,
            [
                figure
                for _name, source in sources.get(number, [])
                for figure in source(actor, organisation, period.start, period.end)
            ],
        )
        for number, title in TASKS.items()
    ]


def _num(value: int | float | str | None, digits: int = 0) -> str:
    """Vietnamese number: 1.234 / 12,5."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else _num(value * 100, digits) + "%"


def _figure_value(figure: ReviewFigure) -> str:
    value = figure.value
    if isinstance(value, float) and figure.unit == "%":
        text = _num(value, 2)
    elif isinstance(value, float):
        text = _num(value, 1)
    else:
        text = _num(value)
    return f"{text} {figure.unit}".strip() if figure.unit != "%" else text + "%"


def _fill(lines: int = _FILL_LINES) -> list[Block]:
    return [Para([Run(FILL)], align="left", indent=False) for _ in range(lines)]


def _heading(text: str) -> Para:
    return p(text, bold=True, align="left", indent=False, space_before=6)


def _indicator_rows(
    *, actor: Actor, organisation: Organisation, period: Period
) -> tuple[list[list[str]], Term | None]:
    """The indicator report's figures for the period; the term's shares when the
    organisation has a term covering the period's year."""
    admitted = admissions_between(organisation, period.start, period.end)["admitted"]
    members, estimated = members_at_start(organisation, period.year)
    rate = floor_rate()
    rows = [
        ["Số đảng viên kết nạp trong kỳ", _num(admitted)],
        [
            f"Số đảng viên đầu năm {period.year}" + (" (số hiện có)" if estimated else ""),
            _num(members),
        ],
        ["Tỷ lệ kết nạp so với số đảng viên đầu năm", _pct(ratio(admitted, members), 2)],
        ["Tỷ lệ kết nạp tối thiểu mỗi năm theo Chỉ thị", _pct(rate, 0)],
    ]
    term = (
        term_list(actor=actor, organisation=organisation)
        .filter(start_year__lte=period.year, end_year__gte=period.year)
        .first()
    )
    if term is not None:
        indicators = indicators_for_period(organisation=organisation, term=term, period=period)
        rows += [
            [
                "Bình quân kết nạp mỗi năm (theo độ dài của kỳ)",
                _num(indicators.average_per_year, 1),
            ],
            [
                f"Chỉ tiêu Nghị quyết Đại hội nhiệm kỳ {term.name} (cả nhiệm kỳ)",
                _num(indicators.congress_target),
            ],
            ["Đạt so với chỉ tiêu Đại hội (cả nhiệm kỳ)", _pct(indicators.congress_share)],
            [
                "Đạt so với chỉ tiêu Đại hội tương ứng với độ dài của kỳ",
                _pct(indicators.congress_pro_rata),
            ],
        ]
        for programme in indicators.programmes:
            rows += [
                [f"Chỉ tiêu {programme['name']} (cả nhiệm kỳ)", _num(programme["number"])],
                [
                    f"Đạt so với {programme['name']} tương ứng với độ dài của kỳ",
                    _pct(programme["pro_rata"]),
                ],
            ]
    return rows, term


def _figures_table(figures: Iterable[ReviewFigure]) -> Table:
    return Table(
        header=["Nội dung", "Số liệu"],
        rows=[[figure.label, _figure_value(figure)] for figure in figures],
        widths=[4, 1.4],
    )


def review_document(
    *,
    actor: Actor,
    organisation: Organisation,
    period: Period,
    kind: ReviewKind,
    today: dt.date,
) -> OfficialDocument:
    """The report as an `OfficialDocument`; `organisation` was fetched through the policy."""
    head = letterhead(organisation, today)
    word = KINDS[kind]
    period_text = period.label[0].lower() + period.label[1:]
    indicator_rows, term = _indicator_rows(actor=actor, organisation=organisation, period=period)
    body: list[Block] = [
        p(
            f"Thực hiện {DIRECTIVE}, {organisation.name} báo cáo "
            f"{word.lower()} việc thực hiện Chỉ thị {period_text} (từ ngày "
            f"{period.start:%d/%m/%Y} đến ngày {period.end:%d/%m/%Y}) như sau:"
        ),
        _heading("I. ĐẶC ĐIỂM, TÌNH HÌNH"),
        *_fill(),
        _heading("II. KẾT QUẢ THỰC HIỆN CHỈ THỊ"),
        _heading("1. Công tác lãnh đạo, chỉ đạo, quán triệt, triển khai thực hiện Chỉ thị"),
        *_fill(),
        _heading("2. Kết quả thực hiện các chỉ tiêu của Chỉ thị"),
        Table(header=["Chỉ tiêu", "Kết quả"], rows=indicator_rows, widths=[4, 1.4]),
    ]
    if term is None:
        body.append(
            p(
                "(Tổ chức chưa khai báo nhiệm kỳ có năm của kỳ báo cáo nên chưa so sánh được "
                "với chỉ tiêu Nghị quyết Đại hội.)",
                italic=True,
            )
        )
    body.append(_heading("3. Kết quả thực hiện các nhiệm vụ, giải pháp"))
    for task in review_task_figures(actor=actor, organisation=organisation, period=period):
        body.append(_heading(f"3.{task.number}. {task.title}"))
        if task.figures:
            body.append(_figures_table(task.figures))
        body += _fill(2)
    body += [
        _heading("III. ĐÁNH GIÁ CHUNG"),
        _heading("1. Ưu điểm"),
        *_fill(),
        _heading("2. Hạn chế, khuyết điểm"),
        *_fill(),
        _heading("3. Nguyên nhân của hạn chế, khuyết điểm"),
        *_fill(),
        _heading("4. Bài học kinh nghiệm"),
        *_fill(),
        _heading(
            "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ, GIẢI PHÁP THỜI GIAN TỚI"
            if kind == "interim"
            else "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ, GIẢI PHÁP TIẾP TỤC THỰC HIỆN"
        ),
        *_fill(),
        _heading("V. ĐỀ XUẤT, KIẾN NGHỊ"),
        *_fill(),
    ]
    return OfficialDocument(
        slug=f"review-{kind}",
        form_code="",
        title="BÁO CÁO",
        subtitle=f"{word} thực hiện Chỉ thị về đẩy mạnh công tác phát triển đảng viên "
        f"trong tình hình mới, {period_text}",
        superior=head.superior,
        issuer=head.issuer,
        number=head.number,
        place_date=head.date_line,
        body=body,
        signatures=[Signature(lines=[f"T/M {head.issuer}"], note="(Ký, ghi rõ họ tên)")],
        recipients=["- Như trên,", "- Lưu."],
        filename=f"bao-cao-{'so-ket' if kind == 'interim' else 'tong-ket'}-{organisation.code}-"
        f"{period.slug}",
    )
