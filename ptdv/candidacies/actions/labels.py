"""The labels and help texts every action's form shares; a spec adds its own
(`ActionSpec.labels` / `ActionSpec.help`) where one field means something else for it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ptdv.candidacies.actions.base import Label

# Every field an action form may show; a field of the facts serializers missing here shows its
# code, which a test catches.
COMMON_LABELS: dict[str, Label] = {
    "date": _("Ngày thực hiện"),
    "certificate_date": _("Ngày cấp giấy chứng nhận"),
    "application_date": _("Ngày viết đơn"),
    "history_date": _("Ngày khai lý lịch"),
    "concluded_on": _("Ngày kết luận thẩm tra"),
    "waived": _("Miễn thẩm tra (cha, mẹ, anh chị em ruột hoặc con là đảng viên)"),
    "opinions_date": _("Ngày tổng hợp ý kiến nhận xét"),
    "kind": _("Loại người giới thiệu"),
    "membership": _("Đảng viên giới thiệu"),
    "months_together": _("Số tháng cùng công tác, học tập, cư trú"),
    "replacement": _("Là người giới thiệu thay thế"),
    "introduced_on": _("Ngày giới thiệu"),
    "vote.summoned": _("Số đảng viên được triệu tập"),
    "vote.present": _("Số có mặt"),
    "vote.agree": _("Số tán thành"),
    "vote.body_size": _("Tổng số thành viên cấp ủy"),
    "temporarily_attached_elsewhere": _("Số đảng viên đang sinh hoạt tạm thời nơi khác"),
    "exempted_absent": _("Số đảng viên được miễn sinh hoạt vắng mặt"),
    "decider": _("Cấp quyết định"),
    "decision_received_date": _("Ngày nhận quyết định kết nạp"),
    "consent_date": _("Ngày văn bản đồng ý"),
    "ref": _("Số, ký hiệu văn bản đồng ý"),
    "working_days": _("Số ngày làm việc gia hạn"),
    "reason": _("Lý do"),
    "organisation": _("Chi bộ chuyển đến"),
    "field": _("Thông tin cần đính chính"),
    "event": _("Bước có thông tin cần đính chính"),
    "value": _("Giá trị đúng"),
    "helper": _("Đảng viên giúp đỡ tại chi bộ chuyển đến"),
    "responsible_leader": _("Người chịu trách nhiệm bồi dưỡng"),
    "document.number": _("Số, ký hiệu văn bản"),
    "document.date": _("Ngày ban hành văn bản"),
    "document.issuing_body": _("Cơ quan ban hành"),
    "document.signer": _("Người ký"),
}

COMMON_HELP: dict[str, Label] = {
    "months_together": _("Bắt buộc khi người giới thiệu là đảng viên (trừ người thay thế)."),
    "membership": _("Chọn khi người giới thiệu là đảng viên chính thức."),
    "temporarily_attached_elsewhere": _("Được trừ khỏi mẫu số khi tính hai phần ba."),
    "exempted_absent": _("Được trừ khỏi mẫu số khi tính hai phần ba."),
    "decider": _("Để trống: theo cây tổ chức (ban thường vụ cấp trên hoặc đảng ủy được ủy quyền)."),
    "working_days": _("Chỉ được gia hạn một lần, tối đa 30 ngày làm việc."),
    "value": _(
        "Ngày theo dạng dd/mm/yyyy (để trống để xóa ngày ghi nhầm), số, hoặc nội dung đúng."
    ),
    "event": _("Chỉ cần khi đính chính số liệu biểu quyết, văn bản hoặc người giới thiệu."),
}

DEFAULT_DATE_HELP: Label = _("Ngày ghi vào hồ sơ; mặc định là hôm nay.")
