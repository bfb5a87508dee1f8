"""CN-NTVĐ: the certificate of the course on the Party, issued by the deciding committee."""

from __future__ import annotations

from ptdv.documents.dossier import Dossier, short_date
from ptdv.documents.layout import OfficialDocument, p
from ptdv.documents.official_forms.common import issued, person_lines, signature
from ptdv.documents.official_forms.spec import FormSpec


def build_certificate(d: Dossier, spec: FormSpec) -> OfficialDocument:
    event = spec.event(d)
    issuer = d.decider
    day = d.candidacy.certificate_date
    doc = issued(d, spec, issuer, day, event)
    doc.body = [
        p(
            f"{doc.issuer} chứng nhận:",
            indent=True,
        ),
        *person_lines(d),
        p(
            "Đã hoàn thành chương trình học lớp bồi dưỡng nhận thức về Đảng, được cấp giấy "
            f"chứng nhận ngày {short_date(day)}. Giấy chứng nhận có giá trị 60 tháng kể từ "
            "ngày cấp (Hướng dẫn 12-HD/BTCTW).",
            space_before=6,
        ),
    ]
    doc.signatures = [signature(d.signer(issuer, "BAN THƯỜNG VỤ", event))]
    doc.recipients = ["- Người được cấp giấy,", f"- {d.cell.name},", "- Lưu."]
    return doc
