from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "ptdv.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self) -> None:
        from ptdv.core import hooks
        from ptdv.members.retention import retention_person_changed

        # Registered before the dossiers' listener (ptdv.candidacies comes after this app):
        # the retention tally is written before the dossier tallies in every write path.
        hooks.register("person_changed", retention_person_changed)
