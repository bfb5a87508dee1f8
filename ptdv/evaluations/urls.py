from django.urls import path

from ptdv.evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.ranking_view, name="ranking"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("organisation/<int:pk>/", views.organisation_view, name="organisation"),
    path("commend/", views.honours_view, name="honours"),
    path("export.xlsx", views.export_view, name="export"),
    path("formula/", views.formula_view, name="formula"),
    path("formula/new/", views.formula_create_view, name="formula_create"),
    path("runs/", views.runs_view, name="runs"),
    path("compute/", views.compute_view, name="compute"),
]
