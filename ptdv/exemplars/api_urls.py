"""Exemplar routes of API v1, mounted at /api/v1/."""

from django.urls import URLPattern, path

from ptdv.exemplars import api

urlpatterns: list[URLPattern] = [
    path("exemplars/", api.ExemplarListView.as_view(), name="exemplar-list"),
    path("exemplars/<int:pk>/", api.ExemplarDetailView.as_view(), name="exemplar-detail"),
    path("exemplars/<int:pk>/candidacy/", api.ExemplarLinkView.as_view(), name="exemplar-link"),
]
