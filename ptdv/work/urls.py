from django.urls import URLPattern, path

from ptdv.work import guide_views

app_name = "work"
urlpatterns: list[URLPattern] = [
    path("", guide_views.guide_index, name="guide"),
    path("<slug:slug>/", guide_views.guide_section, name="guide_section"),
]
