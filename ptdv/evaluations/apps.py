from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "ptdv.evaluations"
    label = "evaluations"
    verbose_name = "Đánh giá, xếp loại"

    def ready(self) -> None:
        from ptdv.core.review import register_review_source
        from ptdv.evaluations.review import evaluation_review_figures

        register_review_source(8, "evaluations", evaluation_review_figures)
