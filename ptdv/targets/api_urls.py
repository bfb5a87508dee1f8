"""Monitoring routes of API v1. The organisations router answers `organisations/<pk>/`;
these longer paths are distinct from it and are included before it."""

from django.urls import URLPattern, path

from ptdv.targets.api import ProgressChildrenView, ProgressView
from ptdv.targets.responsibility_api import (
    MineView,
    QuotaDetailView,
    QuotaListView,
    ResponsibilityView,
)

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
    path("responsibility/", ResponsibilityView.as_view(), name="responsibility"),
    path("responsibility/quotas/", QuotaListView.as_view(), name="responsibility-quotas"),
    path("responsibility/mine/", MineView.as_view(), name="responsibility-mine"),
    path(
        "responsibility/quotas/<int:pk>/",
        QuotaDetailView.as_view(),
        name="responsibility-quota-detail",
    ),
]
