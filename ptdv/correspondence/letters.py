"""The letter of a request (công văn), as DOCX and PDF, in the layout of the official forms.

It is what goes by post to a body outside the tree (and may be printed for one inside it):
the issuing body's header and its number from the register, the addressee, the person as the
request names them (only the facts copied into the request) and the questions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from ptdv.audit.services import audit_record
from ptdv.core.policies import Action, Actor
from ptdv.correspondence.models import OrganisationRequest, RequestKind
from ptdv.correspondence.policies import SENDER, request_policy
from ptdv.correspondence.services import letter_issuer
from ptdv.documents.docx_writer import render_docx
from ptdv.documents.dossier import committee_name, issuer_name, long_date, superior_line
from ptdv.documents.layout import OfficialDocument, Para, Run, Signature, labelled, p, render_pdf
from ptdv.documents.models import DocumentKind, Signer
from ptdv.documents.numbering import number_blank, number_line
from ptdv.organisations.models import Organisation, ancestor_paths

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

_SUBJECTS = {
    RequestKind.VERIFICATION: "V/v thẩm tra lý lịch người xin vào Đảng",
    RequestKind.RESIDENCE_OPINION: "V/v xin ý kiến nhận xét của chi ủy nơi cư trú",
    RequestKind.MASS_OPINION: "V/v xin ý kiến nhận xét của đoàn thể",
    RequestKind.TRANSFER: "V/v chuyển hồ sơ người xin vào Đảng",
}


@dataclass
class RenderedLetter:
    content: bytes
    filename: str
    content_type: str


def _place(chain: list[Organisation]) -> str:
    for node in chain:
        if node.place_name:
            return node.place_name
    root = chain[-1].name if chain else ""
    for prefix in ("Đảng bộ tỉnh ", "Đảng bộ thành phố ", "Đảng bộ "):
        if root.startswith(prefix):
            return root[len(prefix) :]
    return root


def letter_document(request: OrganisationRequest) -> OfficialDocument:
    """The letter as one document value (rendered to both formats)."""
    issuer = letter_issuer(request.sender)
    chain = sorted(
        Organisation.objects.filter(path__in=ancestor_paths(issuer.path)),
        key=lambda o: -len(o.path),
    )
    parent = chain[1] if len(chain) > 1 else None
    signer = (
        Signer.objects.filter(organisation=issuer, active=True)
        .order_by("-is_default", "pk")
        .first()
    )
    number = (
        number_line(request.number.symbol)
        if request.number is not None
        else number_blank(DocumentKind.OFFICIAL_LETTER, issuer)
    )
    addressee = committee_name(request.addressee) if request.addressee else request.addressee_name
    body: list[Any] = [
        Para(
            [Run("Kính gửi: ", bold=True), Run(addressee)],
            align="center",
            indent=False,
            space_before=6,
        ),
    ]
    if request.addressee_address:
        body.append(p(f"Địa chỉ: {request.addressee_address}", align="center", indent=False))
    body += [
        p(
            f"{committee_name(issuer)} đề nghị {addressee} "
            + (
                "tiếp nhận hồ sơ của quần chúng có tên dưới đây:"
                if request.kind == RequestKind.TRANSFER
                else "giúp đỡ, cho ý kiến về quần chúng có tên dưới đây:"
            ),
            space_before=6,
        ),
        labelled("Họ và tên", request.subject_name),
        labelled("Ngày sinh", request.subject_birth_date.strftime("%d/%m/%Y")),
        labelled("Quê quán", request.subject_home_town),
        labelled("Nơi cư trú", request.subject_residence),
    ]
    if request.kind == RequestKind.VERIFICATION:
        body += [
            labelled("Họ tên cha", request.subject_father),
            labelled("Họ tên mẹ", request.subject_mother),
            labelled("Nơi thẩm tra", request.get_place_display()),
        ]
    body += [
        p("Nội dung đề nghị:", bold=True, space_before=6, indent=False),
        *[p(line) for line in request.questions.splitlines() if line.strip()],
        p(
            "Đề nghị trả lời trước "
            + long_date(request.due_on)
            + ". Trân trọng cảm ơn sự phối hợp của các đồng chí.",
            space_before=6,
        ),
    ]
    return OfficialDocument(
        slug=f"yc-{request.pk}",
        form_code="",
        title="",
        subtitle="",
        superior=superior_line(issuer, parent).upper() if parent else "",
        issuer=issuer_name(issuer),
        number=number,
        place_date=f"{_place(chain)}, {long_date(request.sent_on)}",
        body=[p(_SUBJECTS[RequestKind(request.kind)], italic=True, indent=False), *body],
        signatures=[
            Signature(
                lines=[
                    f"T/M {(signer.collective if signer and signer.collective else 'ĐẢNG ỦY')}",
                    signer.title if signer else "BÍ THƯ",
                ],
                name=signer.name if signer else "",
            )
        ],
        recipients=["Như trên,", "Lưu hồ sơ."],
        filename=f"cong-van-yeu-cau-{request.pk}",
    )


def request_letter(*, actor: Actor, request_id: Any, fmt: str) -> RenderedLetter:
    """The letter, for the sender's side (the addressee reads the request itself). Each
    generation is audited as an export."""
    if fmt not in FORMATS:
        raise Http404
    request = request_policy.get_visible(actor, request_id)
    request_policy.authorize_on(actor, Action.VIEW, request, SENDER)
    document = letter_document(request)
    content = render_pdf(document) if fmt == "pdf" else render_docx(document)
    audit_record(
        actor=actor,
        action="export",
        obj=request,
        organisation=request.sender,
        summary="Xuất công văn yêu cầu",
        data={"format": fmt},
    )
    return RenderedLetter(
        content=content, filename=f"{document.filename}.{fmt}", content_type=FORMATS[fmt]
    )
