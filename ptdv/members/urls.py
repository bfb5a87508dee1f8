"""The member pages, under /members/ (URL namespace "members")."""

from django.urls import URLPattern, path

from ptdv.members import roster_views

app_name = "members"
urlpatterns: list[URLPattern] = [
    path("", roster_views.member_list_view, name="list"),
    path("<int:pk>/", roster_views.member_detail_view, name="detail"),
]
