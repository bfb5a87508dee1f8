"""Resolutions and the appraisal: 6-KNĐ and 13-KNĐ (the cell), 8-KNĐ and 15-KNĐ (the
grassroots committee), 7-KNĐ (the partial committee's appraisal)."""

from __future__ import annotations

from ptdv.documents.dossier import Dossier, committee_name, short_date
from ptdv.documents.layout import Block, OfficialDocument, p
from ptdv.documents.numbering import in_text
from ptdv.documents.official_forms.common import (
    STANDARD_MERITS,
    STANDARD_SHORTCOMINGS,
    body_vote,
    cell_vote,
    centre,
    decider_body,
    heading,
    issued,
    person_phrase,
    signature,
)
from ptdv.documents.official_forms.spec import FormSpec
from ptdv.documents.official_forms.steps import step


def build_cell_resolution(d: Dossier, spec: FormSpec) -> OfficialDocument:
    recognition = spec.slug == "13-knd"
    facts = step(d, spec.slug)
    event, day = facts.event, facts.on
    doc = issued(d, spec, d.cell, day, event)
    cell = d.cell.name.removeprefix("Chi bộ ")
    who = "đảng viên dự bị" if recognition else "quần chúng"
    body: list[Block] = [
        p(
            f"Ngày {short_date(day)}, Chi bộ {cell} đã họp để xét "
            + (
                f"đề nghị công nhận đảng viên dự bị {d.person.full_name} trở thành đảng viên "
                "chính thức."
                if recognition
                else f"đề nghị kết nạp quần chúng {d.person.full_name} vào Đảng."
            )
        ),
    ]
    if facts.known:
        body += cell_vote(facts.vote)
    if recognition:
        body.append(
            p(
                f"Đồng chí {person_phrase(d)}; được kết nạp vào Đảng ngày "
                f"{short_date(d.candidacy.ceremony_date)}, hoàn thành chương trình bồi dưỡng "
                f"đảng viên mới (chứng nhận ngày {short_date(d.candidacy.newmember_course_date)})."
            )
        )
    else:
        body.append(p(f"Quần chúng {person_phrase(d)}."))
    body += [
        heading(f"Những ưu điểm, khuyết điểm chính của {who}:"),
        p("Ưu điểm: " + STANDARD_MERITS),
        p("Khuyết điểm: " + STANDARD_SHORTCOMINGS),
        centre("CHI BỘ QUYẾT NGHỊ"),
        p(
            (
                f"Đề nghị {decider_body(d)} xem xét, quyết định công nhận đồng chí "
                f"{d.person.full_name} là đảng viên chính thức."
            )
            if recognition
            else (
                f"Đề nghị {decider_body(d)} xem xét, quyết định kết nạp quần chúng "
                f"{d.person.full_name} vào Đảng Cộng sản Việt Nam."
            )
        ),
    ]
    doc.body = body
    doc.signatures = [signature(d.signer(d.cell, "CHI BỘ", event))]
    doc.recipients = [
        f"- {committee_name(d.grassroots) if d.grassroots.pk != d.cell.pk else decider_body(d)},",
        "- Lưu chi bộ.",
    ]
    return doc


def build_committee_resolution(d: Dossier, spec: FormSpec) -> OfficialDocument:
    recognition = spec.slug == "15-knd"
    grassroots = d.grassroots
    facts = step(d, spec.slug)
    event, day = facts.event, facts.on or spec.date(d)
    doc = issued(d, spec, grassroots, day, event)
    cell = step(d, "13-knd" if recognition else "6-knd")
    body: list[Block] = [
        p(
            f"Căn cứ Nghị quyết {in_text(cell.number)} ngày {short_date(cell.on)} của Chi bộ "
            f"{d.cell.name.removeprefix('Chi bộ ')} đề nghị "
            + (
                f"công nhận đảng viên dự bị {d.person.full_name} là đảng viên chính thức;"
                if recognition
                else f"kết nạp quần chúng {d.person.full_name} vào Đảng;"
            )
        ),
        p(
            f"Ngày {short_date(day)}, {committee_name(grassroots)} đã họp xét "
            + ("hồ sơ đảng viên dự bị." if recognition else "hồ sơ người xin vào Đảng.")
        ),
    ]
    if facts.known:
        body += body_vote(facts.vote, "đảng ủy")
    body += [
        p(("Đồng chí " if recognition else "Quần chúng ") + person_phrase(d) + "."),
        centre("ĐẢNG ỦY QUYẾT NGHỊ"),
        p(
            f"Đề nghị {decider_body(d)} xem xét, quyết định "
            + (
                f"công nhận đồng chí {d.person.full_name} là đảng viên chính thức."
                if recognition
                else f"kết nạp quần chúng {d.person.full_name} vào Đảng Cộng sản Việt Nam."
            )
        ),
    ]
    doc.body = body
    doc.signatures = [signature(d.signer(grassroots, "ĐẢNG ỦY", event))]
    doc.recipients = [
        f"- {decider_body(d)},",
        f"- Chi bộ {d.cell.name.removeprefix('Chi bộ ')},",
        "- Lưu.",
    ]
    return doc


def build_appraisal(d: Dossier, spec: FormSpec) -> OfficialDocument:
    partial = d.partial or d.grassroots
    day = spec.date(d)
    doc = issued(d, spec, partial, day, None)
    branch = step(d, "6-knd")
    doc.body = [
        p(
            f"Căn cứ Nghị quyết {in_text(branch.number)} ngày {short_date(branch.on)} của Chi bộ "
            f"{d.cell.name.removeprefix('Chi bộ ')} đề nghị kết nạp quần chúng "
            f"{d.person.full_name} vào Đảng, {committee_name(partial)} đã thẩm định "
            "hồ sơ và báo cáo như sau:"
        ),
        heading("1. Về hồ sơ"),
        p(
            "Hồ sơ gồm: đơn xin vào Đảng"
            f" (ngày {short_date(d.candidacy.application_date)}), lý lịch"
            f" (ngày {short_date(d.candidacy.history_date)}), giấy chứng nhận học lớp bồi dưỡng "
            f"nhận thức về Đảng (ngày {short_date(d.candidacy.certificate_date)}), giấy giới "
            "thiệu, tổng hợp ý kiến nhận xét"
            f" (ngày {short_date(d.candidacy.opinions_date)}), kết quả thẩm tra lý lịch"
            + (
                " (miễn thẩm tra)"
                if d.candidacy.verification_waived
                else f" (ngày {short_date(d.candidacy.verification_concluded_on)})"
            )
            + " và nghị quyết của chi bộ: đầy đủ, đúng quy định."
        ),
        heading("2. Về tiêu chuẩn, điều kiện của người vào Đảng"),
        p(person_phrase(d) + ". " + STANDARD_MERITS),
        heading("3. Đề nghị"),
        p(
            f"{committee_name(partial)} đề nghị {committee_name(d.grassroots)} xem xét, đề nghị "
            f"cấp có thẩm quyền kết nạp quần chúng {d.person.full_name} vào Đảng."
        ),
    ]
    doc.signatures = [signature(d.signer(partial, "ĐẢNG ỦY"))]
    doc.recipients = [f"- {committee_name(d.grassroots)},", "- Lưu."]
    return doc
