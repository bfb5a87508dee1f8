from django.urls import path

from ptdv.exemplars import views

app_name = "exemplars"

urlpatterns = [
    path("", views.exemplar_list_view, name="list"),
    path("new/", views.exemplar_create_view, name="create"),
    path("export.xlsx", views.exemplar_export_view, name="export"),
    path("print.pdf", views.exemplar_print_view, name="print"),
    path("<int:pk>/", views.exemplar_detail_view, name="detail"),
    path("<int:pk>/edit/", views.exemplar_edit_view, name="edit"),
    path("<int:pk>/candidacy/", views.exemplar_link_view, name="link"),
    path("<int:pk>/evidence/", views.exemplar_evidence_view, name="evidence"),
]
