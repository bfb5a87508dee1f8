from django.urls import path, re_path

from ptdv.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.round_list_view, name="list"),
    path("new/", views.round_create_view, name="create"),
    path("<int:pk>/", views.round_detail_view, name="round"),
    path("<int:pk>/rollup.xlsx", views.round_export_view, name="export"),
    path("<int:pk>/close/", views.round_close_view, name="close"),
    path("<int:round_id>/responses/<int:pk>/", views.response_view, name="response"),
    re_path(
        r"^(?P<round_id>[0-9]+)/responses/(?P<pk>[0-9]+)/(?P<action>refresh|submit|accept|return)/$",
        views.response_action_view,
        name="response_action",
    ),
]
