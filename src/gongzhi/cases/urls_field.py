"""/field/: visits, a unit's visit history, patrols, campaigns and the KPI page."""

from django.urls import path

from . import views_field as v
from . import views_field_campaigns as c
from . import views_kpis

app_name = "cases_field"

urlpatterns = [
    path("", v.index, name="index"),
    path("visits/", v.visit_list, name="visits"),
    path("visits/new/", v.visit_create, name="visit_create"),
    path("visits/<int:visit_id>/", v.visit_detail, name="visit"),
    path("visits/<int:visit_id>/log/", v.visit_log, name="visit_log"),
    path("visits/<int:visit_id>/cancel/", v.visit_cancel, name="visit_cancel"),
    path("visits/<int:visit_id>/case/", v.visit_case, name="visit_case"),
    path("visits/<int:visit_id>/feedback/", v.visit_feedback, name="visit_feedback"),
    path("units/<int:unit_id>/", v.unit_visits, name="unit"),
    path("patrols/", v.patrol_list, name="patrols"),
    path("patrols/start/", v.patrol_start, name="patrol_start"),
    path("patrols/<int:patrol_id>/", v.patrol_detail, name="patrol"),
    path("patrols/<int:patrol_id>/end/", v.patrol_end, name="patrol_end"),
    path("patrols/<int:patrol_id>/finding/", v.patrol_finding, name="patrol_finding"),
    path("campaigns/", c.campaign_list, name="campaigns"),
    path("campaigns/new/", c.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", c.campaign_detail, name="campaign"),
    path("campaigns/<int:campaign_id>/targets/", c.campaign_add_target, name="campaign_add_target"),
    path("campaigns/<int:campaign_id>/lock/", c.campaign_lock, name="campaign_lock"),
    path("campaigns/<int:campaign_id>/close/", c.campaign_close, name="campaign_close"),
    path("targets/<int:target_id>/reinspect/", c.target_reinspect, name="target_reinspect"),
    path("targets/<int:target_id>/rebound/", c.target_rebound, name="target_rebound"),
    path("kpis/", views_kpis.kpi_page, name="kpis"),
    path("kpis/export.xlsx", views_kpis.kpi_export, name="kpi_export"),
]
