from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "ptdv.members"
    label = "members"
    verbose_name = "Đảng viên"
