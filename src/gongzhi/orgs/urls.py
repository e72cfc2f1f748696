"""Orgs URLs: the registry, filed teams, stationed units and the annual inspection."""

from django.urls import path

from . import views, views_inspection

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views.org_create, name="create"),
    path("mine/", views.my_organization, name="mine"),
    path("<int:org_id>/", views.org_detail, name="detail"),
    path("<int:org_id>/edit/", views.org_edit, name="edit"),
    path("<int:org_id>/deregister/", views.org_deregister, name="deregister"),
    path("<int:org_id>/grade/", views.org_grade, name="grade"),
    path("<int:org_id>/contact/", views.org_contact, name="contact"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:team_id>/", views.team_detail, name="team"),
    path("teams/<int:team_id>/cancel/", views.team_cancel, name="team_cancel"),
    path("units/", views.unit_list, name="units"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/mine/", views.my_unit, name="my_unit"),
    path("units/<int:unit_id>/", views.unit_detail, name="unit"),
    path("inspections/", views_inspection.inspection_list, name="inspections"),
    path("inspections/open/", views_inspection.inspection_open, name="inspection_open"),
    path("inspections/<int:inspection_id>/", views_inspection.inspection_detail, name="inspection"),
]
