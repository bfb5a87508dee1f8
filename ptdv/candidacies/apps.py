from django.apps import AppConfig


class CandidaciesConfig(AppConfig):
    name = "ptdv.candidacies"
    label = "candidacies"
    verbose_name = "Hồ sơ phát triển đảng viên"
