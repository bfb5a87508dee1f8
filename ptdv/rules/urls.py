from django.urls import path

from ptdv.rules import views

app_name = "rules"
urlpatterns = [path("", views.rule_sets, name="rule_sets")]
