from django.urls import path

from ptdv.rules.api import RuleCheckView, RuleSetListView

urlpatterns = [
    path("rules/check/", RuleCheckView.as_view(), name="api-rules-check"),
    path("rules/sets/", RuleSetListView.as_view(), name="api-rule-sets"),
]
