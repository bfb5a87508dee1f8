from django.urls import path  # noqa: F401

app_name = "evaluations"

urlpatterns: list = []  # type: ignore[type-arg]
