"""Routes without a namespace: the home page and sign-in/sign-out, whose names (`home`,
`login`, `logout`) the settings refer to (LOGIN_URL, LOGIN_REDIRECT_URL, LOGOUT_REDIRECT_URL).
"""

from django.urls import URLPattern, path

from ptdv.accounts.views import login_view, logout_view
from ptdv.core import views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("accounts/login/", login_view, name="login"),
    path("accounts/logout/", logout_view, name="logout"),
]
