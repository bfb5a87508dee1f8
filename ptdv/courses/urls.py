from django.urls import path

from ptdv.courses import views

app_name = "courses"

urlpatterns = [
    path("", views.course_list_view, name="list"),
    path("new/", views.course_create_view, name="create"),
    path("figures/", views.course_figures_view, name="figures"),
    path("figures.xlsx", views.course_figures_export_view, name="figures_export"),
    path("<int:pk>/", views.course_detail_view, name="detail"),
    path("<int:pk>/edit/", views.course_edit_view, name="edit"),
    path("<int:pk>/enrol/", views.course_enrol_view, name="enrol"),
    path("<int:pk>/attendance/", views.course_attendance_view, name="attendance"),
    path("<int:pk>/sessions/", views.course_session_add_view, name="session_add"),
    path("<int:pk>/results/", views.course_results_view, name="results"),
    path("<int:pk>/certificates/", views.course_certificates_view, name="certificates"),
    path(
        "<int:pk>/certificates.<str:ext>",
        views.course_certificates_print_view,
        name="certificates_print",
    ),
]
