"""Tree-change routes of API v1 (included before the organisations router)."""

from django.urls import URLPattern, path

from ptdv.organisations.api_changes import OrganisationActionView
from ptdv.organisations.competence_views import CompetenceView

urlpatterns: list[URLPattern] = [
    path(
        "organisations/<int:pk>/actions/<str:action>/",
        OrganisationActionView.as_view(),
        name="organisation-action",
    ),
    path(
        "organisations/<int:pk>/competence/",
        CompetenceView.as_view(),
        name="organisation-competence",
    ),
]
