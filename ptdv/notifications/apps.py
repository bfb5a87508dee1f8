from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ptdv.notifications"
    label = "notifications"
    verbose_name = "Thông báo"
