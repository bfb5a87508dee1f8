from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    name = "ptdv.correspondence"
    label = "correspondence"
    verbose_name = "Yêu cầu giữa các tổ chức"
