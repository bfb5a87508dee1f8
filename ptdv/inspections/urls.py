from django.urls import path

from ptdv.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list_view, name="list"),
    path("new/", views.inspection_create_view, name="create"),
    path("export.xlsx", views.inspection_export_view, name="export"),
    path("<int:pk>/", views.inspection_detail_view, name="detail"),
    path("<int:pk>/edit/", views.inspection_edit_view, name="edit"),
    path("<int:pk>/recommendations/", views.recommendation_add_view, name="recommendation_add"),
    path(
        "<int:pk>/recommendations/<int:rid>/done/",
        views.recommendation_close_view,
        name="recommendation_close",
    ),
]
