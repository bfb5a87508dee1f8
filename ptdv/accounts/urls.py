from django.urls import path

from ptdv.accounts import security_views, views

app_name = "accounts"
# Sign-in and sign-out are named `login` and `logout` without a namespace (settings.LOGIN_URL);
# they are routed in config/urls.py under the same "accounts/" prefix.
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
    # Sign-in security (ptdv.accounts.security_views).
    path("security/", security_views.security_view, name="security"),
    path(
        "security/tokens/<int:token_pk>/revoke/",
        security_views.token_revoke_own_view,
        name="token_revoke_own",
    ),
    path("two-factor/verify/", security_views.two_factor_verify_view, name="two_factor_verify"),
    path("two-factor/setup/", security_views.two_factor_setup_view, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        security_views.recovery_codes_view,
        name="two_factor_recovery_codes",
    ),
    path("two-factor/disable/", security_views.two_factor_disable_view, name="two_factor_disable"),
    path(
        "users/<int:pk>/unlock-login/",
        security_views.user_unlock_login_view,
        name="user_unlock_login",
    ),
    path(
        "users/<int:pk>/two-factor/reset/",
        security_views.user_two_factor_reset_view,
        name="user_two_factor_reset",
    ),
    path(
        "users/<int:pk>/tokens/<int:token_pk>/revoke/",
        security_views.user_token_revoke_view,
        name="user_token_revoke",
    ),
]
