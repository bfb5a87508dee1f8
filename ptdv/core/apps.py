from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ptdv.core"
    label = "core"
    verbose_name = "Dùng chung"

    def ready(self) -> None:
        from ptdv.core import middleware  # noqa: F401  (connects the session stamp at sign-in)
