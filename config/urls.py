from django.contrib import admin
from django.urls import include, path

from ptdv.accounts.views import login_view, logout_view
from ptdv.core.admin import scoped_view_on_site
from ptdv.ops.views import healthz, metrics
from ptdv.people.account_views import user_person_view
from ptdv.work.views import home

urlpatterns = [
    # Without a namespace: the settings name them (LOGIN_URL, LOGIN_REDIRECT_URL,
    # LOGOUT_REDIRECT_URL).
    path("", home, name="home"),
    path("accounts/login/", login_view, name="login"),
    path("accounts/logout/", logout_view, name="logout"),
    path("accounts/", include("ptdv.accounts.urls")),
    # A user page's form that resolves a person: it lives in the people app, above accounts.
    path("accounts/users/<int:pk>/person/", user_person_view, name="user_person"),
    path("organisations/", include("ptdv.organisations.urls")),
    path("people/", include("ptdv.documents.person_urls")),
    path("candidacies/bulk/", include("ptdv.work.bulk_urls")),
    path("candidacies/", include("ptdv.candidacies.urls")),
    path("members/", include("ptdv.members.urls")),
    path("members/", include("ptdv.members.action_views")),
    path("rules/", include("ptdv.rules.urls")),
    path("targets/", include("ptdv.targets.urls")),
    path("courses/", include("ptdv.courses.urls")),
    path("reports/", include("ptdv.reports.urls")),
    path("documents/", include("ptdv.documents.urls")),
    path("exchange/", include("ptdv.exchange.urls")),
    path("audit/", include("ptdv.audit.urls")),
    path("notifications/", include("ptdv.notifications.urls")),
    path("help/", include("ptdv.work.urls")),
    path("requests/", include("ptdv.correspondence.urls")),
    path("movements/", include("ptdv.movements.urls")),
    path("obstacles/", include("ptdv.obstacles.urls")),
    path("exemplars/", include("ptdv.exemplars.urls")),
    path("inspections/", include("ptdv.inspections.urls")),
    path("surveys/", include("ptdv.surveys.urls")),
    path("evaluations/", include("ptdv.evaluations.urls")),
    path("api/v1/", include("config.api_urls")),
    # Before the admin's own "view on site" URL, which it shadows (see the view).
    path(
        "admin/r/<int:content_type_id>/<str:object_id>/",
        scoped_view_on_site,
        name="admin_view_on_site",
    ),
    path("admin/", admin.site.urls),
    path("healthz", healthz),
    path("metrics", metrics),
]

# JSON under /api/, the Vietnamese HTML pages elsewhere (ptdv.core.errors).
handler400 = "ptdv.core.errors.bad_request"
handler403 = "ptdv.core.errors.permission_denied"
handler404 = "ptdv.core.errors.page_not_found"
handler500 = "ptdv.core.errors.server_error"
