from django.urls import URLPattern, path

from ptdv.organisations import competence_views, views, views_changes

app_name = "organisations"
urlpatterns: list[URLPattern] = [
    path("", views.organisation_index, name="index"),
    path("<int:pk>/localities/", views.locality_list_view, name="localities"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/changes/", views_changes.organisation_changes, name="changes"),
    path("<int:pk>/competence/", competence_views.competence_page, name="competence"),
    path("<int:pk>/changes/<str:action>/", views_changes.organisation_change, name="change"),
    path(
        "localities/<int:pk>/changes/<str:action>/",
        views_changes.locality_change,
        name="locality_change",
    ),
]
