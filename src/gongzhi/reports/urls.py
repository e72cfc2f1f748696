"""Report URLs."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("orgs/", views.orgs, name="orgs"),
    path("orgs/file/", views.orgs_file, name="orgs_file"),
    path("files/<str:token>/", views.file, name="file"),
]
