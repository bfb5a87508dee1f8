from django.urls import URLPattern, path

from ptdv.organisations import locality_views, views

app_name = "organisations"
urlpatterns: list[URLPattern] = [
    path("", views.organisation_index, name="index"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/localities/", locality_views.locality_list_view, name="localities"),
]
