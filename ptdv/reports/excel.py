"""The reports as formatted workbooks (openpyxl): a title, styled headers, borders, number
formats, column widths and a frozen header row on every sheet."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ptdv.reports.builders import IndicatorsReport, ProgressReport

COUNT = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = "0.0%"
PERCENT2 = "0.00%"
TEXT = "@"

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="A50E0E")
_HEADER_FONT = Font(name="Times New Roman", bold=True, color="FFFFFF", size=12)
_BODY_FONT = Font(name="Times New Roman", size=12)
_TITLE_FONT = Font(name="Times New Roman", bold=True, size=14)
_SUBTITLE_FONT = Font(name="Times New Roman", italic=True, size=12)
HEADER_ROW = 4


def _sheet(
    workbook: Workbook,
    title: str,
    heading: str,
    subtitle: str,
    columns: Sequence[tuple[str, int, str]],
    rows: Sequence[Sequence[Any]],
    first: bool = False,
) -> Worksheet:
    """A sheet with a merged title and subtitle, a header row (HEADER_ROW) frozen, the rows
    with borders and each column's number format (columns: header, width, format)."""
    sheet: Worksheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    last = get_column_letter(len(columns))
    for row, text, font in ((1, heading, _TITLE_FONT), (2, subtitle, _SUBTITLE_FONT)):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[1].height = 24
    for index, (header, width, _fmt) in enumerate(columns, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[HEADER_ROW].height = 32
    for offset, values in enumerate(rows, start=1):
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=HEADER_ROW + offset, column=index, value=value)
            cell.font = _BODY_FONT
            cell.border = _BORDER
            fmt = columns[index - 1][2]
            if fmt != TEXT:
                cell.number_format = fmt
                cell.alignment = Alignment(horizontal="right")
            else:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    return sheet


def _value_row(label: str, value: Any, fmt: str) -> tuple[str, Any, str]:
    return label, value, fmt


def _summary_sheet(
    workbook: Workbook, heading: str, subtitle: str, rows: list[tuple[str, Any, str]]
) -> Worksheet:
    """Two columns (label, value) where each row has its own number format."""
    sheet = _sheet(
        workbook,
        "Tổng hợp",
        heading,
        subtitle,
        [("Chỉ tiêu thống kê", 62, TEXT), ("Số liệu", 18, COUNT)],
        [(label, value) for label, value, _fmt in rows],
        first=True,
    )
    for offset, (_label, _value, fmt) in enumerate(rows, start=1):
        sheet.cell(row=HEADER_ROW + offset, column=2).number_format = fmt
    return sheet


