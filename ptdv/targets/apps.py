from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "ptdv.targets"
    label = "targets"
    verbose_name = "Chỉ tiêu và theo dõi"

    def ready(self) -> None:
        from ptdv.targets.tree import register

        register()
