from django.apps import AppConfig


class CandidaciesConfig(AppConfig):
    name = "ptdv.candidacies"
    label = "candidacies"
    verbose_name = "Hồ sơ phát triển đảng viên"

    def ready(self) -> None:
        from ptdv.candidacies.bulk import bulk_actions_register
        from ptdv.candidacies.derived import membership_changed, person_changed
        from ptdv.candidacies.tallies import dossier_yield
        from ptdv.core import hooks

        hooks.register("person_changed", person_changed)
        hooks.register("membership_changed", membership_changed)
        hooks.register("dossier_yield", dossier_yield)
        bulk_actions_register()
