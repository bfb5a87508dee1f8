from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "ptdv.courses"
    label = "courses"
    verbose_name = "Lớp bồi dưỡng"
