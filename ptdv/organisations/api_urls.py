"""Tree-change routes of API v1 (included before the organisations router)."""

from django.urls import URLPattern, path

from ptdv.organisations.api_changes import OrganisationActionView

urlpatterns: list[URLPattern] = [
    path(
        "organisations/<int:pk>/actions/<str:action>/",
        OrganisationActionView.as_view(),
        name="organisation-action",
    ),
]
