"""The numbers and symbols of issued documents (HD 36-HD/VPTW; HD 12-HD/BTCTW Appendix 2).

Pure text, no database: the issuing body's abbreviation, the symbol "12-QĐ/ĐU", the
"Số …" line a form prints, and whether a form takes its number from the register when it
is generated. The register itself (its counter and entries) is written by
`ptdv.documents.services.document_number_issue`.
"""

from __future__ import annotations

from ptdv.organisations.models import Kind, Organisation

# Abbreviations of issuing bodies when an organisation has none of its own (HD 36-HD/VPTW).
_DEFAULT_ABBREVIATION: dict[str, str] = {
    Kind.PROVINCE: "TU",
    Kind.COMMUNE: "ĐU",
    Kind.BLOC: "ĐU",
    Kind.GRASSROOTS_COMMITTEE: "ĐU",
    Kind.PARTIAL_COMMITTEE: "ĐU",
    Kind.GRASSROOTS_CELL: "CB",
    Kind.CELL: "CB",
    Kind.NATIONAL: "TW",
}


def organisation_abbreviation(organisation: Organisation) -> str:
    # A kind is its enum's value: the table answers for it (`Kind.values` is rebuilt on
    # every read, which the demo's ~2 million numbers felt); any other kind is a cell's.
    return organisation.abbreviation or _DEFAULT_ABBREVIATION.get(organisation.kind, "CB")


def document_symbol(*, number: int | None, kind: str, organisation: Organisation) -> str:
    """ "12-QĐ/ĐU": the number, the kind of document and the issuing body's abbreviation.
    Without a number the space is left for it ("   -QĐ/ĐU")."""
    shown = str(number) if number else "\u2003\u2003"
    return f"{shown}-{kind}/{organisation_abbreviation(organisation)}"


def number_line(recorded: str) -> str:
    """ "Số 12-QĐ/ĐU" from a recorded number however it was typed ("số: 12-QĐ/ĐU", "12-QĐ/ĐU");
    "" when nothing is recorded."""
    value = recorded.strip()
    for prefix in ("Số:", "Số", "số:", "số"):
        if value.startswith(prefix):
            value = value[len(prefix) :].strip()
    return f"Số {value}" if value else ""


def number_blank(kind: str | None, organisation: Organisation) -> str:
    """The number line of a numbered document not numbered yet: the space for the number is
    left before the symbol, as on paper ("Số   -QĐ/ĐU"); "" for an unnumbered document."""
    if not kind:
        return ""
    return "Số " + document_symbol(number=None, kind=kind, organisation=organisation)


def in_text(number: str) -> str:
    """A number line as a sentence cites it: "số 12-QĐ/ĐU", or a blank to fill."""
    return number.replace("Số ", "số ") if number else "số ……"
