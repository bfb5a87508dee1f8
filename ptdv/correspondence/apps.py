from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "ptdv.correspondence"
    label = "correspondence"
    verbose_name = "Yêu cầu giữa các tổ chức"

    def ready(self) -> None:
        from ptdv.core.work import BulkAction, register_bulk_action, register_work_source
        from ptdv.correspondence.selectors import work_incoming, work_outgoing_overdue
        from ptdv.correspondence.services import bulk_send_verification

        register_work_source("request_incoming", "Yêu cầu chờ trả lời", work_incoming)
        register_work_source(
            "request_outgoing_overdue", "Yêu cầu đã gửi quá hạn", work_outgoing_overdue
        )
        register_bulk_action(
            BulkAction(
                name="send_verification",
                label="Gửi yêu cầu thẩm tra lý lịch",
                apply=bulk_send_verification,
                fields=(
                    "addressee",
                    "addressee_name",
                    "addressee_address",
                    "place",
                    "home_town",
                    "questions",
                ),
            )
        )
