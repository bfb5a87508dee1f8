"""Inspection routes of API v1, mounted at /api/v1/."""

from django.urls import URLPattern, path

from ptdv.inspections import api

urlpatterns: list[URLPattern] = [
    path("inspections/", api.InspectionListView.as_view(), name="inspection-list"),
    path("inspections/<int:pk>/", api.InspectionDetailView.as_view(), name="inspection-detail"),
    path(
        "inspections/<int:pk>/recommendations/",
        api.RecommendationsView.as_view(),
        name="inspection-recommendations",
    ),
    path(
        "inspections/<int:pk>/recommendations/<int:rid>/done/",
        api.RecommendationDoneView.as_view(),
        name="inspection-recommendation-done",
    ),
]
