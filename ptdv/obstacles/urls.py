from django.urls import path  # noqa: F401

app_name = "obstacles"

urlpatterns: list = []  # type: ignore[type-arg]