def progress_workbook(report: ProgressReport) -> bytes:
    progress = report.progress
    forecast = progress.forecast
    workbook = Workbook()
    heading = f"{report.title} — {report.organisation.name.upper()}"
    subtitle = report.subtitle
    can_reach = {True: "Có", False: "Không", None: "Chưa giao chỉ tiêu"}[forecast.can_reach_target]
    summary = [
        _value_row("Số đảng viên đầu năm", progress.members_at_start, COUNT),
        _value_row(
            "Số đầu năm là số hiện có (chưa chốt)",
            "Có" if progress.members_at_start_estimated else "Không",
            TEXT,
        ),
        _value_row(f"Số kết nạp tối thiểu ({progress.floor_rate:.0%})", report.suggested, COUNT),
        _value_row("Chỉ tiêu kết nạp", progress.target, COUNT),
        _value_row(
            "Số đã kết nạp" if report.figures is None else f"Số đã kết nạp ({report.period_label})",
            progress.admitted,
            COUNT,
        ),
        _value_row("Tỷ lệ kết nạp so với số đảng viên đầu năm", progress.admission_rate, PERCENT2),
        _value_row("Tỷ lệ tối thiểu", progress.floor_rate, PERCENT),
        _value_row("Tỷ lệ đạt chỉ tiêu", progress.achievement, PERCENT),
        _value_row("Dự báo số kết nạp đến 31/12", forecast.expected, COUNT),
        _value_row("Số kết nạp tối đa còn có thể đạt đến 31/12", forecast.upper_bound, COUNT),
        _value_row("Có thể đạt chỉ tiêu", can_reach, TEXT),
        _value_row("Số hồ sơ quá hạn", progress.overdue, COUNT),
        _value_row("Số thôn, tổ dân phố", progress.localities, COUNT),
        _value_row("Số thôn, tổ dân phố “trắng” đảng viên", progress.white_localities, COUNT),
        _value_row(
            "Số thôn, tổ dân phố chưa có chi bộ riêng", progress.localities_without_cell, COUNT
        ),
    ]
    if report.period is not None and report.figures is not None:
        period, figures = report.period, report.figures
        summary.insert(
            0,
            _value_row(
                "Kỳ báo cáo",
                f"{period.label} ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y})",
                TEXT,
            ),
        )
        summary += [
            _value_row(
                "Trong kỳ: số đảng viên được công nhận chính thức", figures.recognised, COUNT
            ),
            _value_row("Trong kỳ: số đảng viên bị xóa tên, khai trừ", figures.removed, COUNT),
            _value_row("Trong đó: kết nạp chưa tròn 2 năm", figures.removed_early, COUNT),
            _value_row("Trong kỳ: số quần chúng mới đưa vào nguồn", figures.new_candidates, COUNT),
            _value_row(
                "Trong kỳ: số được cấp giấy chứng nhận bồi dưỡng nhận thức về Đảng",
                figures.certificates,
                COUNT,
            ),
            _value_row(
                "Trong kỳ: số hồ sơ đã kết luận thẩm tra lý lịch", figures.verifications, COUNT
            ),
        ]
    summary += [
        _value_row(
            f"Chỉ tiêu nhóm {row['label']}: chỉ tiêu / đã kết nạp",
            f"{row['target']} / {row['admitted']}",
            TEXT,
        )
        for row in progress.group_progress()
    ]
    _summary_sheet(workbook, heading, subtitle, summary)
    _sheet(
        workbook,
        "Tổ chức trực thuộc",
        heading,
        subtitle,
        [
            ("Tổ chức", 40, TEXT),
            ("Đảng viên đầu năm", 12, COUNT),
            ("Chỉ tiêu", 10, COUNT),
            ("Đã kết nạp", 10, COUNT),
            ("Tỷ lệ kết nạp", 10, PERCENT2),
            ("Đạt chỉ tiêu", 10, PERCENT),
            ("Dự báo", 10, COUNT),
            ("Tối đa", 10, COUNT),
            ("Quá hạn", 10, COUNT),
            ("Thôn “trắng”", 10, COUNT),
            ("Không thể đạt", 10, TEXT),
        ],
        [
            (
                row.organisation.name,
                row.members_at_start,
                row.target,
                row.admitted,
                row.admission_rate,
                row.achievement,
                row.forecast.expected,
                row.forecast.upper_bound,
                row.overdue,
                row.white_localities,
                "x" if row.at_risk else "",
            )
            for row in report.children
        ],
    )
    _sheet(
        workbook,
        "Nguồn",
        heading,
        subtitle,
        [("Giai đoạn", 44, TEXT), ("Số hồ sơ đang mở", 18, COUNT)],
        report.pipeline_rows,
    )
    composition = _sheet(
        workbook,
        "Cơ cấu",
        heading,
        subtitle,
        [("Chỉ tiêu thống kê", 44, TEXT), ("Số người", 12, COUNT), ("Tỷ lệ", 12, PERCENT)],
        [
            ("Tổng số kết nạp", progress.admitted, None),
            *report.breakdown_rows,
            ("Tuổi bình quân", progress.breakdown["average_age"], None),
        ],
    )
    average_row = HEADER_ROW + len(report.breakdown_rows) + 2
    composition.cell(row=average_row, column=2).number_format = DECIMAL
    group_columns = [
        ("Tổ chức trực thuộc", 12, COUNT),
        ("Đảng viên đầu năm", 12, COUNT),
        ("Chỉ tiêu", 10, COUNT),
        ("Đã kết nạp", 10, COUNT),
        ("Tỷ lệ kết nạp", 10, PERCENT2),
        ("Quần chúng trong nguồn", 12, COUNT),
        ("Thôn “trắng”", 10, COUNT),
    ]
    for title, first, rows in (
        ("Theo lĩnh vực", "Lĩnh vực", report.breakdowns.by_sector),
        ("Theo địa bàn", "Đặc điểm địa bàn", report.breakdowns.by_area_flag),
    ):
        _sheet(
            workbook,
            title,
            heading,
            subtitle,
            [(first, 36, TEXT), *group_columns],
            [
                (
                    r.label,
                    r.organisations,
                    r.members_at_start,
                    r.target,
                    r.admitted,
                    r.admission_rate,
                    r.candidates,
                    r.white_localities,
                )
                for r in rows
            ],
        )
    _sheet(
        workbook,
        "Theo đối tượng",
        heading,
        subtitle,
        [
            ("Đối tượng", 36, TEXT),
            ("Quần chúng trong nguồn", 14, COUNT),
            (report.admitted_label, 14, COUNT),
        ],
        [(r.label, r.candidates, r.admitted) for r in report.breakdowns.by_target_group],
    )
    _sheet(
        workbook,
        "Qua các năm",
        heading,
        subtitle,
        [
            ("Năm", 8, "0"),
            ("Đảng viên đầu năm", 14, COUNT),
            ("Chỉ tiêu", 10, COUNT),
            ("Đã kết nạp", 10, COUNT),
            ("Tỷ lệ kết nạp", 12, PERCENT2),
            ("Đạt chỉ tiêu", 12, PERCENT),
        ],
        [
            (
                r["year"],
                r["members_at_start"],
                r["target"],
                r["admitted"],
                r["admission_rate"],
                r["achievement"],
            )
            for r in report.trend
        ],
    )
    _sheet(
        workbook,
        "Xóa tên, khai trừ",
        heading,
        "Tỷ lệ bị xóa tên, khai trừ trước tròn N năm kể từ quyết định kết nạp, "
        "theo tuổi khi kết nạp",
        [("Năm kết nạp", 10, "0"), ("Tuổi", 10, TEXT), ("Số kết nạp", 10, COUNT)]
        + [(f"Trong {n} năm", 11, PERCENT) for n in report.retention_years],
        [
            (row["year"], row["band"], row["size"], *(cell["share"] for cell in row["cells"]))
            for row in report.retention
        ],
    )
    return _save(workbook)


