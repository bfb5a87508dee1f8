from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ptdv.documents"
    label = "documents"
    verbose_name = "Văn bản, biểu mẫu"
