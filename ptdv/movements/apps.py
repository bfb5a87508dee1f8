from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "ptdv.movements"
    label = "movements"
    verbose_name = "Phong trào và đoàn thể"
