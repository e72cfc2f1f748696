"""Open-data URLs (public)."""

from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("bundle.zip", views.download, name="download"),
    path("publish/", views.publish, name="publish"),
]
