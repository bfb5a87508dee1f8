"""Introductions: 3-KNĐ and 3A-KNĐ (by one or two members), 4-KNĐ and 4A-KNĐ (by the Youth
Union or the trade union)."""

from __future__ import annotations

from ptdv.candidacies.models import Introducer, IntroducerKind
from ptdv.documents.dossier import Dossier, short_date
from ptdv.documents.layout import Block, OfficialDocument, Signature, labelled, p
from ptdv.documents.official_forms.common import (
    PERSONAL_NOTE,
    STANDARD_MERITS,
    STANDARD_SHORTCOMINGS,
    addressed_to_cell,
    heading,
    person_lines,
    person_phrase,
    personal,
)
from ptdv.documents.official_forms.spec import FormSpec


def _introduction_text(d: Dossier, introducer: Introducer) -> list[Block]:
    membership = introducer.membership
    name = membership.person.full_name if membership is not None else "……………"
    cell = membership.organisation.name if membership is not None else "……………"
    official = membership.official_date if membership is not None else None
    months = introducer.months_together
    return [
        labelled("Họ và tên người giới thiệu", name),
        labelled("Vào Đảng chính thức ngày", short_date(official) if official else ""),
        labelled("Đang sinh hoạt tại", cell),
        p(
            f"Được chi bộ phân công giúp đỡ, tôi đã cùng công tác, học tập hoặc cư trú với "
            f"quần chúng {d.person.full_name} "
            + (f"{months} tháng" if months is not None else "…… tháng")
            + (" (người giới thiệu thay thế)" if introducer.replacement else "")
            + ".",
            space_before=4,
        ),
    ]


def build_introduction(d: Dossier, spec: FormSpec) -> OfficialDocument:
    introducers = d.member_introducers()
    chosen = introducers[:2] if spec.slug == "3a-knd" else introducers[:1]
    day = max((i.date for i in chosen), default=None)
    doc = personal(d, spec, day, draft_note="")
    body: list[Block] = [
        addressed_to_cell(d),
    ]
    for introducer in chosen:
        body += _introduction_text(d, introducer)
    body += [
        p("Tôi (chúng tôi) xin giới thiệu quần chúng: " + person_phrase(d) + ".", space_before=4),
        heading("Những ưu điểm, khuyết điểm chính:"),
        p("Ưu điểm: " + STANDARD_MERITS),
        p("Khuyết điểm: " + STANDARD_SHORTCOMINGS),
        p(
            f"Tôi (chúng tôi) xét thấy quần chúng {d.person.full_name} đủ điều kiện vào Đảng, "
            "đề nghị chi bộ xem xét, kết nạp. Tôi (chúng tôi) chịu trách nhiệm trước Đảng về "
            "sự giới thiệu của mình."
        ),
    ]
    doc.body = body
    doc.signatures = [
        Signature(
            ["NGƯỜI GIỚI THIỆU"],
            name=i.membership.person.full_name if i.membership else "",
            note=PERSONAL_NOTE,
        )
        for i in chosen
    ]
    return doc


def build_union(d: Dossier, spec: FormSpec) -> OfficialDocument:
    youth = spec.slug == "4-knd"
    kind = IntroducerKind.YOUTH_UNION_COMMITTEE if youth else IntroducerKind.TRADE_UNION_COMMITTEE
    introducer = d.union_introducer(kind)
    day = introducer.date if introducer else None
    event = spec.event(d)
    base = d.grassroots.name
    for prefix in ("Đảng bộ cơ sở ", "Đảng bộ ", "Chi bộ cơ sở ", "Chi bộ "):
        base = base.removeprefix(prefix)
    issuer = (
        event.issuing_body.upper()
        if event is not None and event.issuing_body
        else ("BCH ĐOÀN TNCS HỒ CHÍ MINH " if youth else "BCH CÔNG ĐOÀN CƠ SỞ ") + base.upper()
    )
    number = d.number(spec.slug, event)
    doc = OfficialDocument(
        slug=spec.slug,
        form_code=f"Mẫu {spec.code}",
        title=spec.title,
        subtitle=spec.subtitle,
        national_header="ĐOÀN TNCS HỒ CHÍ MINH" if youth else "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        national_motto="" if youth else "Độc lập - Tự do - Hạnh phúc",
        superior=("ĐOÀN " if youth else "CÔNG ĐOÀN ") + base.upper(),
        issuer=issuer,
        number=number or ("Số      -NQ/ĐTN" if youth else "Số      -NQ/CĐCS"),
        place_date=d.place_date(d.cell, day),
        filename=f"{spec.slug}-{d.candidacy.pk}",
    )
    member = "đoàn viên" if youth else "công đoàn viên"
    doc.body = [
        p(
            f"Ngày {short_date(day)}, Ban Chấp hành {'Đoàn' if youth else 'Công đoàn'} cơ sở "
            f"đã họp xét, giới thiệu {member} ưu tú {d.person.full_name} để Chi bộ "
            f"{d.cell.name.removeprefix('Chi bộ ')} xem xét, kết nạp vào Đảng.",
        ),
        *person_lines(d),
        heading("Những ưu điểm, khuyết điểm chính:"),
        p("Ưu điểm: " + STANDARD_MERITS),
        p("Khuyết điểm: " + STANDARD_SHORTCOMINGS),
        p(
            f"Ban Chấp hành nhất trí giới thiệu {member} {d.person.full_name} với Chi bộ "
            f"{d.cell.name.removeprefix('Chi bộ ')} để xem xét, kết nạp vào Đảng Cộng sản "
            "Việt Nam."
        ),
    ]
    doc.signatures = [Signature(["T/M BAN CHẤP HÀNH", "BÍ THƯ" if youth else "CHỦ TỊCH"])]
    doc.recipients = [f"- Chi bộ {d.cell.name.removeprefix('Chi bộ ')},", "- Lưu."]
    return doc
