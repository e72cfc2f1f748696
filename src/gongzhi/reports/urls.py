"""Report URLs: the social-organization report and its files, the area dashboards and their export."""

from django.urls import path

from . import dashboard_views, views

app_name = "reports"
urlpatterns = [
    path("orgs/", views.orgs, name="orgs"),
    path("orgs/file/", views.orgs_file, name="orgs_file"),
    path("files/<str:token>/", views.file, name="file"),
    path("dashboard/", dashboard_views.dashboard_home, name="dashboard_home"),
    path("dashboard/<int:pk>/", dashboard_views.dashboard_page, name="dashboard"),
    path("dashboard/<int:pk>/export.xlsx", dashboard_views.dashboard_export, name="dashboard_export"),
]
