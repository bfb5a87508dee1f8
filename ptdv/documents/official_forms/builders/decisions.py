"""Decisions: 9-KNĐ (admission) and the recognition as an official member."""

from __future__ import annotations

import datetime as dt

from ptdv.documents.dossier import Dossier, committee_name, issuer_name, short_date
from ptdv.documents.layout import Block, OfficialDocument, Para, Run, p
from ptdv.documents.numbering import in_text
from ptdv.documents.official_forms.common import centre, issued, person_phrase, signature
from ptdv.documents.official_forms.spec import FormSpec
from ptdv.documents.official_forms.steps import recognition_committee_date, step
from ptdv.rules.engine import add_months


def _committee_ground(d: Dossier, recognition: bool) -> str:
    """ " và Nghị quyết số … ngày … của Đảng ủy …" when a grassroots committee stands between
    the cell and the decider and the dossier knows its resolution; else ""."""
    day: dt.date | None
    if recognition:
        if not d.committee_step:
            return ""
        number, day = d.number("15-knd"), recognition_committee_date(d)
        if not number:
            return ""
    else:
        # A resolution voted before 1 July 2025 by the commune's committee (then a grassroots
        # committee) is cited even when the decision came after the reform.
        committee = step(d, "8-knd")
        if not (committee.number or committee.known):
            return ""
        number, day = committee.number, committee.on
    return (
        f" và Nghị quyết {in_text(number)} ngày {short_date(day)} của "
        f"{committee_name(d.grassroots_on(day))}"
    )


def _grounds(d: Dossier, recognition: bool) -> list[Block]:
    cell = step(d, "13-knd" if recognition else "6-knd")
    return [
        p("- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;", indent=False),
        p(
            "- Căn cứ Quy định và Hướng dẫn của Ban Chấp hành Trung ương, Ban Bí thư về thi hành "
            "Điều lệ Đảng;",
            indent=False,
        ),
        p(
            f"- Xét Nghị quyết {in_text(cell.number)} ngày {short_date(cell.on)} của Chi bộ "
            f"{d.cell.name.removeprefix('Chi bộ ')}" + _committee_ground(d, recognition) + ";",
            indent=False,
        ),
    ]


def _executors(d: Dossier) -> str:
    """ "Đảng ủy …, " before the cell in the article naming who carries out the decision; a
    grassroots cell is named once."""
    grassroots = d.grassroots
    return "" if grassroots.pk == d.cell.pk else f"{committee_name(grassroots)}, "


def _article(number: int, text: str) -> Para:
    return Para([Run(f"Điều {number}. ", bold=True), Run(text)])


def _recognition_articles(d: Dossier) -> list[Block]:
    cell = d.cell.name.removeprefix("Chi bộ ")
    ceremony = d.candidacy.ceremony_date
    official_date = add_months(ceremony, 12) if ceremony else None
    return [
        _article(
            1,
            f"Công nhận đồng chí {person_phrase(d)}, đảng viên dự bị sinh hoạt tại "
            f"Chi bộ {cell}, là đảng viên chính thức của Đảng Cộng sản Việt Nam kể "
            f"từ ngày {short_date(official_date)}.",
        ),
        _article(
            2,
            f"{_executors(d)}Chi bộ {cell} và đồng chí {d.person.full_name} "
            "chịu trách nhiệm thi hành Quyết định này.",
        ),
    ]


def _admission_articles(d: Dossier) -> list[Block]:
    cell = d.cell.name.removeprefix("Chi bộ ")
    return [
        _article(
            1,
            f"Kết nạp quần chúng {person_phrase(d)} vào Đảng Cộng sản Việt Nam; "
            f"sinh hoạt tại Chi bộ {cell}.",
        ),
        _article(
            2,
            "Thời gian dự bị là 12 tháng kể từ ngày chi bộ tổ chức lễ kết nạp. Chi bộ "
            "tổ chức lễ kết nạp trong thời hạn 30 ngày làm việc kể từ ngày nhận được "
            "quyết định.",
        ),
        _article(
            3,
            f"{_executors(d)}Chi bộ {cell} và đồng chí {d.person.full_name} "
            "chịu trách nhiệm thi hành Quyết định này.",
        ),
    ]


def build_decision(d: Dossier, spec: FormSpec) -> OfficialDocument:
    recognition = spec.slug == "recognition-decision"
    facts = step(d, spec.slug)
    decider = d.decider
    doc = issued(d, spec, decider, facts.on, facts.event)
    collective = "ĐẢNG ỦY" if d.decider_is_grassroots else "BAN THƯỜNG VỤ"
    decides = f"{collective} {issuer_name(decider)} QUYẾT ĐỊNH".replace(
        "ĐẢNG ỦY ĐẢNG ỦY", "ĐẢNG ỦY"
    )
    articles = _recognition_articles(d) if recognition else _admission_articles(d)
    doc.body = [*_grounds(d, recognition), centre(decides), *articles]
    doc.signatures = [signature(d.signer(decider, collective, facts.event))]
    doc.recipients = [
        "- Như Điều 3," if not recognition else "- Như Điều 2,",
        "- Lưu hồ sơ đảng viên, Văn phòng cấp ủy.",
    ]
    return doc
