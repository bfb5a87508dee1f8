from django.urls import URLPattern, path

from ptdv.people import views

# The relatives' routes join this namespace in config.urls (ptdv.documents.urls).
app_name = "people"
urlpatterns: list[URLPattern] = [
    path("<int:pk>/", views.person_detail, name="detail"),
]
