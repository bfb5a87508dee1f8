from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ptdv.core"
    label = "core"
    verbose_name = "Dùng chung"
