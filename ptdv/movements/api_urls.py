"""Mass organisation and movement routes of API v1, mounted at /api/v1/."""

from django.urls import URLPattern, path

from ptdv.movements import api

urlpatterns: list[URLPattern] = [
    path("movements/", api.MovementListView.as_view(), name="movement-list"),
    path("movements/yield/", api.YieldView.as_view(), name="movement-yield"),
    path("movements/<int:pk>/", api.MovementDetailView.as_view(), name="movement-detail"),
    path(
        "movements/<int:pk>/candidates/",
        api.MovementCandidatesView.as_view(),
        name="movement-candidates",
    ),
    path("mass-organisations/", api.MassOrganisationListView.as_view(), name="mass-list"),
    path(
        "mass-organisations/<int:pk>/",
        api.MassOrganisationDetailView.as_view(),
        name="mass-detail",
    ),
    path(
        "mass-organisations/<int:pk>/targets/",
        api.MassTargetView.as_view(),
        name="mass-targets",
    ),
    path(
        "mass-organisations/<int:pk>/candidates/",
        api.MassCandidatesView.as_view(),
        name="mass-candidates",
    ),
]
