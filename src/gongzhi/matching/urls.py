"""Matching URLs: resources, needs, the matcher's proposals, projects and figures."""

from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("", views.home, name="home"),
    path("resources/", views.resource_list, name="resources"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:resource_id>/", views.resource_detail, name="resource"),
    path("resources/<int:resource_id>/withdraw/", views.resource_withdraw, name="resource_withdraw"),
    path("needs/", views.need_list, name="needs"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:need_id>/", views.need_detail, name="need"),
    path("needs/<int:need_id>/close/", views.need_close, name="need_close"),
    path("proposals/", views.proposals, name="proposals"),
    path("accept/", views.accept, name="accept"),
    path("projects/", views.project_list, name="projects"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("projects/<int:project_id>/start/", views.project_start, name="project_start"),
    path("projects/<int:project_id>/complete/", views.project_complete, name="project_complete"),
    path("projects/<int:project_id>/cancel/", views.project_cancel, name="project_cancel"),
]
