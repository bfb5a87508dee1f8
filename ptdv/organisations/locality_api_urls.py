"""Locality routes of API v1. The organisations router answers `organisations/<pk>/`; this
longer path is distinct from it and is included before it."""

from django.urls import URLPattern, path

from ptdv.organisations.locality_api import OrganisationLocalitiesView

urlpatterns: list[URLPattern] = [
    path(
        "organisations/<int:pk>/localities/",
        OrganisationLocalitiesView.as_view(),
        name="organisation-localities",
    ),
]
