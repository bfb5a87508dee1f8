"""Excel files: the template of each kind, reading a workbook that comes back (with the
structural checks a person needs named in plain Vietnamese), and the annotated copy of a
rejected workbook."""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from ptdv.core.text import fold
from ptdv.exchange.columns import KINDS, MODE_KINDS, Column, KindSpec

CODE_SHEET = "Danh mục"
ERROR_HEADER = "Lỗi"
DATE_FORMAT = "dd/mm/yyyy"
HEADER_FILL = PatternFill("solid", fgColor="FFE8E8E8")
ERROR_FILL = PatternFill("solid", fgColor="FFFFC7CE")
EXAMPLE_FONT = Font(italic=True, color="FF808080")
MAX_TEMPLATE_ROWS = 100_000


class WorkbookError(Exception):
    """The file cannot be read as this kind of import: nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- The template ----------------------------------------------------------------------------


def template_build(spec: KindSpec, target: IO[bytes] | str | Path) -> None:
    """The template of `spec`: headers with notes, an example row (ignored on import while it
    is left unchanged), drop-down lists of the Vietnamese labels from a hidden sheet."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = spec.sheet
    codes = wb.create_sheet(CODE_SHEET)
    codes.sheet_state = "hidden"
    code_column = 0
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(
            row=1, column=index, value=column.header + (" (*)" if column.required else "")
        )
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        note = column.note
        if column.type == "date":
            note = (note + " " if note else "") + "Ngày dạng dd/mm/yyyy."
        if column.required:
            note = (note + " " if note else "") + "Bắt buộc."
        if note:
            cell.comment = Comment(note, "PTĐV")
        ws.column_dimensions[letter].width = column.width
        example = ws.cell(
            row=2, column=index, value=column.example if column.example != "" else None
        )
        example.font = EXAMPLE_FONT
        if column.type == "date":
            example.number_format = DATE_FORMAT
            for row in range(2, 1002):
                ws.cell(row=row, column=index).number_format = DATE_FORMAT
        if column.type == "national_id":
            for row in range(2, 1002):
                ws.cell(row=row, column=index).number_format = "@"
        if column.choices and column.type in ("code", "bool", "codes"):
            code_column += 1
            code_letter = get_column_letter(code_column)
            codes.cell(row=1, column=code_column, value=column.header)
            for offset, (_code, label) in enumerate(column.choices, start=2):
                codes.cell(row=offset, column=code_column, value=label)
            last = len(column.choices) + 1
            if column.type != "codes":
                validation = DataValidation(
                    type="list",
                    formula1=f"'{CODE_SHEET}'!${code_letter}$2:${code_letter}${last}",
                    allow_blank=not column.required,
                    showErrorMessage=True,
                    errorTitle="Giá trị không hợp lệ",
                    error="Hãy chọn một giá trị trong danh sách.",
                )
                validation.add(f"{letter}2:{letter}{MAX_TEMPLATE_ROWS}")
                ws.add_data_validation(validation)
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 45
    wb.save(target)


# --- Reading ---------------------------------------------------------------------------------

_DATE_TEXT = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_MERGE = re.compile(rb'<mergeCell ref="([A-Z]+\d+:[A-Z]+\d+)"')
_FORMULA = re.compile(rb'<c r="([A-Z]+\d+)"[^>]*?>(?:(?!</c>).)*?<f[ >/]', re.DOTALL)


@dataclass
class SheetData:
    """The rows of the data sheet: the header map and each row's raw values by column key."""

    sheet: str
    columns: list[Column]  # the kind's columns present in the file, in file order
    positions: list[int]  # 0-based position of each of those columns in the file
    header_width: int  # number of header cells in the file
    epoch: dt.datetime
    rows: list[tuple[int, tuple[Any, ...]]]  # (Excel row number, values in `columns` order)
    ignored_headers: list[str]


def _header_key(text: Any) -> str:
    value = fold(str(text or "")).replace("(*)", "").strip()
    return re.sub(r"\s+", " ", value)


