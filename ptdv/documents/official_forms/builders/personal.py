"""The drafts a person writes and signs, pre-filled from the dossier: 1-KNĐ (application),
2-KNĐ (personal history), 10-KNĐ (self-review) and 11-KNĐ (the helper's review)."""

from __future__ import annotations

from ptdv.documents.dossier import Dossier, short_date
from ptdv.documents.layout import OfficialDocument, Signature, Table, labelled, p
from ptdv.documents.models import Relation
from ptdv.documents.official_forms.common import (
    PERSONAL_NOTE,
    STANDARD_MERITS,
    STANDARD_SHORTCOMINGS,
    addressed_to_cell,
    heading,
    person_lines,
    personal,
)
from ptdv.documents.official_forms.spec import FormSpec


def build_application(d: Dossier, spec: FormSpec) -> OfficialDocument:
    day = d.candidacy.application_date or d.today
    doc = personal(d, spec, day)
    doc.body = [
        addressed_to_cell(d),
        *person_lines(d),
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
    doc = personal(d, spec, day)
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
        heading("I. SƠ LƯỢC LÝ LỊCH"),
        *person_lines(d),
        labelled(
            "Đoàn viên Đoàn TNCS Hồ Chí Minh", "Có" if d.person.youth_union_member else "Không"
        ),
        labelled("Đoàn viên Công đoàn", "Có" if d.person.trade_union_member else "Không"),
        heading("II. LỊCH SỬ BẢN THÂN VÀ QUÁ TRÌNH CÔNG TÁC"),
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
        heading("III. HOÀN CẢNH GIA ĐÌNH"),
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
        heading("IV. TỰ NHẬN XÉT"),
        p(STANDARD_MERITS),
        heading("V. CAM ĐOAN"),
        p(
            "Tôi cam đoan đã khai đầy đủ, rõ ràng, trung thực và chịu trách nhiệm trước Đảng "
            "về những nội dung đã khai trong lý lịch."
        ),
    ]
    doc.signatures = [Signature(["NGƯỜI KHAI"], name=d.person.full_name, note=PERSONAL_NOTE)]
    return doc


def build_self_review(d: Dossier, spec: FormSpec) -> OfficialDocument:
    day = spec.date(d)
    doc = personal(d, spec, day)
    doc.body = [
        addressed_to_cell(d),
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
        heading("1. Ưu điểm"),
        p(STANDARD_MERITS),
        heading("2. Khuyết điểm"),
        p(STANDARD_SHORTCOMINGS),
        heading("3. Đề nghị"),
        p("Tôi đề nghị chi bộ xem xét, đề nghị cấp trên công nhận tôi là đảng viên chính thức."),
    ]
    doc.signatures = [
        Signature(["NGƯỜI TỰ KIỂM ĐIỂM"], name=d.person.full_name, note=PERSONAL_NOTE)
    ]
    return doc


def build_helper_review(d: Dossier, spec: FormSpec) -> OfficialDocument:
    day = spec.date(d)
    doc = personal(d, spec, day)
    helper = d.candidacy.helper
    helper_name = helper.person.full_name if helper is not None else ""
    doc.body = [
        addressed_to_cell(d),
        labelled("Họ và tên đảng viên được phân công giúp đỡ", helper_name),
        p(
            f"Được chi bộ phân công giúp đỡ đảng viên dự bị {d.person.full_name} (kết nạp ngày "
            f"{short_date(d.candidacy.ceremony_date)}), tôi nhận xét như sau:",
            space_before=4,
        ),
        heading("1. Ưu điểm"),
        p(STANDARD_MERITS),
        heading("2. Khuyết điểm"),
        p(STANDARD_SHORTCOMINGS),
        heading("3. Đề nghị"),
        p(
            f"Đề nghị chi bộ xem xét, đề nghị cấp trên công nhận đồng chí {d.person.full_name} "
            "là đảng viên chính thức."
        ),
    ]
    doc.signatures = [Signature(["NGƯỜI GIÚP ĐỠ"], name=helper_name, note=PERSONAL_NOTE)]
    return doc
