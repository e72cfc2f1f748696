"""People URLs: persons, households, dwellings and the resident's own record."""

from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("me/", views.my_record, name="me"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/edit/", views.person_edit, name="edit"),
    path("<int:person_id>/user/", views.person_link_user, name="link_user"),
    path("households/", views.household_list, name="households"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:household_id>/", views.household_detail, name="household"),
    path("households/<int:household_id>/edit/", views.household_edit, name="household_edit"),
    path(
        "households/<int:household_id>/members/<int:member_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("dwellings/", views.dwelling_list, name="dwellings"),
    path("dwellings/new/", views.dwelling_create, name="dwelling_create"),
    path("dwellings/<int:dwelling_id>/", views.dwelling_detail, name="dwelling"),
    path("dwellings/<int:dwelling_id>/edit/", views.dwelling_edit, name="dwelling_edit"),
]
