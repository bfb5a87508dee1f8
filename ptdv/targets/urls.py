from django.urls import URLPattern, path

from ptdv.targets import responsibility_views, views

app_name = "targets"
urlpatterns: list[URLPattern] = [
    path("", views.targets_index, name="index"),
    path("<int:pk>/", views.targets_dashboard, name="dashboard"),
    path("<int:pk>/targets/", views.targets_manage, name="manage"),
    path("<int:pk>/terms/", views.terms_view, name="terms"),
    path("<int:pk>/indicators/", views.indicators_view, name="indicators"),
    path("<int:pk>/plan/", views.plan_view, name="plan"),
    path("target/<int:pk>/", views.target_detail, name="target"),
    path(
        "<int:pk>/responsibility/",
        responsibility_views.responsibility_view,
        name="responsibility",
    ),
    path(
        "<int:pk>/responsibility.xlsx",
        responsibility_views.responsibility_export,
        name="responsibility_export",
    ),
    path("<int:pk>/responsibility/quotas/", responsibility_views.quotas_view, name="quotas"),
    path("responsible/<int:pk>/", responsibility_views.responsible_view, name="responsible"),
    path("mine/", responsibility_views.mine_view, name="mine"),
]
