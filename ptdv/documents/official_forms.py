"""The official forms of the admission dossier (workflow.md §3), built from the dossier.

Each form is a `FormSpec`: its slug and code, when it becomes available, which body issues
it and under which number kind, and a builder returning the complete `OfficialDocument`.
Numbering follows HD 09-HD/BTCTW (2017) as carried into HD 12-HD/BTCTW (2022), Appendix 2
(regulations.md §3.2). The forms a person writes (1-KNĐ, 2-KNĐ, 3-KNĐ, 10-KNĐ, 11-KNĐ)
come as pre-filled drafts for them to complete and sign.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ptdv.candidacies.models import CandidacyEvent, Introducer, IntroducerKind, Stage
from ptdv.documents.dossier import (
    Dossier,
    committee_name,
    issuer_name,
    long_date,
    short_date,
    superior_line,
)
from ptdv.documents.layout import Block, OfficialDocument, Para, Run, Signature, Table, labelled, p
from ptdv.documents.models import DocumentKind, Relation
from ptdv.documents.services import document_symbol
from ptdv.organisations.models import Organisation
from ptdv.people.choices import ETHNICITIES, Education, Gender, Occupation, Religion

_ETHNICITY = dict(ETHNICITIES)
DRAFT_NOTE = "(Bản điền sẵn từ hồ sơ để người khai đối chiếu, bổ sung và tự viết, ký)"
PERSONAL_NOTE = "(Ký, ghi rõ họ tên)"
STANDARD_MERITS = (
    "Có lập trường tư tưởng chính trị vững vàng, tin tưởng vào sự lãnh đạo của Đảng; chấp hành "
    "tốt chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước và quy định của địa "
    "phương, cơ quan, đơn vị; có đạo đức, lối sống lành mạnh, gần gũi, đoàn kết với mọi người; "
    "hoàn thành tốt nhiệm vụ được giao."
)
STANDARD_SHORTCOMINGS = "Cần tiếp tục học tập, nâng cao trình độ lý luận chính trị và nghiệp vụ."


# --- Shared text -----------------------------------------------------------------------------


def _label(choices: type, value: str) -> str:
    return str(dict(choices.choices).get(value, value))  # type: ignore[attr-defined]


def _locality_text(d: Dossier) -> str:
    locality = d.person.residence_locality
    if locality is None:
        return ""
    commune = locality.organisation.name
    for prefix in ("Đảng bộ ", "Chi bộ "):
        if commune.startswith(prefix):
            commune = commune[len(prefix) :]
    return f"{locality.get_kind_display()} {locality.name}, {commune}"


def _person_lines(d: Dossier) -> list[Block]:
    person = d.person
    return [
        labelled("Họ và tên", person.full_name),
        labelled("Giới tính", _label(Gender, person.gender)),
        labelled("Ngày sinh", short_date(person.birth_date)),
        labelled("Dân tộc", _ETHNICITY.get(person.ethnicity, person.ethnicity)),
        labelled("Tôn giáo", _label(Religion, person.religion)),
        labelled("Nơi cư trú", _locality_text(d)),
        labelled("Nghề nghiệp", _label(Occupation, person.occupation)),
        labelled("Nơi làm việc, học tập", person.workplace),
        labelled("Trình độ học vấn", _label(Education, person.education)),
    ]


def _person_phrase(d: Dossier) -> str:
    person = d.person
    parts = [f"{person.full_name}, sinh ngày {short_date(person.birth_date)}"]
    residence = _locality_text(d)
    if residence:
        parts.append(f"nơi cư trú: {residence}")
    parts.append(f"nghề nghiệp: {_label(Occupation, person.occupation)}")
    if person.workplace:
        parts.append(f"nơi làm việc, học tập: {person.workplace}")
    return ", ".join(parts)


def _percent(agree: int | None, total: int | None) -> str:
    if not agree or not total:
        return "…"
    return f"{100 * agree / total:.1f}".replace(".", ",") + "%"


def _n(value: object) -> str:
    return "…" if value in (None, "") else str(value)


def _cell_vote(event: CandidacyEvent) -> list[Block]:
    vote = event.vote or {}
    official = vote.get("official_members")
    denominator = vote.get("denominator") or official
    present = vote.get("present")
    agree = vote.get("agree")
    lines: list[Block] = [
        p(
            f"Tổng số đảng viên chính thức của chi bộ: {_n(official)} đồng chí"
            + (
                f" (trừ {vote['temporarily_attached_elsewhere']} đồng chí sinh hoạt tạm thời "
                "nơi khác"
                if vote.get("temporarily_attached_elsewhere")
                else ""
            )
            + (
                f"; trừ {vote['exempted_absent']} đồng chí được miễn sinh hoạt vắng mặt"
                if vote.get("exempted_absent")
                else ""
            )
            + (")" if vote.get("temporarily_attached_elsewhere") else "")
            + f"; số đảng viên được triệu tập: {_n(vote.get('summoned'))}; "
            f"có mặt: {_n(present)} đồng chí."
        ),
        p(
            f"Số đảng viên chính thức tán thành: {_n(agree)}/{_n(denominator)} đồng chí, "
            f"đạt {_percent(agree, denominator)} so với tổng số đảng viên chính thức của "
            "chi bộ (Điều lệ Đảng: phải được ít nhất hai phần ba số đảng viên chính thức "
            "tán thành)."
        ),
    ]
    return lines


def _body_vote(event: CandidacyEvent, body: str) -> list[Block]:
    vote = event.vote or {}
    size = vote.get("body_size") or vote.get("denominator")
    agree = vote.get("agree")
    return [
        p(
            f"Tổng số ủy viên {body}: {_n(size)} đồng chí; có mặt: {_n(vote.get('present'))} "
            "đồng chí."
        ),
        p(
            f"Số ủy viên tán thành: {_n(agree)}/{_n(size)} đồng chí, đạt "
            f"{_percent(agree, size)} so với tổng số ủy viên."
        ),
    ]


def _decider_body(d: Dossier) -> str:
    """Who decides, as a sentence names it."""
    if d.decider_is_grassroots:
        return committee_name(d.decider)
    return "Ban Thường vụ " + committee_name(d.decider)


def _heading(text: str) -> Para:
    return Para([Run(text, bold=True)], align="left", indent=False, space_before=4)


def _centre(text: str) -> Para:
    return Para([Run(text, bold=True)], align="center", indent=False, space_before=6)


def _issued(
    d: Dossier,
    spec: FormSpec,
    organisation: Organisation,
    day: dt.date | None,
    event: CandidacyEvent | None,
    **kwargs: object,
) -> OfficialDocument:
    """The header every issued document shares."""
    doc = OfficialDocument(
        slug=spec.slug,
        form_code=f"Mẫu {spec.code}" if spec.code else "",
        title=spec.title,
        subtitle=spec.subtitle,
        superior=superior_line(organisation, d.parent_of(organisation)),
        issuer=(event.issuing_body.upper() if event is not None and event.issuing_body else "")
        or issuer_name(organisation),
        number=d.number(spec.slug, event)
        or (
            # No number yet: the space for it is left before the symbol, as on paper.
            "Số " + document_symbol(number=None, kind=spec.kind, organisation=organisation)
            if spec.kind
            else ""
        ),
        place_date=d.place_date(organisation, day),
        filename=f"{spec.slug}-{d.candidacy.pk}",
    )
    for key, value in kwargs.items():
        setattr(doc, key, value)
    return doc


def _personal(
    d: Dossier, spec: FormSpec, day: dt.date | None, **kwargs: object
) -> OfficialDocument:
    doc = OfficialDocument(
        slug=spec.slug,
        form_code=f"Mẫu {spec.code}",
        title=spec.title,
        subtitle=spec.subtitle,
        place_date=d.place_date(d.cell, day),
        draft_note=DRAFT_NOTE,
        filename=f"{spec.slug}-{d.candidacy.pk}",
    )
    for key, value in kwargs.items():
        setattr(doc, key, value)
    return doc


def _signature(line: object) -> Signature:
    return Signature(lines=line.lines, name=line.name)  # type: ignore[attr-defined]


# --- The catalogue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FormSpec:
    slug: str
    code: str
    title: str
    subtitle: str
    name: str  # what the list on the dossier page shows
    personal: bool
    kind: str | None  # the register's document kind for a numbered document
    available: Callable[[Dossier], bool]
    issuer: Callable[[Dossier], Organisation | None]
    date: Callable[[Dossier], dt.date | None]
    event: Callable[[Dossier], CandidacyEvent | None]
    build: Callable[[Dossier, FormSpec], OfficialDocument]


def _after(stage: Stage) -> Callable[[Dossier], bool]:
    order = [s.value for s in Stage]

    def check(d: Dossier) -> bool:
        current = d.candidacy.stage
        if current == Stage.CLOSED:
            return False
        return order.index(current) >= order.index(stage)

    return check


# --- Builders --------------------------------------------------------------------------------


def build_certificate(d: Dossier, spec: FormSpec) -> OfficialDocument:
    event = spec.event(d)
    issuer = d.decider
    day = d.candidacy.certificate_date
    doc = _issued(d, spec, issuer, day, event)
    doc.body = [
        p(
            f"{doc.issuer} chứng nhận:",
            indent=True,
        ),
        *_person_lines(d),
        p(
            "Đã hoàn thành chương trình học lớp bồi dưỡng nhận thức về Đảng, được cấp giấy "
            f"chứng nhận ngày {short_date(day)}. Giấy chứng nhận có giá trị 60 tháng kể từ "
            "ngày cấp (Hướng dẫn 12-HD/BTCTW).",
            space_before=6,
        ),
    ]
    doc.signatures = [_signature(d.signer(issuer, "BAN THƯỜNG VỤ", event))]
    doc.recipients = ["- Người được cấp giấy,", f"- {d.cell.name},", "- Lưu."]
    return doc


def build_application(d: Dossier, spec: FormSpec) -> OfficialDocument:
    day = d.candidacy.application_date or d.today
    doc = _personal(d, spec, day)
    doc.body = [
        Para(
            [Run("Kính gửi: ", bold=True), Run(f"Chi bộ {d.cell.name.removeprefix('Chi bộ ')}")],
            align="center",
            indent=False,
            space_before=6,
        ),
        *_person_lines(d),
        p(
            "Sau khi được học tập, nghiên cứu Điều lệ Đảng Cộng sản Việt Nam, Cương lĩnh chính "
            "trị, đường lối, chủ trương của Đảng và học lớp bồi dưỡng nhận thức về Đảng"
            + (
                f" (giấy chứng nhận ngày {short_date(d.candidacy.certificate_date)})"
                if d.candidacy.certificate_date
                else ""
            )
            + ", tôi nhận thức được: Đảng Cộng sản Việt Nam là đội tiên phong của giai cấp công "
            "nhân, đồng thời là đội tiên phong của nhân dân lao động và của dân tộc Việt Nam; "
            "mục đích của Đảng là xây dựng nước Việt Nam độc lập, dân giàu, nước mạnh, dân chủ, "
            "công bằng, văn minh, không còn người bóc lột người, thực hiện thành công chủ nghĩa "
            "xã hội và cuối cùng là chủ nghĩa cộng sản.",
            space_before=6,
        ),
        p(
            "Tôi tự nguyện làm đơn này, xin được đứng vào hàng ngũ của Đảng Cộng sản Việt Nam. "
            "Tôi xin hứa tuyệt đối trung thành với mục đích lý tưởng của Đảng, thực hiện Cương "
            "lĩnh chính trị, Điều lệ Đảng, nghị quyết, chỉ thị của Đảng, chính sách, pháp luật "
            "của Nhà nước; hoàn thành tốt nhiệm vụ được giao; giữ gìn phẩm chất đạo đức cách "
            "mạng, đoàn kết, gắn bó mật thiết với nhân dân, phục tùng tổ chức, kỷ luật của Đảng."
        ),
    ]
    doc.signatures = [
        Signature(["NGƯỜI LÀM ĐƠN"], name=d.person.full_name, note=PERSONAL_NOTE),
    ]
    return doc


def build_history(d: Dossier, spec: FormSpec) -> OfficialDocument:
    day = d.candidacy.history_date or d.today
    doc = _personal(d, spec, day)
    relatives = d.relatives
    rows = [
        [
            str(r.get_relation_display()),
            r.full_name,
            str(r.birth_year or ""),
            r.occupation,
            r.residence,
            r.political_history,
            "Có" if r.party_member else "Không",
        ]
        for r in relatives
    ]
    missing = [
        str(relation.label)
        for relation in (Relation.FATHER, Relation.MOTHER)
        if relation not in {r.relation for r in relatives}
    ]
    doc.body = [
        _heading("I. SƠ LƯỢC LÝ LỊCH"),
        *_person_lines(d),
        labelled(
            "Đoàn viên Đoàn TNCS Hồ Chí Minh", "Có" if d.person.youth_union_member else "Không"
        ),
        labelled("Đoàn viên Công đoàn", "Có" if d.person.trade_union_member else "Không"),
        _heading("II. LỊCH SỬ BẢN THÂN VÀ QUÁ TRÌNH CÔNG TÁC"),
        p(
            "(Người khai ghi rõ từ năm 10 tuổi đến nay: thời gian, làm gì, ở đâu, chức vụ, "
            "khen thưởng, kỷ luật.)",
            italic=True,
        ),
        Table(
            header=["Từ tháng, năm đến tháng, năm", "Làm công việc gì, ở đâu", "Chức vụ"],
            rows=[["…", d.person.workplace or "…", "…"]],
            widths=[1.2, 3, 1.2],
        ),
        _heading("III. HOÀN CẢNH GIA ĐÌNH"),
        Table(
            header=[
                "Quan hệ",
                "Họ và tên",
                "Năm sinh",
                "Nghề nghiệp",
                "Nơi ở hiện nay",
                "Lịch sử chính trị",
                "Đảng viên",
            ],
            rows=rows or [["…"] * 7],
            widths=[1.1, 1.6, 0.8, 1.3, 1.6, 2.2, 0.8],
        ),
    ]
    if missing:
        doc.body.append(
            p("Còn thiếu thông tin: " + ", ".join(missing) + ".", italic=True, indent=False)
        )
    doc.body += [
        _heading("IV. TỰ NHẬN XÉT"),
        p(STANDARD_MERITS),
        _heading("V. CAM ĐOAN"),
        p(
            "Tôi cam đoan đã khai đầy đủ, rõ ràng, trung thực và chịu trách nhiệm trước Đảng "
            "về những nội dung đã khai trong lý lịch."
        ),
    ]
    doc.signatures = [Signature(["NGƯỜI KHAI"], name=d.person.full_name, note=PERSONAL_NOTE)]
    return doc


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
    doc = _personal(d, spec, day, draft_note="")
    body: list[Block] = [
        Para(
            [Run("Kính gửi: ", bold=True), Run(f"Chi bộ {d.cell.name.removeprefix('Chi bộ ')}")],
            align="center",
            indent=False,
            space_before=6,
        ),
    ]
    for introducer in chosen:
        body += _introduction_text(d, introducer)
    body += [
        p("Tôi (chúng tôi) xin giới thiệu quần chúng: " + _person_phrase(d) + ".", space_before=4),
        _heading("Những ưu điểm, khuyết điểm chính:"),
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
        *_person_lines(d),
        _heading("Những ưu điểm, khuyết điểm chính:"),
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


def build_opinions(d: Dossier, spec: FormSpec, probationary: bool = False) -> OfficialDocument:
    day = spec.date(d)
    doc = _issued(d, spec, d.cell, day, None)
    who = "đảng viên dự bị" if probationary else "người xin vào Đảng"
    doc.body = [
        p(
            f"Thực hiện quy định về việc lấy ý kiến nhận xét của tổ chức đoàn thể chính trị - xã "
            f"hội nơi làm việc và chi ủy, chi bộ nơi cư trú đối với {who}, chi ủy Chi bộ "
            f"{d.cell.name.removeprefix('Chi bộ ')} tổng hợp ý kiến nhận xét đối với "
            f"{_person_phrase(d)} như sau:"
        ),
        _heading("1. Ý kiến nhận xét của tổ chức đoàn thể nơi làm việc, học tập"),
        p("Ưu điểm: " + STANDARD_MERITS),
        p("Khuyết điểm: " + STANDARD_SHORTCOMINGS),
        _heading("2. Ý kiến nhận xét của chi ủy, chi bộ nơi cư trú"),
        p(
            "Chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước và quy định "
            "nơi cư trú; gương mẫu thực hiện nghĩa vụ công dân, đoàn kết với nhân dân nơi cư trú."
        ),
        _heading("3. Kết luận"),
        p(
            f"Chi ủy nhất trí với các ý kiến nhận xét trên (tổng hợp ngày {short_date(day)})"
            + ("; đề nghị chi bộ xét công nhận đảng viên chính thức." if probationary else ".")
        ),
    ]
    doc.signatures = [_signature(d.signer(d.cell, "CHI ỦY"))]
    doc.recipients = ["- Lưu hồ sơ " + ("đảng viên." if probationary else "người xin vào Đảng.")]
    return doc


def build_cell_resolution(d: Dossier, spec: FormSpec) -> OfficialDocument:
    recognition = spec.slug == "13-knd"
    event = spec.event(d)
    day = event.on if event else None
    doc = _issued(d, spec, d.cell, day, event)
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
    if event is not None:
        body += _cell_vote(event)
    if recognition:
        body.append(
            p(
                f"Đồng chí {_person_phrase(d)}; được kết nạp vào Đảng ngày "
                f"{short_date(d.candidacy.ceremony_date)}, hoàn thành chương trình bồi dưỡng "
                f"đảng viên mới (chứng nhận ngày {short_date(d.candidacy.newmember_course_date)})."
            )
        )
    else:
        body.append(p(f"Quần chúng {_person_phrase(d)}."))
    body += [
        _heading(f"Những ưu điểm, khuyết điểm chính của {who}:"),
        p("Ưu điểm: " + STANDARD_MERITS),
        p("Khuyết điểm: " + STANDARD_SHORTCOMINGS),
        _centre("CHI BỘ QUYẾT NGHỊ"),
        p(
            (
                f"Đề nghị {_decider_body(d)} xem xét, quyết định công nhận đồng chí "
                f"{d.person.full_name} là đảng viên chính thức."
            )
            if recognition
            else (
                f"Đề nghị {_decider_body(d)} xem xét, quyết định kết nạp quần chúng "
                f"{d.person.full_name} vào Đảng Cộng sản Việt Nam."
            )
        ),
    ]
    doc.body = body
    doc.signatures = [_signature(d.signer(d.cell, "CHI BỘ", event))]
    doc.recipients = [
        f"- {committee_name(d.grassroots) if d.grassroots.pk != d.cell.pk else _decider_body(d)},",
        "- Lưu chi bộ.",
    ]
    return doc


def build_committee_resolution(d: Dossier, spec: FormSpec) -> OfficialDocument:
    recognition = spec.slug == "15-knd"
    grassroots = d.grassroots
    event = d.event("committee_vote") if not recognition else None
    day = event.on if event else spec.date(d)
    doc = _issued(d, spec, grassroots, day, event)
    cell_resolution = d.event("recognition_vote" if recognition else "branch_vote")
    cell_number = d.number("13-knd" if recognition else "6-knd", cell_resolution)
    body: list[Block] = [
        p(
            f"Căn cứ Nghị quyết {cell_number.replace('Số ', 'số ')} ngày "
            f"{short_date(cell_resolution.on if cell_resolution else None)} của Chi bộ "
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
    if event is not None:
        body += _body_vote(event, "đảng ủy")
    body += [
        p(("Đồng chí " if recognition else "Quần chúng ") + _person_phrase(d) + "."),
        _centre("ĐẢNG ỦY QUYẾT NGHỊ"),
        p(
            f"Đề nghị {_decider_body(d)} xem xét, quyết định "
            + (
                f"công nhận đồng chí {d.person.full_name} là đảng viên chính thức."
                if recognition
                else f"kết nạp quần chúng {d.person.full_name} vào Đảng Cộng sản Việt Nam."
            )
        ),
    ]
    doc.body = body
    doc.signatures = [_signature(d.signer(grassroots, "ĐẢNG ỦY", event))]
    doc.recipients = [
        f"- {_decider_body(d)},",
        f"- Chi bộ {d.cell.name.removeprefix('Chi bộ ')},",
        "- Lưu.",
    ]
    return doc


def build_appraisal(d: Dossier, spec: FormSpec) -> OfficialDocument:
    partial = d.partial or d.grassroots
    day = spec.date(d)
    doc = _issued(d, spec, partial, day, None)
    branch = d.event("branch_vote")
    doc.body = [
        p(
            f"Căn cứ Nghị quyết {d.number('6-knd', branch).replace('Số ', 'số ')} ngày "
            f"{short_date(branch.on if branch else None)} của Chi bộ "
            f"{d.cell.name.removeprefix('Chi bộ ')} đề nghị kết nạp quần chúng "
            f"{d.person.full_name} vào Đảng, {committee_name(partial)} đã thẩm định "
            "hồ sơ và báo cáo như sau:"
        ),
        _heading("1. Về hồ sơ"),
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
        _heading("2. Về tiêu chuẩn, điều kiện của người vào Đảng"),
        p(_person_phrase(d) + ". " + STANDARD_MERITS),
        _heading("3. Đề nghị"),
        p(
            f"{committee_name(partial)} đề nghị {committee_name(d.grassroots)} xem xét, đề nghị "
            f"cấp có thẩm quyền kết nạp quần chúng {d.person.full_name} vào Đảng."
        ),
    ]
    doc.signatures = [_signature(d.signer(partial, "ĐẢNG ỦY"))]
    doc.recipients = [f"- {committee_name(d.grassroots)},", "- Lưu."]
    return doc


def build_decision(d: Dossier, spec: FormSpec) -> OfficialDocument:
    recognition = spec.slug == "recognition-decision"
    event = spec.event(d)
    day = event.on if event else None
    decider = d.decider
    doc = _issued(d, spec, decider, day, event)
    cell = d.cell.name.removeprefix("Chi bộ ")
    cell_event = d.event("recognition_vote" if recognition else "branch_vote")
    committee = None if recognition else d.event("committee_vote")
    committee_number = d.number("15-knd" if recognition else "8-knd", committee)
    committee_day = (
        FORMS["15-knd"].date(d) if recognition else (committee.on if committee else None)
    )
    grounds: list[Block] = [
        p("- Căn cứ Điều lệ Đảng Cộng sản Việt Nam;", indent=False),
        p(
            "- Căn cứ Quy định và Hướng dẫn của Ban Chấp hành Trung ương, Ban Bí thư về thi hành "
            "Điều lệ Đảng;",
            indent=False,
        ),
        p(
            f"- Xét Nghị quyết {d.number('13-knd' if recognition else '6-knd', cell_event)} "
            f"ngày {short_date(cell_event.on if cell_event else None)} của Chi bộ {cell}".replace(
                "Số ", "số "
            )
            + (
                f" và Nghị quyết {committee_number} ngày {short_date(committee_day)} của "
                f"{committee_name(d.grassroots)}".replace("Số ", "số ")
                if d.committee_step and committee_number
                else ""
            )
            + ";",
            indent=False,
        ),
    ]
    collective = "ĐẢNG ỦY" if d.decider_is_grassroots else "BAN THƯỜNG VỤ"
    decides = f"{collective} {issuer_name(decider)} QUYẾT ĐỊNH".replace(
        "ĐẢNG ỦY ĐẢNG ỦY", "ĐẢNG ỦY"
    )
    if recognition:
        from ptdv.rules.engine import add_months

        official_date = (
            add_months(d.candidacy.ceremony_date, 12) if d.candidacy.ceremony_date else None
        )
        articles = [
            Para(
                [
                    Run("Điều 1. ", bold=True),
                    Run(
                        f"Công nhận đồng chí {_person_phrase(d)}, đảng viên dự bị sinh hoạt tại "
                        f"Chi bộ {cell}, là đảng viên chính thức của Đảng Cộng sản Việt Nam kể "
                        f"từ ngày {short_date(official_date)}."
                    ),
                ]
            ),
            Para(
                [
                    Run("Điều 2. ", bold=True),
                    Run(
                        f"{committee_name(d.grassroots)}, Chi bộ {cell} và đồng chí "
                        f"{d.person.full_name} "
                        "chịu trách nhiệm thi hành Quyết định này."
                    ),
                ]
            ),
        ]
    else:
        articles = [
            Para(
                [
                    Run("Điều 1. ", bold=True),
                    Run(
                        f"Kết nạp quần chúng {_person_phrase(d)} vào Đảng Cộng sản Việt Nam; "
                        f"sinh hoạt tại Chi bộ {cell}."
                    ),
                ]
            ),
            Para(
                [
                    Run("Điều 2. ", bold=True),
                    Run(
                        "Thời gian dự bị là 12 tháng kể từ ngày chi bộ tổ chức lễ kết nạp. Chi bộ "
                        "tổ chức lễ kết nạp trong thời hạn 30 ngày làm việc kể từ ngày nhận được "
                        "quyết định."
                    ),
                ]
            ),
            Para(
                [
                    Run("Điều 3. ", bold=True),
                    Run(
                        f"{committee_name(d.grassroots)}, Chi bộ {cell} và đồng chí "
                        f"{d.person.full_name} "
                        "chịu trách nhiệm thi hành Quyết định này."
                    ),
                ]
            ),
        ]
    doc.body = [*grounds, _centre(decides), *articles]
    doc.signatures = [_signature(d.signer(decider, collective, event))]
    doc.recipients = [
        "- Như Điều 3," if not recognition else "- Như Điều 2,",
        "- Lưu hồ sơ đảng viên, Văn phòng cấp ủy.",
    ]
    return doc


def build_self_review(d: Dossier, spec: FormSpec) -> OfficialDocument:
    day = spec.date(d)
    doc = _personal(d, spec, day)
    doc.body = [
        Para(
            [Run("Kính gửi: ", bold=True), Run(f"Chi bộ {d.cell.name.removeprefix('Chi bộ ')}")],
            align="center",
            indent=False,
            space_before=6,
        ),
        labelled("Họ và tên", d.person.full_name),
        labelled("Ngày sinh", short_date(d.person.birth_date)),
        labelled("Ngày vào Đảng", short_date(d.candidacy.ceremony_date)),
        labelled("Sinh hoạt tại", d.cell.name),
        p(
            "Được kết nạp vào Đảng ngày "
            f"{short_date(d.candidacy.ceremony_date)}, qua 12 tháng phấn đấu, rèn luyện trong "
            "thời gian dự bị, tôi tự kiểm điểm như sau:",
            space_before=4,
        ),
        _heading("1. Ưu điểm"),
        p(STANDARD_MERITS),
        _heading("2. Khuyết điểm"),
        p(STANDARD_SHORTCOMINGS),
        _heading("3. Đề nghị"),
        p("Tôi đề nghị chi bộ xem xét, đề nghị cấp trên công nhận tôi là đảng viên chính thức."),
    ]
    doc.signatures = [
        Signature(["NGƯỜI TỰ KIỂM ĐIỂM"], name=d.person.full_name, note=PERSONAL_NOTE)
    ]
    return doc


def build_helper_review(d: Dossier, spec: FormSpec) -> OfficialDocument:
    day = spec.date(d)
    doc = _personal(d, spec, day)
    helper = d.candidacy.helper
    helper_name = helper.person.full_name if helper is not None else ""
    doc.body = [
        Para(
            [Run("Kính gửi: ", bold=True), Run(f"Chi bộ {d.cell.name.removeprefix('Chi bộ ')}")],
            align="center",
            indent=False,
            space_before=6,
        ),
        labelled("Họ và tên đảng viên được phân công giúp đỡ", helper_name),
        p(
            f"Được chi bộ phân công giúp đỡ đảng viên dự bị {d.person.full_name} (kết nạp ngày "
            f"{short_date(d.candidacy.ceremony_date)}), tôi nhận xét như sau:",
            space_before=4,
        ),
        _heading("1. Ưu điểm"),
        p(STANDARD_MERITS),
        _heading("2. Khuyết điểm"),
        p(STANDARD_SHORTCOMINGS),
        _heading("3. Đề nghị"),
        p(
            f"Đề nghị chi bộ xem xét, đề nghị cấp trên công nhận đồng chí {d.person.full_name} "
            "là đảng viên chính thức."
        ),
    ]
    doc.signatures = [Signature(["NGƯỜI GIÚP ĐỠ"], name=helper_name, note=PERSONAL_NOTE)]
    return doc


def _today_or(day: dt.date | None, d: Dossier) -> dt.date:
    return day or d.today


FORMS: dict[str, FormSpec] = {
    spec.slug: spec
    for spec in (
        FormSpec(
            "cn-ntvd", "CN-NTVĐ", "GIẤY CHỨNG NHẬN",
            "học lớp bồi dưỡng nhận thức về Đảng",
            "Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng", False, DocumentKind.CERTIFICATE,
            available=lambda d: d.candidacy.certificate_date is not None,
            issuer=lambda d: d.decider,
            date=lambda d: d.candidacy.certificate_date,
            event=lambda d: d.event("record_certificate"),
            build=build_certificate,
        ),
        FormSpec(
            "1-knd", "1-KNĐ", "ĐƠN XIN VÀO ĐẢNG", "", "Đơn xin vào Đảng (bản điền sẵn)", True,
            None,
            available=_after(Stage.TRAINED),
            issuer=lambda d: None,
            date=lambda d: _today_or(d.candidacy.application_date, d),
            event=lambda d: d.event("record_application"),
            build=build_application,
        ),
        FormSpec(
            "2-knd", "2-KNĐ", "LÝ LỊCH CỦA NGƯỜI XIN VÀO ĐẢNG", "",
            "Lý lịch của người xin vào Đảng (bản điền sẵn)", True, None,
            available=_after(Stage.TRAINED),
            issuer=lambda d: None,
            date=lambda d: _today_or(d.candidacy.history_date, d),
            event=lambda d: d.event("record_application"),
            build=build_history,
        ),
        FormSpec(
            "3-knd", "3-KNĐ", "GIẤY GIỚI THIỆU NGƯỜI VÀO ĐẢNG", "",
            "Giấy giới thiệu người vào Đảng (một đảng viên)", True, None,
            available=lambda d: len(d.member_introducers()) >= 1,
            issuer=lambda d: None,
            date=lambda d: d.member_introducers()[0].date if d.member_introducers() else None,
            event=lambda d: d.event("record_introduction"),
            build=build_introduction,
        ),
        FormSpec(
            "3a-knd", "3A-KNĐ", "GIẤY GIỚI THIỆU NGƯỜI VÀO ĐẢNG", "",
            "Giấy giới thiệu người vào Đảng (hai đảng viên)", True, None,
            available=lambda d: len(d.member_introducers()) >= 2,
            issuer=lambda d: None,
            date=lambda d: max((i.date for i in d.member_introducers()[:2]), default=None),
            event=lambda d: d.event("record_introduction"),
            build=build_introduction,
        ),
        FormSpec(
            "4-knd", "4-KNĐ", "NGHỊ QUYẾT", "giới thiệu đoàn viên ưu tú vào Đảng",
            "Nghị quyết của Đoàn giới thiệu đoàn viên ưu tú vào Đảng", False, None,
            available=lambda d: d.union_introducer(IntroducerKind.YOUTH_UNION_COMMITTEE)
            is not None,
            issuer=lambda d: None,
            date=lambda d: _intro_date(d, IntroducerKind.YOUTH_UNION_COMMITTEE),
            event=lambda d: _intro_event(d, IntroducerKind.YOUTH_UNION_COMMITTEE),
            build=build_union,
        ),
        FormSpec(
            "4a-knd", "4A-KNĐ", "NGHỊ QUYẾT", "giới thiệu công đoàn viên ưu tú vào Đảng",
            "Nghị quyết của Công đoàn giới thiệu công đoàn viên vào Đảng", False, None,
            available=lambda d: d.union_introducer(IntroducerKind.TRADE_UNION_COMMITTEE)
            is not None,
            issuer=lambda d: None,
            date=lambda d: _intro_date(d, IntroducerKind.TRADE_UNION_COMMITTEE),
            event=lambda d: _intro_event(d, IntroducerKind.TRADE_UNION_COMMITTEE),
            build=build_union,
        ),
        FormSpec(
            "5-knd", "5-KNĐ", "TỔNG HỢP Ý KIẾN NHẬN XÉT",
            "của đoàn thể chính trị - xã hội và chi ủy nơi cư trú đối với người xin vào Đảng",
            "Tổng hợp ý kiến nhận xét đối với người xin vào Đảng", False, None,
            available=lambda d: d.candidacy.opinions_date is not None,
            issuer=lambda d: d.cell,
            date=lambda d: d.candidacy.opinions_date,
            event=lambda d: d.event("record_opinions"),
            build=lambda d, spec: build_opinions(d, spec),
        ),
        FormSpec(
            "6-knd", "6-KNĐ", "NGHỊ QUYẾT", "đề nghị kết nạp đảng viên",
            "Nghị quyết chi bộ đề nghị kết nạp đảng viên", False, DocumentKind.RESOLUTION,
            available=lambda d: d.candidacy.branch_resolution_date is not None,
            issuer=lambda d: d.cell,
            date=lambda d: d.candidacy.branch_resolution_date,
            event=lambda d: d.event("branch_vote"),
            build=build_cell_resolution,
        ),
        FormSpec(
            "7-knd", "7-KNĐ", "BÁO CÁO", "thẩm định hồ sơ đề nghị kết nạp đảng viên",
            "Báo cáo thẩm định của đảng ủy bộ phận", False, DocumentKind.REPORT,
            available=lambda d: d.partial is not None
            and d.candidacy.branch_resolution_date is not None,
            issuer=lambda d: d.partial,
            date=lambda d: d.candidacy.committee_resolution_date
            or d.candidacy.decision_date
            or d.today,
            event=lambda d: None,
            build=build_appraisal,
        ),
        FormSpec(
            "8-knd", "8-KNĐ", "NGHỊ QUYẾT", "đề nghị kết nạp đảng viên",
            "Nghị quyết đảng ủy cơ sở đề nghị kết nạp đảng viên", False, DocumentKind.RESOLUTION,
            available=lambda d: d.candidacy.committee_resolution_date is not None,
            issuer=lambda d: d.grassroots,
            date=lambda d: d.candidacy.committee_resolution_date,
            event=lambda d: d.event("committee_vote"),
            build=build_committee_resolution,
        ),
        FormSpec(
            "9-knd", "9-KNĐ", "QUYẾT ĐỊNH", "kết nạp đảng viên",
            "Quyết định kết nạp đảng viên", False, DocumentKind.DECISION,
            available=lambda d: d.candidacy.decision_date is not None,
            issuer=lambda d: d.decider,
            date=lambda d: d.candidacy.decision_date,
            event=lambda d: d.event("admission_decision"),
            build=build_decision,
        ),
        FormSpec(
            "10-knd", "10-KNĐ", "BẢN TỰ KIỂM ĐIỂM", "của đảng viên dự bị",
            "Bản tự kiểm điểm của đảng viên dự bị (bản điền sẵn)", True, None,
            available=lambda d: d.candidacy.ceremony_date is not None,
            issuer=lambda d: None,
            date=lambda d: _today_or(d.candidacy.recognition_resolution_date, d),
            event=lambda d: None,
            build=build_self_review,
        ),
        FormSpec(
            "11-knd", "11-KNĐ", "BẢN NHẬN XÉT",
            "đảng viên dự bị của đảng viên được phân công giúp đỡ",
            "Bản nhận xét của đảng viên giúp đỡ (bản điền sẵn)", True, None,
            available=lambda d: d.candidacy.ceremony_date is not None,
            issuer=lambda d: None,
            date=lambda d: _today_or(d.candidacy.recognition_resolution_date, d),
            event=lambda d: None,
            build=build_helper_review,
        ),
        FormSpec(
            "12-knd", "12-KNĐ", "TỔNG HỢP Ý KIẾN NHẬN XÉT",
            "của đoàn thể chính trị - xã hội và chi ủy nơi cư trú đối với đảng viên dự bị",
            "Tổng hợp ý kiến nhận xét đối với đảng viên dự bị", False, None,
            available=lambda d: d.candidacy.ceremony_date is not None,
            issuer=lambda d: d.cell,
            date=lambda d: _today_or(d.candidacy.recognition_resolution_date, d),
            event=lambda d: None,
            build=lambda d, spec: build_opinions(d, spec, probationary=True),
        ),
        FormSpec(
            "13-knd", "13-KNĐ", "NGHỊ QUYẾT", "đề nghị công nhận đảng viên chính thức",
            "Nghị quyết chi bộ đề nghị công nhận đảng viên chính thức", False,
            DocumentKind.RESOLUTION,
            available=lambda d: d.candidacy.recognition_resolution_date is not None,
            issuer=lambda d: d.cell,
            date=lambda d: d.candidacy.recognition_resolution_date,
            event=lambda d: d.event("recognition_vote"),
            build=build_cell_resolution,
        ),
        FormSpec(
            "15-knd", "15-KNĐ", "NGHỊ QUYẾT", "đề nghị công nhận đảng viên chính thức",
            "Nghị quyết đảng ủy cơ sở đề nghị công nhận đảng viên chính thức", False,
            DocumentKind.RESOLUTION,
            available=lambda d: d.candidacy.recognition_resolution_date is not None
            and d.committee_step,
            issuer=lambda d: d.grassroots,
            date=lambda d: d.candidacy.recognition_decision_date or d.today,
            event=lambda d: None,
            build=build_committee_resolution,
        ),
        FormSpec(
            "recognition-decision", "", "QUYẾT ĐỊNH", "công nhận đảng viên chính thức",
            "Quyết định công nhận đảng viên chính thức", False, DocumentKind.DECISION,
            available=lambda d: d.candidacy.recognition_decision_date is not None,
            issuer=lambda d: d.decider,
            date=lambda d: d.candidacy.recognition_decision_date,
            event=lambda d: d.event("recognition_decision"),
            build=build_decision,
        ),
    )
}  # fmt: skip


def _intro_date(d: Dossier, kind: str) -> dt.date | None:
    introducer = d.union_introducer(kind)
    return introducer.date if introducer else None


def _intro_event(d: Dossier, kind: str) -> CandidacyEvent | None:
    introducer = d.union_introducer(kind)
    if introducer is None:
        return None
    for event in reversed(d.events):
        if event.action == "record_introduction" and event.facts.get("introducer") == introducer.pk:
            return event
    return None


def form_document(d: Dossier, slug: str) -> OfficialDocument:
    spec = FORMS[slug]
    return spec.build(d, spec)


__all__ = ["FORMS", "FormSpec", "form_document", "long_date"]
