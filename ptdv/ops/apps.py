from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ptdv.ops"
    label = "ops"
    verbose_name = "Vận hành"
