from django.apps import AppConfig


class MovementsConfig(AppConfig):
    name = "ptdv.movements"
    label = "movements"
    verbose_name = "Phong trào và đoàn thể"

    def ready(self) -> None:
        from ptdv.core.review import register_review_source
        from ptdv.movements.selectors import review_figures

        # Task 1 (awareness: the mass organisations referring people) and task 5 (movements,
        # forums, clubs where the pool shows itself) read the same figures.
        register_review_source(1, "movements", review_figures)
        register_review_source(5, "movements", review_figures)
