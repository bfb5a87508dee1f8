"""Evaluation routes of API v1, mounted at /api/v1/."""

from django.urls import URLPattern, path

from ptdv.evaluations import api

urlpatterns: list[URLPattern] = [
    path("evaluations/", api.EvaluationListView.as_view(), name="evaluation-list"),
    path("evaluations/formula/", api.FormulaView.as_view(), name="evaluation-formula"),
]
