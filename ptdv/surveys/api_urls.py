"""Survey routes of API v1, mounted at /api/v1/."""

from django.urls import URLPattern, path

from ptdv.surveys import api

_RESPONSE = "surveys/<int:pk>/responses/<int:rid>/"

urlpatterns: list[URLPattern] = [
    path("surveys/", api.RoundListView.as_view(), name="survey-list"),
    path("surveys/<int:pk>/", api.RoundDetailView.as_view(), name="survey-detail"),
    path("surveys/<int:pk>/responses/", api.ResponseListView.as_view(), name="survey-responses"),
    path(_RESPONSE, api.ResponseDetailView.as_view(), name="survey-response"),
    path(f"{_RESPONSE}submit/", api.ResponseSubmitView.as_view(), name="survey-response-submit"),
    path(f"{_RESPONSE}accept/", api.ResponseAcceptView.as_view(), name="survey-response-accept"),
    path(f"{_RESPONSE}return/", api.ResponseReturnView.as_view(), name="survey-response-return"),
    path(f"{_RESPONSE}refresh/", api.ResponseRefreshView.as_view(), name="survey-response-refresh"),
]
