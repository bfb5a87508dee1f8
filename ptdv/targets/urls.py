from django.urls import URLPattern, path

from ptdv.targets import views

app_name = "targets"
urlpatterns: list[URLPattern] = [
    path("", views.targets_index, name="index"),
    path("<int:pk>/", views.targets_dashboard, name="dashboard"),
    path("<int:pk>/targets/", views.targets_manage, name="manage"),
    path("<int:pk>/terms/", views.terms_view, name="terms"),
    path("<int:pk>/indicators/", views.indicators_view, name="indicators"),
    path("<int:pk>/plan/", views.plan_view, name="plan"),
    path("target/<int:pk>/", views.target_detail, name="target"),
]
