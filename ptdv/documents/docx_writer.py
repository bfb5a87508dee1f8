"""The DOCX rendering of an `OfficialDocument` (python-docx): the layout of HD 36-HD/VPTW
described in `ptdv.documents.layout`, in a file the user can edit."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ptdv.documents.layout import OfficialDocument, Para, Run, Signature, Table

_FONT = "Times New Roman"
_ALIGNS = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _line(
    cell: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
) -> Any:
    paragraph = cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size:
        run.font.size = Pt(size)
    return paragraph


def _clear(cell: Any) -> None:
    for paragraph in list(cell.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)


class _Writer:
    def __init__(self, document: OfficialDocument) -> None:
        self.document = document
        self.doc = Document()

    def page(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin, section.right_margin = Mm(30), Mm(15)
        normal = self.doc.styles["Normal"]
        normal.font.name = _FONT
        normal.font.size = Pt(14)
        rpr = normal.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), _FONT)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.1
        document = self.document
        title = " ".join(x for x in (document.title, document.subtitle) if x)
        self.doc.core_properties.title = title
        self.doc.core_properties.language = "vi-VN"

    def para(self, container: Any, para: Para) -> Any:
        paragraph = container.add_paragraph()
        paragraph.alignment = _ALIGNS[para.align]
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(6)
        if para.space_before:
            fmt.space_before = Pt(para.space_before)
        if para.indent and para.align == "justify":
            fmt.first_line_indent = Mm(10)
        for item in para.runs:
            run = paragraph.add_run(item.text)
            run.bold, run.italic, run.underline = item.bold, item.italic, item.underline
            if para.size:
                run.font.size = Pt(para.size)
        return paragraph

    def borderless(self, table: Any) -> None:
        table.style = self.doc.styles["Normal Table"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER

    def header(self) -> None:
        document, doc = self.document, self.doc
        code = doc.add_paragraph()
        code.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        code_run = code.add_run(document.form_code)
        code_run.italic = True
        code_run.font.size = Pt(12)
        if document.personal:
            self.personal_header()
        else:
            self.issued_header()
        if document.draft_note:
            self.para(doc, Para([Run(document.draft_note, italic=True)], align="center", size=11))

    def personal_header(self) -> None:
        document = self.document
        _line(self.doc, document.national_header, bold=True, underline=True, size=15)
        if document.place_date:
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.space_before = Pt(6)
            run = paragraph.add_run(document.place_date)
            run.italic = True

    def issued_header(self) -> None:
        document = self.document
        header = self.doc.add_table(rows=1, cols=2)
        self.borderless(header)
        left, right = header.rows[0].cells
        left.width, right.width = Mm(75), Mm(90)
        _clear(left)
        _clear(right)
        if document.superior:
            _line(left, document.superior)
        _line(left, document.issuer, bold=True)
        _line(left, "*")
        if document.number:
            _line(left, document.number)
        _line(right, document.national_header, bold=True, underline=not document.national_motto)
        if document.national_motto:
            _line(right, document.national_motto, bold=True, underline=True)
        _line(right, "")
        if document.place_date:
            _line(right, document.place_date, italic=True)

    def title(self) -> None:
        document, doc = self.document, self.doc
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
            _line(doc, "-----", size=12).paragraph_format.space_after = Pt(12)

    def body(self) -> None:
        for block in self.document.body:
            if isinstance(block, Para):
                self.para(self.doc, block)
            else:
                self.table(block)

    def table(self, block: Table) -> None:
        table = self.doc.add_table(rows=1 + len(block.rows), cols=len(block.header))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        relative = block.widths or [1.0] * len(block.header)
        total = sum(relative)
        widths = [Mm(165 * w / total) for w in relative]
        for row_index, values in enumerate([block.header, *block.rows]):
            for col, value in enumerate(values):
                cell = table.rows[row_index].cells[col]
                cell.width = widths[col]
                _clear(cell)
                paragraph = cell.add_paragraph()
                paragraph.paragraph_format.space_after = Pt(0)
                run = paragraph.add_run(value)
                run.font.size = Pt(12)
                run.bold = row_index == 0
        self.doc.add_paragraph()

    def closing(self) -> None:
        """The recipients ("Nơi nhận") bottom left and the signatures bottom right."""
        document = self.document
        if not (document.signatures or document.recipients):
            return
        columns = max(1, len(document.signatures)) + (1 if document.recipients else 0)
        if len(document.signatures) == 1 and not document.recipients:
            columns = 2  # the signature stays on the right half
        block = self.doc.add_table(rows=1, cols=columns)
        self.borderless(block)
        cells = block.rows[0].cells
        for cell in cells:
            _clear(cell)
        offset = columns - len(document.signatures)
        if document.recipients:
            self.recipients(cells[0])
        elif offset > 0:
            cells[0].add_paragraph()
        for index, signature in enumerate(document.signatures):
            self.signature(cells[offset + index], signature)

    def recipients(self, cell: Any) -> None:
        paragraph = cell.add_paragraph()
        paragraph.paragraph_format.space_before = Pt(6)
        run = paragraph.add_run("Nơi nhận:")
        run.bold, run.italic, run.underline = True, True, True
        run.font.size = Pt(12)
        for item in self.document.recipients:
            paragraph = cell.add_paragraph()
            paragraph.paragraph_format.space_after = Pt(0)
            run = paragraph.add_run(item)
            run.font.size = Pt(11)

    def signature(self, cell: Any, signature: Signature) -> None:
        for text in signature.lines:
            _line(cell, text, bold=True)
        if signature.note:
            _line(cell, signature.note, italic=True, size=12)
        for _blank in range(4):
            _line(cell, "")
        _line(cell, signature.name, bold=True)

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


def render_docx(document: OfficialDocument) -> bytes:
    writer = _Writer(document)
    writer.page()
    writer.header()
    writer.title()
    writer.body()
    writer.closing()
    return writer.content()
