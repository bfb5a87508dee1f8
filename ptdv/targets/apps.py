from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "ptdv.targets"
    label = "targets"
    verbose_name = "Chỉ tiêu và theo dõi"

    def ready(self) -> None:
        from ptdv.targets.tree import register

        register()

        from ptdv.core.review import register_review_source
        from ptdv.core.work import register_work_source
        from ptdv.targets.responsibility import review_leaders, review_members, unassigned_items

        register_work_source(
            "candidate_unassigned", "Quần chúng chưa có người phụ trách", unassigned_items
        )
        register_review_source(3, "responsibility_leaders", review_leaders)
        register_review_source(4, "responsibility_members", review_members)
