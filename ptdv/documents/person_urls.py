"""The person pages, under /people/ (URL namespace "people")."""

from django.urls import URLPattern, path

from ptdv.documents import person_views, relatives_views
from ptdv.people import views as people_views

app_name = "people"
urlpatterns: list[URLPattern] = [
    path("<int:pk>/", person_views.person_detail, name="detail"),
    path("<int:pk>/edit/", people_views.person_edit_view, name="edit"),
    path("<int:pk>/relatives/new/", relatives_views.relative_create_view, name="relative_create"),
    path("relatives/<int:pk>/edit/", relatives_views.relative_update_view, name="relative_update"),
    path(
        "relatives/<int:pk>/delete/", relatives_views.relative_delete_view, name="relative_delete"
    ),
]
