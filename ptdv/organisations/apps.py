from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "ptdv.organisations"
    label = "organisations"
    verbose_name = "Tổ chức đảng"