def indicators_workbook(report: IndicatorsReport) -> bytes:
    indicators = report.indicators
    workbook = Workbook()
    heading = f"{report.title} — {report.organisation.name.upper()}"
    subtitle = report.subtitle
    rows = [
        _value_row("Nhiệm kỳ", report.term.name, TEXT),
        *(
            [
                _value_row(
                    "Kỳ báo cáo",
                    f"{report.period.label} ({report.period.start:%d/%m/%Y} – "
                    f"{report.period.end:%d/%m/%Y})",
                    TEXT,
                )
            ]
            if report.period is not None
            else []
        ),
        _value_row("Số đảng viên kết nạp", indicators.admitted, COUNT),
        _value_row("Số năm tính", indicators.years_counted, COUNT),
        _value_row("Bình quân mỗi năm", indicators.average_per_year, DECIMAL),
        _value_row("Chỉ tiêu Nghị quyết Đại hội (cả nhiệm kỳ)", indicators.congress_target, COUNT),
        _value_row("Đạt so với chỉ tiêu Đại hội (cả nhiệm kỳ)", indicators.congress_share, PERCENT),
        _value_row("Bình quân đạt so với chỉ tiêu Đại hội", indicators.congress_pro_rata, PERCENT),
    ]
    for programme in indicators.programmes:
        rows += [
            _value_row(f"Chỉ tiêu {programme['name']} (cả nhiệm kỳ)", programme["number"], COUNT),
            _value_row(
                f"Đạt so với {programme['name']} (cả nhiệm kỳ)", programme["share"], PERCENT
            ),
            _value_row(f"Bình quân đạt so với {programme['name']}", programme["pro_rata"], PERCENT),
        ]
    rows += [
        _value_row(
            "Tỷ lệ kết nạp bình quân so với số đảng viên", indicators.average_rate, PERCENT2
        ),
        _value_row(f"Tỷ lệ kết nạp năm {report.year}", indicators.year_rate, PERCENT2),
        _value_row("Tỷ lệ tối thiểu mỗi năm", indicators.floor_rate, PERCENT),
    ]
    _summary_sheet(workbook, heading, subtitle, rows)
    _sheet(
        workbook,
        "Theo năm",
        heading,
        subtitle,
        [
            ("Năm", 8, "0"),
            ("Đảng viên đầu năm", 16, COUNT),
            ("Chỉ tiêu năm", 12, COUNT),
            ("Đã kết nạp" if report.period is None else "Đã kết nạp trong kỳ", 12, COUNT),
            ("Tỷ lệ kết nạp", 12, PERCENT2),
        ],
        [
            (r["year"], r["members_at_start"], r["target"], r["admitted"], r["admission_rate"])
            for r in indicators.by_year
        ],
    )
    _sheet(
        workbook,
        "Tổ chức trực thuộc",
        heading,
        subtitle,
        [("Tổ chức", 44, TEXT), ("Đã kết nạp", 12, COUNT), ("Bình quân mỗi năm", 14, DECIMAL)],
        [(r["organisation"].name, r["admitted"], r["average"]) for r in report.children],
    )
    return _save(workbook)


def _save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
