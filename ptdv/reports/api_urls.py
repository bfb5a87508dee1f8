from django.urls import URLPattern, path

from ptdv.reports.api import IndicatorsReportView, ProgressReportView, ReviewReportView

urlpatterns: list[URLPattern] = [
    path(
        "reports/progress/<int:pk>.<str:fmt>",
        ProgressReportView.as_view(),
        name="report-progress",
    ),
    path(
        "reports/indicators/<int:pk>.<str:fmt>",
        IndicatorsReportView.as_view(),
        name="report-indicators",
    ),
    path(
        "reports/review/<int:pk>.docx",
        ReviewReportView.as_view(),
        name="report-review",
    ),
]
