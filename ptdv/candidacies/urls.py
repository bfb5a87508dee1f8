from django.urls import URLPattern, path

from ptdv.candidacies import views

app_name = "candidacies"
urlpatterns: list[URLPattern] = [
    path("", views.candidacy_list_view, name="list"),
    path("new/", views.candidacy_register_view, name="register"),
    path(
        "new/cell-fields/",
        views.candidacy_register_cell_fields_view,
        name="register_cell_fields",
    ),
    path("<int:pk>/", views.candidacy_detail_view, name="detail"),
    path("<int:pk>/actions/<slug:action>/", views.candidacy_action_view, name="action"),
    path("<int:pk>/void/", views.candidacy_void_view, name="void"),
]
