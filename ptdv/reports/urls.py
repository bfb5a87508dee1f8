from django.urls import URLPattern, path

from ptdv.reports import views

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("progress/<int:pk>.<str:fmt>", views.progress_download, name="progress"),
    path("indicators/<int:pk>.<str:fmt>", views.indicators_download, name="indicators"),
]
