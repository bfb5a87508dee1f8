"""One official document, two formats.

A form is built once as an `OfficialDocument` (header, number, place and date, title, body,
signatures) and rendered from that same value to an editable DOCX (python-docx) and to a PDF
(WeasyPrint, from the `documents/official.html` template), so the two never disagree.

The presentation follows Hướng dẫn 36-HD/VPTW (2018): A4, margins 20 mm top and bottom,
30 mm left, 15 mm right; "ĐẢNG CỘNG SẢN VIỆT NAM" top right, bold and underlined; the
superior body and the issuing body top left with a star under it, then the number and
symbol; place and date in italics under the party's name; the title centred in bold; the
signer block (T/M, K/T) bottom right with the recipients ("Nơi nhận") bottom left.

Fonts: the DOCX names Times New Roman, the font the guidance prescribes and the one every
office machine opening the file has (LibreOffice substitutes the metric-compatible Liberation
Serif); the PDF is typeset here with Liberation Serif (fonts-liberation2), embedded.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Literal

Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass
class Para:
    runs: list[Run]
    align: Align = "justify"
    indent: bool = True
    space_before: float = 0
    size: float | None = None

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative widths of the columns


Block = Para | Table


@dataclass
class Signature:
    lines: list[str]  # e.g. ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]
    name: str = ""
    note: str = ""  # e.g. "(Ký, ghi rõ họ tên)"


@dataclass
class OfficialDocument:
    slug: str
    form_code: str  # "Mẫu 9-KNĐ"
    title: str
    subtitle: str = ""
    national_header: str = "ĐẢNG CỘNG SẢN VIỆT NAM"
    national_motto: str = ""  # "Độc lập - Tự do - Hạnh phúc" under a state-style header
    superior: str = ""
    issuer: str = ""
    number: str = ""  # "Số 12-QĐ/ĐU"
    place_date: str = ""
    body: list[Block] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    draft_note: str = ""
    filename: str = "van-ban"

    @property
    def personal(self) -> bool:
        """A document a person writes (no issuing body): the party's name is centred."""
        return not self.issuer


def p(
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    align: Align = "justify",
    indent: bool = True,
    space_before: float = 0,
) -> Para:
    """A body paragraph of one run."""
    return Para(
        [Run(text, bold=bold, italic=italic)],
        align=align,
        indent=indent,
        space_before=space_before,
    )


def labelled(label: str, value: str) -> Para:
    """ "Label: value" — a line of a declaration; a missing value shows as dots to fill."""
    return Para([Run(label + ": "), Run(value or "…………………")], align="left", indent=False)


# --- DOCX ------------------------------------------------------------------------------------

_DOCX_FONT = "Times New Roman"


