from django.urls import URLPattern, path

from ptdv.exchange import views

app_name = "exchange"
urlpatterns: list[URLPattern] = [
    path("", views.exchange_index_view, name="index"),
    path("templates/<slug:kind>.xlsx", views.template_view, name="template"),
    path("jobs/<int:pk>/", views.job_view, name="job"),
    path("jobs/<int:pk>/errors.xlsx", views.job_errors_view, name="job_errors"),
    path("export/<slug:name>.xlsx", views.export_view, name="export"),
]
