"""Monitoring routes of API v1. The organisations router answers `organisations/<pk>/`;
these longer paths are distinct from it and are included before it."""

from django.urls import URLPattern, path

from ptdv.targets.api import ProgressChildrenView, ProgressView

urlpatterns: list[URLPattern] = [
    path(
        "organisations/<int:pk>/progress/",
        ProgressView.as_view(),
        name="organisation-progress",
    ),
    path(
        "organisations/<int:pk>/progress/children/",
        ProgressChildrenView.as_view(),
        name="organisation-progress-children",
    ),
]
