from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "ptdv.surveys"
    label = "surveys"
    verbose_name = "Khảo sát nguồn"