def render_docx(document: OfficialDocument) -> bytes:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    aligns = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = _DOCX_FONT
    normal.font.size = Pt(14)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), _DOCX_FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.1
    doc.core_properties.title = " ".join(x for x in (document.title, document.subtitle) if x)
    doc.core_properties.language = "vi-VN"

    def add_para(container, para: Para, *, first_line: bool = True):  # type: ignore[no-untyped-def]
        paragraph = container.add_paragraph()
        paragraph.alignment = aligns[para.align]
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(6)
        if para.space_before:
            fmt.space_before = Pt(para.space_before)
        if para.indent and first_line and para.align == "justify":
            fmt.first_line_indent = Mm(10)
        for item in para.runs:
            run = paragraph.add_run(item.text)
            run.bold, run.italic, run.underline = item.bold, item.italic, item.underline
            if para.size:
                run.font.size = Pt(para.size)
        return paragraph

    def line(cell, text: str, *, bold=False, italic=False, underline=False, size=None):  # type: ignore[no-untyped-def]
        paragraph = cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
        return paragraph

    def borderless(table) -> None:  # type: ignore[no-untyped-def]
        table.style = doc.styles["Normal Table"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def clear(cell) -> None:  # type: ignore[no-untyped-def]
        for paragraph in list(cell.paragraphs):
            paragraph._element.getparent().remove(paragraph._element)

    code = doc.add_paragraph()
    code.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    code_run = code.add_run(document.form_code)
    code_run.italic = True
    code_run.font.size = Pt(12)

    if document.personal:
        line(doc, document.national_header, bold=True, underline=True, size=15)
        if document.place_date:
            paragraph = doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.space_before = Pt(6)
            run = paragraph.add_run(document.place_date)
            run.italic = True
    else:
        header = doc.add_table(rows=1, cols=2)
        borderless(header)
        left, right = header.rows[0].cells
        left.width, right.width = Mm(75), Mm(90)
        clear(left)
        clear(right)
        if document.superior:
            line(left, document.superior)
        line(left, document.issuer, bold=True)
        line(left, "*")
        if document.number:
            line(left, document.number)
        line(right, document.national_header, bold=True, underline=not document.national_motto)
        if document.national_motto:
            line(right, document.national_motto, bold=True, underline=True)
        line(right, "")
        if document.place_date:
            line(right, document.place_date, italic=True)
    if document.draft_note:
        add_para(doc, Para([Run(document.draft_note, italic=True)], align="center", size=11))
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    title.paragraph_format.space_after = Pt(0 if document.subtitle else 12)
    title_run = title.add_run(document.title)
    title_run.bold = True
    title_run.font.size = Pt(15)
    if document.subtitle:
        subtitle = doc.add_paragraph()
        subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
        subtitle.paragraph_format.space_after = Pt(6)
        sub_run = subtitle.add_run(document.subtitle)
        sub_run.bold = True
        line(doc, "-----", size=12).paragraph_format.space_after = Pt(12)

    for block in document.body:
        if isinstance(block, Para):
            add_para(doc, block)
            continue
        table = doc.add_table(rows=1 + len(block.rows), cols=len(block.header))
        table.style = doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        total = sum(block.widths or [1.0] * len(block.header))
        widths = [Mm(165 * w / total) for w in (block.widths or [1.0] * len(block.header))]
        for row_index, values in enumerate([block.header, *block.rows]):
            for col, value in enumerate(values):
                cell = table.rows[row_index].cells[col]
                cell.width = widths[col]
                clear(cell)
                paragraph = cell.add_paragraph()
                paragraph.paragraph_format.space_after = Pt(0)
                run = paragraph.add_run(value)
                run.font.size = Pt(12)
                run.bold = row_index == 0
        doc.add_paragraph()

    if document.signatures or document.recipients:
        columns = max(1, len(document.signatures)) + (1 if document.recipients else 0)
        if len(document.signatures) == 1 and not document.recipients:
            columns = 2  # the signature stays on the right half
        block = doc.add_table(rows=1, cols=columns)
        borderless(block)
        cells = block.rows[0].cells
        for cell in cells:
            clear(cell)
        offset = columns - len(document.signatures)
        if document.recipients:
            paragraph = cells[0].add_paragraph()
            paragraph.paragraph_format.space_before = Pt(6)
            run = paragraph.add_run("Nơi nhận:")
            run.bold, run.italic, run.underline = True, True, True
            run.font.size = Pt(12)
            for item in document.recipients:
                paragraph = cells[0].add_paragraph()
                paragraph.paragraph_format.space_after = Pt(0)
                run = paragraph.add_run(item)
                run.font.size = Pt(11)
        elif offset > 0:
            cells[0].add_paragraph()
        for index, signature in enumerate(document.signatures):
            cell = cells[offset + index]
            for text in signature.lines:
                line(cell, text, bold=True)
            if signature.note:
                line(cell, signature.note, italic=True, size=12)
            for _blank in range(4):
                line(cell, "")
            line(cell, signature.name, bold=True)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# --- PDF -------------------------------------------------------------------------------------


def render_html(document: OfficialDocument) -> str:
    from django.template.loader import render_to_string

    return render_to_string("documents/official.html", {"doc": document})


def render_pdf(document: OfficialDocument) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(document)).write_pdf()
    return pdf
