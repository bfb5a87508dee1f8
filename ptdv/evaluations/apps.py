from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "ptdv.evaluations"
    label = "evaluations"
    verbose_name = "Đánh giá, xếp loại"
