from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "ptdv.inspections"
    label = "inspections"
    verbose_name = "Kiểm tra, giám sát"

    def ready(self) -> None:
        from ptdv.core.review import register_review_source
        from ptdv.core.work import register_work_source
        from ptdv.inspections.selectors import followup_items, inspection_review_figures
        from ptdv.inspections.services import NOTIFY_KINDS
        from ptdv.notifications.services import KINDS

        register_work_source(
            "inspection_followup", "Kiến nghị sau kiểm tra, giám sát cần thực hiện", followup_items
        )
        register_review_source(10, "inspections", inspection_review_figures)
        for kind, label in NOTIFY_KINDS.items():
            KINDS.setdefault(kind, label)
