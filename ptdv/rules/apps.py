from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "ptdv.rules"
    label = "rules"
    verbose_name = "Bộ quy định"
