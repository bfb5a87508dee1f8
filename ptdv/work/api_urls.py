from django.urls import URLPattern, path

from ptdv.work.api import WorkListView

urlpatterns: list[URLPattern] = [
    path("work/", WorkListView.as_view(), name="work-list"),
]
