from django.urls import path  # noqa: F401

app_name = "targets"
urlpatterns: list[object] = []
