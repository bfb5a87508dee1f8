from django.apps import AppConfig


class ObstaclesConfig(AppConfig):
    name = "ptdv.obstacles"
    label = "obstacles"
    verbose_name = "Khó khăn, vướng mắc"
