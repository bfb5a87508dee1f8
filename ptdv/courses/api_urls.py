"""Course routes of API v1, mounted at /api/v1/."""

from django.urls import URLPattern, path

from ptdv.courses import api

urlpatterns: list[URLPattern] = [
    path("courses/", api.CourseListView.as_view(), name="course-list"),
    path("courses/figures/", api.FiguresView.as_view(), name="course-figures"),
    path("courses/<int:pk>/", api.CourseDetailView.as_view(), name="course-detail"),
    path("courses/<int:pk>/enrolments/", api.EnrolmentsView.as_view(), name="course-enrolments"),
    path("courses/<int:pk>/sessions/", api.SessionsView.as_view(), name="course-sessions"),
    path(
        "courses/<int:pk>/sessions/<int:session_id>/attendance/",
        api.AttendanceView.as_view(),
        name="course-attendance",
    ),
    path("courses/<int:pk>/results/", api.ResultsView.as_view(), name="course-results"),
    path(
        "courses/<int:pk>/certificates/",
        api.CertificatesView.as_view(),
        name="course-certificates",
    ),
    path(
        "courses/<int:pk>/certificates.<str:ext>",
        api.CertificatesPrintView.as_view(),
        name="course-certificates-print",
    ),
]
