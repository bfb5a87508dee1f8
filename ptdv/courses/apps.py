from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "ptdv.courses"
    label = "courses"
    verbose_name = "Lớp bồi dưỡng"

    def ready(self) -> None:
        from ptdv.core.work import BulkAction, register_bulk_action, register_work_source
        from ptdv.courses.selectors import (
            candidate_without_course_items,
            certificate_expiring_items,
            course_starting_items,
        )
        from ptdv.courses.services import bulk_enrol

        register_work_source("course_starting", "Lớp sắp khai giảng", course_starting_items)
        register_work_source(
            "certificate_expiring", "Giấy chứng nhận sắp hết hạn", certificate_expiring_items
        )
        register_work_source(
            "candidate_without_course",
            "Quần chúng chưa có lớp bồi dưỡng",
            candidate_without_course_items,
        )
        # The candidate list's selection, enrolled at once (the course's id in "course").
        register_bulk_action(
            BulkAction(
                name="enrol_course",
                label="Ghi danh vào lớp bồi dưỡng",
                apply=bulk_enrol,
                fields=("course",),
            )
        )
