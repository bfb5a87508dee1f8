from django.urls import URLPattern, path

from ptdv.documents import relatives_views, views

app_name = "documents"
urlpatterns: list[URLPattern] = [
    path("candidacies/<int:pk>/<slug:slug>.<str:ext>", views.form_download_view, name="form"),
    path(
        "candidacies/<int:pk>/attachments/",
        views.attachment_upload_view,
        name="attachment_upload",
    ),
    path("attachments/<int:pk>/", views.attachment_download_view, name="attachment"),
]

# A person's relatives, under the person's URLs and names (`people:relative_create`, …):
# `config.urls` adds them to the "people" namespace, since people does not import documents.
person_urlpatterns: list[URLPattern] = [
    path("<int:pk>/relatives/new/", relatives_views.relative_create_view, name="relative_create"),
    path("relatives/<int:pk>/edit/", relatives_views.relative_update_view, name="relative_update"),
    path(
        "relatives/<int:pk>/delete/", relatives_views.relative_delete_view, name="relative_delete"
    ),
]
