"""What several official forms print alike: the person's lines, the votes, the headers of an
issued document and of a person's draft, the standard appraisal text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import models

from ptdv.candidacies.models import CandidacyEvent
from ptdv.documents.dossier import (
    Dossier,
    SignerLine,
    committee_name,
    issuer_name,
    short_date,
    superior_line,
)
from ptdv.documents.layout import Block, OfficialDocument, Para, Run, Signature, labelled, p
from ptdv.documents.numbering import number_blank
from ptdv.documents.official_forms.spec import FormSpec
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


def _label(choices: type[models.TextChoices], value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _locality_text(d: Dossier) -> str:
    locality = d.person.residence_locality
    if locality is None:
        return ""
    commune = locality.organisation.name
    for prefix in ("Đảng bộ ", "Chi bộ "):
        if commune.startswith(prefix):
            commune = commune[len(prefix) :]
    return f"{locality.full_name}, {commune}"


def person_lines(d: Dossier) -> list[Block]:
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


def person_phrase(d: Dossier) -> str:
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


def cell_vote(vote: Mapping[str, Any]) -> list[Block]:
    """The cell's vote on a resolution; a figure not known prints as a blank."""
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


def body_vote(vote: Mapping[str, Any], body: str) -> list[Block]:
    """A committee's vote; a figure not known prints as a blank."""
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


def decider_body(d: Dossier) -> str:
    """Who decides, as a sentence names it."""
    if d.decider_is_grassroots:
        return committee_name(d.decider)
    return "Ban Thường vụ " + committee_name(d.decider)


def addressed_to_cell(d: Dossier) -> Para:
    """ "Kính gửi: Chi bộ …" — a person's letter to their cell."""
    return Para(
        [Run("Kính gửi: ", bold=True), Run(f"Chi bộ {d.cell.name.removeprefix('Chi bộ ')}")],
        align="center",
        indent=False,
        space_before=6,
    )


def heading(text: str) -> Para:
    return Para([Run(text, bold=True)], align="left", indent=False, space_before=4)


def centre(text: str) -> Para:
    return Para([Run(text, bold=True)], align="center", indent=False, space_before=6)


def issued(
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
        # No number yet: the space for it is left before the symbol, as on paper.
        number=d.number(spec.slug, event) or number_blank(spec.kind, organisation),
        place_date=d.place_date(organisation, day),
        filename=f"{spec.slug}-{d.candidacy.pk}",
    )
    for key, value in kwargs.items():
        setattr(doc, key, value)
    return doc


def personal(d: Dossier, spec: FormSpec, day: dt.date | None, **kwargs: object) -> OfficialDocument:
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


def signature(line: SignerLine) -> Signature:
    return Signature(lines=line.lines, name=line.name)
