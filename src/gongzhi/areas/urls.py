"""Area URLs."""

from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:area_id>/", views.detail, name="detail"),
]
