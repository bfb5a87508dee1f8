from django.apps import AppConfig


class ObstaclesConfig(AppConfig):
    name = "ptdv.obstacles"
    label = "obstacles"
    verbose_name = "Khó khăn, vướng mắc"

    def ready(self) -> None:
        from ptdv.core.review import register_review_source
        from ptdv.core.work import register_work_source
        from ptdv.obstacles.selectors import (
            obstacle_overdue_items,
            obstacle_waiting_items,
            review_figures,
        )

        register_work_source(
            "obstacle_waiting",
            "Khó khăn, vướng mắc chờ cấp mình giải quyết",
            obstacle_waiting_items,
        )
        register_work_source(
            "obstacle_overdue", "Khó khăn, vướng mắc quá hạn giải quyết", obstacle_overdue_items
        )
        register_review_source(9, "obstacles", review_figures)