def _scan_sheet_xml(path: Path, sheet_path: str) -> tuple[list[str], list[str]]:
    """Merged ranges and formula cells of a sheet, straight from its XML (openpyxl's fast
    reader exposes neither)."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(sheet_path.lstrip("/"))
    merges = [m.decode() for m in _MERGE.findall(xml)]
    formulas = [m.decode() for m in _FORMULA.findall(xml)] if b"<f" in xml else []
    return merges, formulas


def sheet_read(path: Path, spec: KindSpec) -> SheetData:
    """Read the data sheet of a workbook sent for `spec`, or raise WorkbookError naming what
    is wrong: not a workbook, a damaged file, no such sheet, missing columns, merged cells,
    formulas."""
    if not zipfile.is_zipfile(path):
        raise WorkbookError(
            "Tệp không phải là sổ tính Excel (.xlsx). Hãy mở tệp bằng Excel và lưu lại dạng "
            "“Excel Workbook (.xlsx)”."
        )
    try:
        wb = WorkbookInfo(path)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise WorkbookError(
            "Tệp Excel bị hỏng hoặc chưa tải lên hết, không đọc được. Hãy lưu lại tệp và gửi lại."
        ) from exc
    except Exception as exc:  # openpyxl raises many kinds on damaged XML
        raise WorkbookError(
            "Tệp Excel bị hỏng, không đọc được (" + exc.__class__.__name__ + ")."
        ) from exc
    try:
        return _read_sheet(wb, path, spec)
    finally:
        wb.close()


@dataclass
class SheetRef:
    """A worksheet of a workbook, by name and XML part (what the fast reader needs)."""

    title: str
    sheet_state: str
    _worksheet_path: str
    _shared_strings: list[Any]
    parent: WorkbookInfo


class WorkbookInfo:
    """The parts of a workbook the import reads: its sheets, shared strings, date styles and
    date system.

    openpyxl's `load_workbook(read_only=True)` also sizes every sheet, and a sheet without a
    `<dimension>` element (files written by many programs, openpyxl's own write-only mode
    among them) is then parsed in full just for that: 10 s for 50,000 rows. This runs the
    same readers minus that step.
    """

    def __init__(self, path: Path) -> None:
        reader = ExcelReader(str(path), read_only=True, keep_links=False)
        try:
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.parser.wb)
            self.epoch: dt.datetime = reader.parser.wb.epoch
            self._date_formats: set[int] = reader.parser.wb._date_formats
            self.sheets = [
                SheetRef(
                    sheet.name, sheet.state or "visible", rel.target, reader.shared_strings, self
                )
                for sheet, rel in reader.parser.find_sheets()
                if "chartsheet" not in rel.Type and rel.target in reader.valid_files
            ]
        finally:
            reader.archive.close()

    @property
    def sheetnames(self) -> list[str]:
        return [sheet.title for sheet in self.sheets]

    def __getitem__(self, name: str) -> SheetRef:
        return next(sheet for sheet in self.sheets if sheet.title == name)

    def close(self) -> None:
        """Nothing stays open (kept for symmetry with openpyxl's workbooks)."""


def _pick_sheet(wb: Any, spec: KindSpec) -> Any:
    names = list(wb.sheetnames)
    if spec.sheet in names:
        return wb[spec.sheet]
    other = next(
        (s for s in (*KINDS.values(), *MODE_KINDS.values()) if s.sheet in names and s is not spec),
        None,
    )
    if other is not None:
        raise WorkbookError(
            f"Tệp này là mẫu nhập “{other.sheet}”, không phải “{spec.sheet}”. Hãy chọn đúng "
            "loại dữ liệu hoặc dùng đúng tệp mẫu."
        )
    visible = [n for n in names if n != CODE_SHEET and wb[n].sheet_state == "visible"]
    if len(visible) == 1:
        return wb[visible[0]]
    raise WorkbookError(
        f"Không tìm thấy trang tính “{spec.sheet}”. Tệp có các trang: "
        + ", ".join(f"“{n}”" for n in names)
        + f". Hãy đặt dữ liệu vào trang “{spec.sheet}” của tệp mẫu."
    )


def _read_sheet(wb: Any, path: Path, spec: KindSpec) -> SheetData:
    ws = _pick_sheet(wb, spec)
    header: tuple[Any, ...] | None = None
    try:
        for number, values in fast_rows(path, ws):
            header = values if number == 1 else None
            break
    except Exception as exc:
        raise WorkbookError("Trang tính bị hỏng, không đọc được.") from exc
    if header is None or not any(v not in (None, "") for v in header):
        raise WorkbookError(
            f"Trang “{ws.title}” trống: dòng đầu tiên phải là tiêu đề cột của tệp mẫu."
        )
    columns, positions, ignored = _header_columns(header, spec)
    _refuse_merges_and_formulas(path, ws)
    data: list[tuple[int, tuple[Any, ...]]] = []
    try:
        for number, values in fast_rows(path, ws, positions):
            if number < 2:
                continue
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue  # an empty row
            data.append((number, values))
    except Exception as exc:
        raise WorkbookError("Tệp Excel bị hỏng giữa chừng, không đọc hết được.") from exc
    return SheetData(
        sheet=ws.title,
        columns=columns,
        positions=positions,
        header_width=len(header),
        epoch=wb.epoch,
        rows=data,
        ignored_headers=ignored,
    )


def _header_columns(
    header: tuple[Any, ...], spec: KindSpec
) -> tuple[list[Column], list[int], list[str]]:
    """The template's columns found in the header row, their positions in the file, and the
    headers that are not the template's (ignored); a required column missing is an error."""
    wanted = {_header_key(c.header): c for c in spec.columns}
    columns: list[Column] = []
    positions: list[int] = []
    ignored: list[str] = []
    seen: set[str] = set()
    for index, title in enumerate(header):
        if title in (None, ""):
            continue
        if title == ERROR_HEADER:
            continue  # a corrected copy of a rejected file still carries the error column
        column = wanted.get(_header_key(title))
        if column is None:
            ignored.append(str(title))
            continue
        if column.key in seen:
            raise WorkbookError(f"Cột “{column.header}” xuất hiện hai lần ở dòng tiêu đề.")
        seen.add(column.key)
        columns.append(column)
        positions.append(index)
    missing = [c.header for c in spec.columns if c.required and c.key not in seen]
    if missing:
        raise WorkbookError(
            "Thiếu cột bắt buộc: " + ", ".join(f"“{m}”" for m in missing) + ". Hãy dùng tệp mẫu."
        )
    return columns, positions, ignored


def _refuse_merges_and_formulas(path: Path, ws: Any) -> None:
    merges, formulas = _scan_sheet_xml(path, getattr(ws, "_worksheet_path", ""))
    if merges:
        raise WorkbookError(
            "Trang tính có ô gộp ("
            + ", ".join(merges[:5])
            + (", …" if len(merges) > 5 else "")
            + "). Hãy bỏ gộp ô (Merge & Center → Unmerge) để mỗi ô chỉ chứa một giá trị."
        )
    if formulas:
        raise WorkbookError(
            "Trang tính có ô chứa công thức ("
            + ", ".join(formulas[:5])
            + (", …" if len(formulas) > 5 else "")
            + "). Hãy sao chép và dán dạng giá trị (Paste Values) rồi gửi lại."
        )


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE = _NS + "row", _NS + "c", _NS + "v"
_INLINE, _TEXT = _NS + "is", _NS + "t"


def _column_index(reference: str) -> int:
    """0-based column of a cell reference ("C12" → 2)."""
    index = 0
    for char in reference:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1


_ROW_RE = re.compile(rb"<row\b([^>]*?)(?:/>|>(.*?)</row>)", re.DOTALL)
_CELL_RE = re.compile(rb"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.DOTALL)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL_REF = re.compile(rb'\br="([A-Z]+)\d+"')
_CELL_TYPE = re.compile(rb'\bt="(\w+)"')
_CELL_STYLE = re.compile(rb'\bs="(\d+)"')
_V_RE = re.compile(rb"<v(?:\s[^>]*)?>([^<]*)</v>")
_T_RE = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")


_TEXT_CACHE: dict[bytes, str] = {}


def _text(raw: bytes) -> str:
    """Decoded, unescaped cell text; the same few labels fill most cells, so each distinct
    value is decoded once."""
    text = _TEXT_CACHE.get(raw)
    if text is None:
        if len(_TEXT_CACHE) > 200_000:
            _TEXT_CACHE.clear()
        decoded = raw.decode("utf-8")
        text = _TEXT_CACHE[raw] = html.unescape(decoded) if "&" in decoded else decoded
    return text


def fast_rows(
    path: Path, ws: Any, positions: list[int] | None = None
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The values of the wanted columns (every column when `positions` is None), row by row,
    straight from the sheet's XML.

    openpyxl's read-only reader builds a dictionary per cell and costs ~50 µs a cell, and even
    lxml needs ~5 µs to hand each element to Python: a minute, or ten seconds, for a
    100,000-row file. The sheet XML that spreadsheet programs write is regular, so cells are
    found with regular expressions (~0.5 µs) and converted the way openpyxl converts them
    (shared strings, inline strings, booleans, and numbers in a date format as dates in the
    workbook's 1900 or 1904 system). A sheet written with namespace prefixes (`<x:c>`) is
    read with lxml instead.
    """
    xml = _sheet_xml(path, ws)
    if b"<row" not in xml and b":row" in xml:
        yield from _rows_lxml(xml, ws, positions)
        return
    convert = _CellValue(ws)
    wanted = {p: i for i, p in enumerate(positions)} if positions is not None else None
    width = len(positions) if positions is not None else 0
    letters_index: dict[bytes, int] = {}
    row_number = 0
    for row in _ROW_RE.finditer(xml):
        number = _ROW_NUMBER.search(row.group(1))
        row_number = int(number.group(1)) if number else row_number + 1
        values: list[Any] = [None] * width
        body = row.group(2)
        if body:
            _row_values(body, values, wanted, letters_index, convert)
        yield row_number, tuple(values)


def _sheet_xml(path: Path, ws: Any) -> bytes:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read(ws._worksheet_path.lstrip("/"))
    # Regular expressions would read what is there of a cut-off sheet: check it is whole.
    if not xml.rstrip().endswith(b"worksheet>") or (
        b"sheetData>" not in xml and b"<sheetData/>" not in xml
    ):
        raise ValueError("the sheet's XML is incomplete")
    return xml


def _row_values(
    body: bytes,
    values: list[Any],
    wanted: dict[int, int] | None,
    letters_index: dict[bytes, int],
    convert: _CellValue,
) -> None:
    """Fill `values` with the wanted cells of one row's XML (every cell when `wanted` is
    None, growing the list as needed)."""
    column = -1
    for cell in _CELL_RE.finditer(body):
        attrs, inner = cell.group(1), cell.group(2)
        ref = _CELL_REF.search(attrs)
        if ref:
            letters = ref.group(1)
            column = letters_index.get(letters, -1)
            if column < 0:
                column = letters_index[letters] = _column_index(letters.decode())
        else:
            column += 1
        if not inner:
            continue
        if wanted is None:
            if len(values) <= column:
                values.extend([None] * (column + 1 - len(values)))
            slot = column
        else:
            found = wanted.get(column)
            if found is None:
                continue
            slot = found
        value = convert(attrs, inner)
        if value is not None:
            values[slot] = value


class _CellValue:
    """A cell's value from its attributes and content, as openpyxl converts it."""

    __slots__ = ("date_styles", "epoch", "shared")

    def __init__(self, ws: Any) -> None:
        self.shared = ws._shared_strings
        self.date_styles = {str(style).encode() for style in ws.parent._date_formats}
        self.epoch = ws.parent.epoch

    def __call__(self, attrs: bytes, inner: bytes) -> Any:
        kind_match = _CELL_TYPE.search(attrs)
        kind = kind_match.group(1) if kind_match else b"n"
        if kind == b"inlineStr":
            return "".join(_text(t) for t in _T_RE.findall(inner))
        v = _V_RE.search(inner)
        if v is None or not v.group(1):
            return None
        raw = v.group(1)
        if kind == b"s":
            return self.shared[int(raw)]
        if kind == b"n":
            return self.number(attrs, raw)
        if kind == b"b":
            return raw == b"1"
        return _text(raw)  # "str" (a formula's cached text), "e" (an error), "d" (ISO date)

    def number(self, attrs: bytes, raw: bytes) -> Any:
        value: float | int = float(raw) if (b"." in raw or b"E" in raw or b"e" in raw) else int(raw)
        style = _CELL_STYLE.search(attrs)
        if style and style.group(1) in self.date_styles:
            try:
                return from_excel(value, self.epoch)
            except (OverflowError, ValueError):
                return value
        return value


def _rows_lxml(
    xml: bytes, ws: Any, positions: list[int] | None
) -> Iterator[tuple[int, tuple[Any, ...]]]:
    root = etree.fromstring(xml, parser=etree.XMLParser(huge_tree=True))
    shared = ws._shared_strings
    date_styles = ws.parent._date_formats
    epoch = ws.parent.epoch
    wanted = {p: i for i, p in enumerate(positions)} if positions is not None else None
    width = len(positions) if positions is not None else 0
    row_number = 0
    for row in root.iter(_ROW):
        reference = row.get("r")
        row_number = int(reference) if reference else row_number + 1
        values: list[Any] = [None] * width
        column = -1
        for cell in row.iter(_CELL):
            ref = cell.get("r")
            column = _column_index(ref) if ref else column + 1
            if wanted is None:
                if len(values) <= column:
                    values.extend([None] * (column + 1 - len(values)))
                slot = column
            elif column in wanted:
                slot = wanted[column]
            else:
                continue
            kind = cell.get("t", "n")
            if kind == "inlineStr":
                values[slot] = _inline_text(cell)
                continue
            raw = cell.findtext(_VALUE)
            if not raw:
                continue
            if kind == "s":
                values[slot] = shared[int(raw)]
            elif kind == "n":
                number: float | int = float(raw) if ("." in raw or "E" in raw) else int(raw)
                style = cell.get("s")
                values[slot] = (
                    from_excel(number, epoch) if style and int(style) in date_styles else number
                )
            elif kind == "b":
                values[slot] = raw == "1"
            else:
                values[slot] = raw
        yield row_number, tuple(values)


def _inline_text(cell: Any) -> str | None:
    inline = cell.find(_INLINE)
    if inline is None:
        return None
    if len(inline) == 1 and inline[0].tag == _TEXT:
        return str(inline[0].text or "")
    return "".join(t.text or "" for t in inline.iter(_TEXT))  # rich text: the runs


def is_example_row(columns: list[Column], values: tuple[Any, ...]) -> bool:
    """The template's example row, left as it came."""
    for column, value in zip(columns, values, strict=True):
        expected = column.example
        if isinstance(value, dt.datetime):
            value = value.date()
        if expected in ("", None):
            if value not in (None, ""):
                return False
        elif value != expected and str(value).strip() != str(expected):
            return False
    return True


# --- Cell values -----------------------------------------------------------------------------


class CellError(ValueError):
    pass


def cell_date(value: Any, epoch: dt.datetime) -> dt.date | None:
    """A date typed as dd/mm/yyyy text or stored as an Excel date (1900 or 1904 system)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise CellError("Ngày không hợp lệ.")
        converted = from_excel(value, epoch)
        if isinstance(converted, dt.datetime):
            return converted.date()
        if isinstance(converted, dt.date):
            return converted
        raise CellError("Ngày không hợp lệ.")
    text = str(value).strip()
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(x) for x in match.groups())
    else:
        iso = _ISO_DATE.match(text)
        if not iso:
            raise CellError(f"“{text}” không phải ngày; hãy nhập dạng dd/mm/yyyy.")
        year, month, day = (int(x) for x in iso.groups())
    if year < 1900:
        raise CellError(f"Năm {year} không hợp lệ.")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(f"Ngày {text} không có trên lịch.") from None


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def cell_national_id(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        raise CellError("Số định danh phải gồm đúng 12 chữ số.")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError("Số định danh phải gồm đúng 12 chữ số.")
        text = str(int(value))
        if len(text) < 12:
            raise CellError(
                "Số định danh phải gồm đúng 12 chữ số (Excel đã bỏ số 0 ở đầu: hãy định dạng "
                "cột là văn bản rồi nhập lại)."
            )
    else:
        text = str(value).strip().replace(" ", "")
    if not re.fullmatch(r"\d{12}", text):
        raise CellError("Số định danh phải gồm đúng 12 chữ số.")
    return text


def cell_int(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise CellError("Phải là một số nguyên.")
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError("Phải là một số nguyên.")
        value = int(value)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise CellError("Phải là một số nguyên.") from None
    if number < 0:
        raise CellError("Không được là số âm.")
    return number


# --- The annotated copy of a rejected workbook ------------------------------------------------

# A workbook up to this many rows is annotated in place (everything else in it kept: other
# sheets, formats, drop-downs); a larger one is copied row by row in write-only mode, which
# keeps the values and the error marks but not the formatting, to stay within memory.
IN_PLACE_ROWS = 20_000


def errors_workbook(
    source: Path,
    target: Path,
    sheet: SheetData,
    errors: dict[int, dict[int, str]],
    row_messages: dict[int, list[str]],
) -> None:
    """The same workbook with an added “Lỗi” column and the bad cells filled red with a
    comment. `errors` maps an Excel row to {0-based file column → message}; `row_messages`
    holds each bad row's messages for the “Lỗi” column."""
    if len(sheet.rows) <= IN_PLACE_ROWS:
        wb = load_workbook(source)
        ws = wb[sheet.sheet]
        error_column = sheet.header_width + 1
        for index in range(1, ws.max_column + 1):
            if ws.cell(row=1, column=index).value == ERROR_HEADER:
                error_column = index
        title = ws.cell(row=1, column=error_column, value=ERROR_HEADER)
        title.font = Font(bold=True, color="FFC00000")
        ws.column_dimensions[get_column_letter(error_column)].width = 60
        for row, by_column in errors.items():
            for position, message in by_column.items():
                cell = ws.cell(row=row, column=position + 1)
                cell.fill = ERROR_FILL
                cell.comment = Comment(message, "PTĐV")
        for row in range(2, ws.max_row + 1):
            messages = row_messages.get(row)
            cell = ws.cell(
                row=row, column=error_column, value="; ".join(messages) if messages else None
            )
            if messages:
                cell.font = Font(color="FFC00000")
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        wb.save(target)
        return
    out = Workbook(write_only=True)
    ws_out = out.create_sheet(sheet.sheet)
    source_wb = load_workbook(source, read_only=True)
    try:
        ws_in = source_wb[sheet.sheet]
        for row_number, values in enumerate(ws_in.iter_rows(values_only=True), start=1):
            cells: list[Any] = []
            marks = errors.get(row_number, {})
            for position, value in enumerate(values):
                if position in marks:
                    cell = WriteOnlyCell(ws_out, value=value)
                    cell.fill = ERROR_FILL
                    cell.comment = Comment(marks[position], "PTĐV")
                    cells.append(cell)
                else:
                    cells.append(value)
            cells += [None] * (sheet.header_width - len(values))
            if row_number == 1:
                cells.append(ERROR_HEADER)
            else:
                messages = row_messages.get(row_number)
                cells.append("; ".join(messages) if messages else None)
            ws_out.append(cells)
    finally:
        source_wb.close()
    out.save(target)


def iter_rows(sheet: SheetData) -> Iterator[tuple[int, tuple[Any, ...]]]:
    yield from sheet.rows
