"""Obstacle routes of API v1, mounted at /api/v1/."""

from django.urls import URLPattern, path

from ptdv.obstacles import api

urlpatterns: list[URLPattern] = [
    path("obstacles/", api.ObstacleListView.as_view(), name="obstacle-list"),
    path("obstacles/stats/", api.ObstacleStatsView.as_view(), name="obstacle-stats"),
    path("obstacles/<int:pk>/", api.ObstacleDetailView.as_view(), name="obstacle-detail"),
    path(
        "obstacles/<int:pk>/actions/<str:action_name>/",
        api.ObstacleActionView.as_view(),
        name="obstacle-action",
    ),
]
