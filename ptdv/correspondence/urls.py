"""The request pages, under /requests/ (URL namespace "correspondence")."""

from django.urls import URLPattern, path

from ptdv.correspondence import views

app_name = "correspondence"
urlpatterns: list[URLPattern] = [
    path("", views.request_list_view, name="list"),
    path("export.xlsx", views.request_export_view, name="export"),
    path("new/", views.request_create_view, name="create"),
    path("<int:pk>/", views.request_detail_view, name="detail"),
    path("<int:pk>/letter.<str:fmt>", views.request_letter_view, name="letter"),
    path("<int:pk>/actions/<slug:action>/", views.request_action_view, name="action"),
]
