from django.urls import URLPattern, path

from ptdv.reports import views

app_name = "reports"
urlpatterns: list[URLPattern] = [
    path("<int:pk>/", views.periods_page, name="periods"),
    path("progress/<int:pk>.<str:fmt>", views.progress_download, name="progress"),
    path("indicators/<int:pk>.<str:fmt>", views.indicators_download, name="indicators"),
    path("review/<int:pk>.docx", views.review_download, name="review"),
]
