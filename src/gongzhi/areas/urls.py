"""Area URLs: the tree, area pages and forms, departments."""

from django.urls import path

from . import views

app_name = "areas"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("departments/", views.departments, name="departments"),
    path("departments/<int:department_id>/edit/", views.edit_department, name="edit_department"),
    path("<int:area_id>/", views.detail, name="detail"),
    path("<int:area_id>/children/", views.children, name="children"),
    path("<int:area_id>/add/", views.create_child, name="create_child"),
    path("<int:area_id>/edit/", views.edit, name="edit"),
    path("<int:area_id>/facts/", views.edit_facts, name="edit_facts"),
    path("<int:area_id>/changes/new/", views.record_change, name="record_change"),
    path("<int:area_id>/departments/new/", views.create_department, name="create_department"),
]
