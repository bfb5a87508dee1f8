"""The obstacle pages, under /obstacles/ (URL namespace "obstacles")."""

from django.urls import URLPattern, path

from ptdv.obstacles import views

app_name = "obstacles"
urlpatterns: list[URLPattern] = [
    path("", views.obstacle_list_view, name="list"),
    path("new/", views.obstacle_create_view, name="create"),
    path("monthly/", views.obstacle_monthly_view, name="monthly"),
    path("monthly.xlsx", views.obstacle_monthly_export_view, name="monthly_export"),
    path("stats/", views.obstacle_stats_view, name="stats"),
    path("<int:pk>/", views.obstacle_detail_view, name="detail"),
    path("<int:pk>/actions/<slug:action>/", views.obstacle_action_view, name="action"),
]
