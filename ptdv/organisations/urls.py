from django.urls import URLPattern, path

from ptdv.organisations import views

app_name = "organisations"
urlpatterns: list[URLPattern] = [
    path("", views.organisation_index, name="index"),
    path("<int:pk>/localities/", views.locality_list_view, name="localities"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
]
