from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "ptdv.work"
    label = "work"
    verbose_name = "Việc của tôi"

    def ready(self) -> None:
        from ptdv.work import sources

        sources.register()
