from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "ptdv.surveys"
    label = "surveys"
    verbose_name = "Khảo sát nguồn"

    def ready(self) -> None:
        from ptdv.core.plans import register_plan_source
        from ptdv.core.review import register_review_source
        from ptdv.core.work import register_work_source
        from ptdv.surveys.selectors import (
            planned_admissions,
            response_fill_items,
            response_review_items,
            review_figures,
        )

        register_work_source("survey_fill", "Phiếu khảo sát nguồn cần gửi", response_fill_items)
        register_work_source(
            "survey_review", "Phiếu khảo sát nguồn chờ xem xét", response_review_items
        )
        # Accepted plans of the year before feed the target page's suggestion.
        register_plan_source("surveys", planned_admissions)
        # Directive task 4: survey the pool every year.
        register_review_source(4, "surveys", review_figures)
