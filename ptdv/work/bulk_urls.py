"""The bulk pages (mounted at /candidacies/bulk/, namespace `bulk`) and the bulk API
(`api_urlpatterns`, mounted at /api/v1/ before the routers, in the `api` namespace)."""

from django.urls import URLPattern, path

from ptdv.work import bulk_api, bulk_views

app_name = "bulk"
urlpatterns: list[URLPattern] = [
    path("", bulk_views.bulk_view, name="form"),
    path("export.xlsx", bulk_views.bulk_export_view, name="export"),
]

api_urlpatterns: list[URLPattern] = [
    # Before the action pattern, which would take "export" as an action's name.
    path(
        "candidacies/bulk/export/",
        bulk_api.CandidacyBulkExportView.as_view(),
        name="candidacy-bulk-export",
    ),
    path(
        "candidacies/bulk/<str:action>/",
        bulk_api.CandidacyBulkView.as_view(),
        name="candidacy-bulk",
    ),
]
