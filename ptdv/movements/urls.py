from django.urls import path

from ptdv.movements import views

app_name = "movements"

urlpatterns = [
    path("", views.movement_list_view, name="list"),
    path("new/", views.movement_create_view, name="create"),
    path("<int:pk>/", views.movement_detail_view, name="detail"),
    path("<int:pk>/edit/", views.movement_edit_view, name="edit"),
    path("yield/", views.yield_view, name="yield"),
    path("yield.xlsx", views.yield_export_view, name="yield_export"),
    path("mass-organisations/", views.mass_list_view, name="mass_list"),
    path("mass-organisations/new/", views.mass_create_view, name="mass_create"),
    path("mass-organisations/<int:pk>/", views.mass_detail_view, name="mass_detail"),
    path("mass-organisations/<int:pk>/edit/", views.mass_edit_view, name="mass_edit"),
    path("mass-organisations/<int:pk>/targets/", views.mass_target_view, name="mass_target"),
]
