"""Notification routes of API v1 (the list is registered on the router by config.api_urls
would shadow `read/`: both are plain paths here, `read/` first)."""

from django.urls import URLPattern, path

from ptdv.notifications.api import NotificationReadView, NotificationViewSet

urlpatterns: list[URLPattern] = [
    path("notifications/read/", NotificationReadView.as_view(), name="notification-read"),
    path(
        "notifications/",
        NotificationViewSet.as_view({"get": "list"}),
        name="notification-list",
    ),
]
