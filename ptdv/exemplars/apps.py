from django.apps import AppConfig


class ExemplarsConfig(AppConfig):
    name = "ptdv.exemplars"
    label = "exemplars"
    verbose_name = "Gương điển hình"
