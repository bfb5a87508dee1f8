from django.urls import path  # noqa: F401

app_name = "exemplars"

urlpatterns: list = []  # type: ignore[type-arg]
