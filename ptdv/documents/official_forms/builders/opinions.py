"""5-KNĐ and 12-KNĐ: the cell committee's summary of the opinions on the applicant or the
probationary member."""

from __future__ import annotations

from ptdv.documents.dossier import Dossier, short_date
from ptdv.documents.layout import OfficialDocument, p
from ptdv.documents.official_forms.common import (
    STANDARD_MERITS,
    STANDARD_SHORTCOMINGS,
    heading,
    issued,
    person_phrase,
    signature,
)
from ptdv.documents.official_forms.spec import FormSpec


def build_opinions(d: Dossier, spec: FormSpec, probationary: bool = False) -> OfficialDocument:
    day = spec.date(d)
    doc = issued(d, spec, d.cell, day, None)
    who = "đảng viên dự bị" if probationary else "người xin vào Đảng"
    doc.body = [
        p(
            f"Thực hiện quy định về việc lấy ý kiến nhận xét của tổ chức đoàn thể chính trị - xã "
            f"hội nơi làm việc và chi ủy, chi bộ nơi cư trú đối với {who}, chi ủy Chi bộ "
            f"{d.cell.name.removeprefix('Chi bộ ')} tổng hợp ý kiến nhận xét đối với "
            f"{person_phrase(d)} như sau:"
        ),
        heading("1. Ý kiến nhận xét của tổ chức đoàn thể nơi làm việc, học tập"),
        p("Ưu điểm: " + STANDARD_MERITS),
        p("Khuyết điểm: " + STANDARD_SHORTCOMINGS),
        heading("2. Ý kiến nhận xét của chi ủy, chi bộ nơi cư trú"),
        p(
            "Chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước và quy định "
            "nơi cư trú; gương mẫu thực hiện nghĩa vụ công dân, đoàn kết với nhân dân nơi cư trú."
        ),
        heading("3. Kết luận"),
        p(
            f"Chi ủy nhất trí với các ý kiến nhận xét trên (tổng hợp ngày {short_date(day)})"
            + ("; đề nghị chi bộ xét công nhận đảng viên chính thức." if probationary else ".")
        ),
    ]
    doc.signatures = [signature(d.signer(d.cell, "CHI ỦY"))]
    doc.recipients = ["- Lưu hồ sơ " + ("đảng viên." if probationary else "người xin vào Đảng.")]
    return doc


def build_probationary_opinions(d: Dossier, spec: FormSpec) -> OfficialDocument:
    return build_opinions(d, spec, probationary=True)
