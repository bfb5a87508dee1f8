from django.urls import URLPattern, path

from ptdv.documents import views

app_name = "documents"
urlpatterns: list[URLPattern] = [
    # Before the forms' pattern, which would read it as a form named "bundle".
    path("candidacies/<int:pk>/bundle.pdf", views.bundle_download_view, name="bundle"),
    path("candidacies/<int:pk>/<slug:slug>.<str:ext>", views.form_download_view, name="form"),
    path(
        "candidacies/<int:pk>/attachments/",
        views.attachment_upload_view,
        name="attachment_upload",
    ),
    path("attachments/<int:pk>/", views.attachment_download_view, name="attachment"),
]
