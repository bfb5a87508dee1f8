from django.urls import URLPattern, path

from ptdv.people import views

app_name = "people"
urlpatterns: list[URLPattern] = [
    path("<int:pk>/", views.person_detail, name="detail"),
]
