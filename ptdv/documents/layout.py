"""One official document, two formats.

A form is built once as an `OfficialDocument` (header, number, place and date, title, body,
signatures) and rendered from that same value to an editable DOCX (python-docx, in
`docx_writer`) and to a PDF (WeasyPrint, from the `documents/official.html` template and its
stylesheet `documents/official.css`), so the two never disagree.

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

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from django.template.loader import render_to_string

if TYPE_CHECKING:
    from weasyprint import CSS
    from weasyprint import Document as WeasyDocument
    from weasyprint.text.fonts import FontConfiguration

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


# --- PDF -------------------------------------------------------------------------------------

# The style of every official document (Hướng dẫn 36-HD/VPTW), kept beside its template.
STYLESHEET = Path(__file__).resolve().parents[1] / "templates" / "documents" / "official.css"


@dataclass
class _Typesetter:
    """What WeasyPrint needs for any official document and may reuse from one to the next.

    An inline <style> is parsed again with every page, and a fresh FontConfiguration loads
    fontconfig and Pango's font map anew with empty caches (loaded fonts, shaping, line
    metrics): together a third of a form's rendering. Both depend on nothing but the
    stylesheet file and the fonts installed, so they are made once and kept. Pango's font
    map is not thread-safe, so each thread (gunicorn may run several in a worker) has its
    own, and a process forked after one was made builds its own too.
    """

    pid: int
    font_config: FontConfiguration
    stylesheet: CSS


_typesetters = threading.local()


def _typesetter() -> _Typesetter:
    # WeasyPrint takes over a second to import: it loads when a PDF is rendered.
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    current: _Typesetter | None = getattr(_typesetters, "current", None)
    if current is None or current.pid != os.getpid():
        font_config = FontConfiguration()
        # The sheet is given as the user's stylesheet rather than the page's own (an
        # author's): it overrides WeasyPrint's defaults just the same, and the only author
        # style left, a run's inline style="", still wins over it as it did over <style>.
        stylesheet = CSS(filename=STYLESHEET, font_config=font_config)
        current = _typesetters.current = _Typesetter(os.getpid(), font_config, stylesheet)
    return current


def render_html(document: OfficialDocument) -> str:
    """The document as HTML, without its style (the `STYLESHEET`, applied by `typeset`)."""
    return render_to_string("documents/official.html", {"doc": document})


def typeset(document: OfficialDocument) -> WeasyDocument:
    """The document laid out in pages, ready to write as PDF (alone or with others)."""
    from weasyprint import HTML

    typesetter = _typesetter()
    return HTML(string=render_html(document)).render(
        font_config=typesetter.font_config, stylesheets=[typesetter.stylesheet]
    )


def render_pdf(document: OfficialDocument) -> bytes:
    pdf: bytes = typeset(document).write_pdf()
    return pdf
