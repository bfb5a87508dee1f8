from django.urls import path

from ptdv.accounts import views

app_name = "accounts"
# Sign-in and sign-out are named `login` and `logout` without a namespace (settings.LOGIN_URL);
# they are routed in ptdv/core/urls.py under the same "accounts/" prefix.
urlpatterns = [
    path("password/", views.password_change_view, name="password_change"),
    path("users/", views.user_list_view, name="user_list"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/", views.user_detail_view, name="user_detail"),
    path("users/<int:pk>/deactivate/", views.user_deactivate_view, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate_view, name="user_reactivate"),
    path("users/<int:pk>/password/", views.user_password_view, name="user_password"),
    path("users/<int:pk>/assignments/", views.assignment_add_view, name="assignment_add"),
    path(
        "users/<int:pk>/assignments/<int:assignment_pk>/delete/",
        views.assignment_remove_view,
        name="assignment_remove",
    ),
]
