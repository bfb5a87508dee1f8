"""Mounted at /api/v1/ before the routers, so these paths win over the router's patterns."""

from django.urls import URLPattern, path

from ptdv.documents import api

urlpatterns: list[URLPattern] = [
    path(
        "candidacies/<int:pk>/bundle.pdf",
        api.CandidacyBundleView.as_view(),
        name="candidacy-bundle",
    ),
    path(
        "candidacies/<int:pk>/documents/<slug:slug>.<str:ext>",
        api.CandidacyDocumentView.as_view(),
        name="candidacy-document",
    ),
    path(
        "candidacies/<int:pk>/attachments/",
        api.CandidacyAttachmentsView.as_view(),
        name="candidacy-attachments",
    ),
    path(
        "attachments/<int:pk>/download/",
        api.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path("people/<int:pk>/relatives/", api.PersonRelativesView.as_view(), name="person-relatives"),
    path("relatives/<int:pk>/", api.RelativeDetailView.as_view(), name="relative-detail"),
    path("document-numbers/", api.DocumentNumberView.as_view(), name="document-numbers"),
]
