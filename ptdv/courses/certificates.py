"""The certificates of a course printed together: one PDF or one DOCX, a certificate a page.

Each certificate is an `OfficialDocument` (ptdv.documents.layout), laid out as the dossier's
own CN-NTVĐ form (Hướng dẫn 36-HD/VPTW): the organiser's superior and the issuing body, the
number from the organiser's register, the person's lines, the signer of the organiser. The
whole course is loaded in a fixed number of queries, whatever the number of certificates.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ptdv.audit.services import audit_record
from ptdv.core.policies import Action, Actor
from ptdv.courses.models import Course, CourseKind, Enrolment
from ptdv.courses.policies import course_policy
from ptdv.courses.selectors import certificate_valid_months
from ptdv.courses.services import certificate_issuer
from ptdv.documents.docx_writer import render_docx
from ptdv.documents.dossier import Dossier, short_date, superior_line, upper
from ptdv.documents.layout import OfficialDocument, p, typeset
from ptdv.documents.models import Signer
from ptdv.documents.numbering import number_line
from ptdv.documents.official_forms.common import person_lines, signature
from ptdv.organisations.models import Organisation

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
_SUBTITLE = {
    CourseKind.AWARENESS: "học lớp bồi dưỡng nhận thức về Đảng",
    CourseKind.NEW_MEMBER: "học lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới",
}
_PROGRAMME = {
    CourseKind.AWARENESS: "chương trình bồi dưỡng nhận thức về Đảng",
    CourseKind.NEW_MEMBER: "chương trình bồi dưỡng lý luận chính trị dành cho đảng viên mới",
}


@dataclass
class RenderedCertificates:
    content: bytes
    filename: str
    content_type: str
    count: int


def _dossier(
    enrolment: Enrolment, chain: list[Organisation], signers: dict[int, list[Signer]]
) -> Dossier:
    """A dossier view holding what a certificate prints: the person and, as its chain, the
    organiser and its ancestors (the issuing side)."""
    return Dossier(
        candidacy=enrolment.candidacy,
        chain=chain,
        events=[],
        introducers=[],
        relatives=[],
        signers=signers,
        today=timezone.localdate(),
    )


def certificate_document(
    course: Course,
    enrolment: Enrolment,
    chain: list[Organisation],
    signers: dict[int, list[Signer]],
) -> OfficialDocument:
    organiser = course.organiser
    d = _dossier(enrolment, chain, signers)
    day = enrolment.certificate_date
    issuer = upper(certificate_issuer(course))
    doc = OfficialDocument(
        slug="cn-ntvd" if course.kind == CourseKind.AWARENESS else "cn-dvm",
        form_code="Mẫu CN-NTVĐ" if course.kind == CourseKind.AWARENESS else "",
        title="GIẤY CHỨNG NHẬN",
        subtitle=_SUBTITLE[CourseKind(course.kind)],
        superior=superior_line(organiser, d.parent_of(organiser)),
        issuer=issuer,
        number=number_line(enrolment.certificate_number),
        place_date=d.place_date(organiser, day),
        filename=f"giay-chung-nhan-{course.pk}",
    )
    validity = ""
    if course.kind == CourseKind.AWARENESS and day is not None:
        validity = (
            f" Giấy chứng nhận có giá trị {certificate_valid_months(day)} tháng kể từ ngày cấp."
        )
    doc.body = [
        p(f"{issuer} chứng nhận:", indent=True),
        *person_lines(d),
        p(
            f"Đã hoàn thành {_PROGRAMME[CourseKind(course.kind)]} tại {course.name} "
            f"({course.get_format_display().lower()}), từ ngày {short_date(course.starts_on)} "
            f"đến ngày {short_date(course.ends_on)}; được cấp giấy chứng nhận ngày "
            f"{short_date(day)}.{validity}",
            space_before=6,
        ),
    ]
    doc.signatures = [signature(d.signer(organiser, "BAN THƯỜNG VỤ"))]
    doc.recipients = [
        "- Người được cấp giấy,",
        f"- {enrolment.candidacy.organisation.name},",
        "- Lưu.",
    ]
    return doc


def _documents(course: Course, enrolments: list[Enrolment]) -> list[OfficialDocument]:
    organiser = course.organiser
    chain = sorted(
        Organisation.objects.filter(path__in=organiser.ancestor_paths), key=lambda o: -len(o.path)
    )
    signers: dict[int, list[Signer]] = {}
    for signer in Signer.objects.filter(organisation__in=[o.pk for o in chain]):
        signers.setdefault(signer.organisation_id, []).append(signer)
    return [certificate_document(course, e, chain, signers) for e in enrolments]


def render_pdf_many(documents: list[OfficialDocument]) -> bytes:
    """One PDF with every document, each starting on a new page."""
    rendered = [typeset(doc) for doc in documents]
    pages = [page for document in rendered for page in document.pages]
    pdf: bytes = rendered[0].copy(pages).write_pdf()
    return pdf


def render_docx_many(documents: list[OfficialDocument]) -> bytes:
    """One DOCX with every document, a page break between two."""
    from docx import Document
    from docx.enum.text import WD_BREAK

    first = Document(io.BytesIO(render_docx(documents[0])))
    body = first.element.body
    section = body.sectPr
    for document in documents[1:]:
        breaker = first.add_paragraph()
        breaker.add_run().add_break(WD_BREAK.PAGE)
        other = Document(io.BytesIO(render_docx(document)))
        for element in list(other.element.body):
            if element.tag.endswith("}sectPr"):
                continue
            section.addprevious(copy.deepcopy(element))
    buffer = io.BytesIO()
    first.save(buffer)
    return buffer.getvalue()


def certificates_render(
    *, actor: Actor, course_id: Any, fmt: str, enrolment_ids: list[int] | None = None
) -> RenderedCertificates:
    """Every certificate issued in the course (or those of `enrolment_ids`), in the order of
    their numbers, as one PDF or DOCX. Raises Http404 for a course outside the actor's scope;
    ValueError when there is nothing to print. Audited as an export of each dossier."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    course = course_policy.get_visible(actor, course_id, Course.objects.select_related("organiser"))
    course_policy.authorize(actor, Action.VIEW, course)
    qs = (
        course.enrolments.filter(certificate__isnull=False)
        .select_related(
            "candidacy__person__residence_locality__organisation", "candidacy__organisation"
        )
        .order_by("certificate__year", "certificate__number")
    )
    if enrolment_ids is not None:
        qs = qs.filter(pk__in=enrolment_ids)
    enrolments = list(qs)
    if not enrolments:
        raise ValueError("nothing to print")
    documents = _documents(course, enrolments)
    content = render_pdf_many(documents) if fmt == "pdf" else render_docx_many(documents)
    audit_record(
        actor=actor,
        action="export",
        obj=course,
        organisation=course.organiser,
        summary="In giấy chứng nhận lớp bồi dưỡng",
        data={
            "format": fmt,
            "candidacies": [e.candidacy_id for e in enrolments],
            "person_ids": [e.candidacy.person_id for e in enrolments],
        },
    )
    return RenderedCertificates(
        content=content,
        filename=f"giay-chung-nhan-lop-{course.pk}.{fmt}",
        content_type=FORMATS[fmt],
        count=len(enrolments),
    )
