from django.apps import AppConfig


class ExemplarsConfig(AppConfig):
    name = "ptdv.exemplars"
    label = "exemplars"
    verbose_name = "Gương điển hình"

    def ready(self) -> None:
        from ptdv.core.review import register_review_source
        from ptdv.exemplars.selectors import exemplar_review_figures

        register_review_source(9, "exemplars", exemplar_review_figures)
