from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "ptdv.reports"
    label = "reports"
    verbose_name = "Báo cáo"

    def ready(self) -> None:
        from ptdv.reports.review_sources import register

        # The review report's figures for the directive's tasks 2, 6 and 7.
        register()
