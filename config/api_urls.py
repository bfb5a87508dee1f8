"""API v1, mounted at /api/v1/. Everything but the token, the schema and the docs page
requires authentication (REST_FRAMEWORK's default permission)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from config.api_docs import ApiDocsView
from ptdv.accounts.api import TokenDetailView, TokenListView, TokenObtainView
from ptdv.audit.api import AuditEntryViewSet
from ptdv.candidacies.api import CandidacyViewSet
from ptdv.correspondence.api import RequestViewSet
from ptdv.members.roster_api import MemberViewSet
from ptdv.organisations.api import OrganisationViewSet
from ptdv.people.api import PersonViewSet
from ptdv.work.bulk_urls import api_urlpatterns as bulk_api_urlpatterns

app_name = "api"

router = DefaultRouter()
router.include_root_view = False
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("people", PersonViewSet, basename="person")
router.register("candidacies", CandidacyViewSet, basename="candidacy")
router.register("members", MemberViewSet, basename="member")
router.register("audit", AuditEntryViewSet, basename="audit")
router.register("requests", RequestViewSet, basename="request")

urlpatterns = [
    path("auth/token/", TokenObtainView.as_view(), name="token"),
    path("auth/tokens/", TokenListView.as_view(), name="token_list"),
    path("auth/tokens/<int:pk>/", TokenDetailView.as_view(), name="token_detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(), name="docs"),
    path("", include("ptdv.rules.api_urls")),
    path("", include("ptdv.targets.api_urls")),
    path("", include("ptdv.organisations.locality_api_urls")),
    path("", include("ptdv.reports.api_urls")),
    path("", include("ptdv.documents.api_urls")),
    path("", include("ptdv.exchange.api_urls")),
    path("", include("ptdv.members.api_actions")),
    path("", include("ptdv.correspondence.api")),
    path("", include("ptdv.organisations.api_urls")),
    path("", include("ptdv.courses.api_urls")),
    path("", include(bulk_api_urlpatterns)),
    path("", include("ptdv.notifications.api_urls")),
    path("", include("ptdv.work.api_urls")),
    path("", include("ptdv.movements.api_urls")),
    path("", include("ptdv.obstacles.api_urls")),
    path("", include("ptdv.exemplars.api_urls")),
    path("", include("ptdv.inspections.api_urls")),
    path("", include("ptdv.surveys.api_urls")),
    path("", include("ptdv.evaluations.api_urls")),
    path("", include(router.urls)),
]
