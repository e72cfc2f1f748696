"""Programme URLs (under /orgs/programs/): incubation, venture calls and contests, service contracts."""

from django.urls import path
from django.views.generic import RedirectView

from . import views_contracts as c
from . import views_programs as v

app_name = "orgs_programs"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="orgs_programs:calls"), name="index"),
    path("incubations/", v.incubation_list, name="incubations"),
    path("incubations/new/", v.incubation_create, name="incubation_create"),
    path("incubations/<int:pk>/", v.incubation_detail, name="incubation"),
    path("incubations/<int:pk>/milestones/", v.incubation_milestone, name="incubation_milestone"),
    path(
        "incubations/<int:pk>/milestones/<int:milestone_id>/done/",
        v.incubation_milestone_done,
        name="incubation_milestone_done",
    ),
    path("incubations/<int:pk>/graduate/", v.incubation_graduate, name="incubation_graduate"),
    path("incubations/<int:pk>/exit/", v.incubation_exit, name="incubation_exit"),
    path("calls/", v.call_list, name="calls"),
    path("calls/new/", v.call_create, name="call_create"),
    path("calls/<int:pk>/", v.call_detail, name="call"),
    path("calls/<int:pk>/apply/", v.call_apply, name="call_apply"),
    path("calls/<int:pk>/award/", v.call_award, name="call_award"),
    path("calls/<int:pk>/<str:step>/", v.call_step, name="call_step"),
    path("calls/<int:pk>/applications/<int:app_id>/score/", v.application_score, name="application_score"),
    path(
        "calls/<int:pk>/applications/<int:app_id>/withdraw/",
        v.application_withdraw,
        name="application_withdraw",
    ),
    path("calls/<int:pk>/projects/<int:project_id>/close/", v.project_close, name="project_close"),
    path("contracts/", c.contract_list, name="contracts"),
    path("contracts/new/", c.contract_create, name="contract_create"),
    path("contracts/ocds.json", c.contract_ocds, name="contracts_ocds"),
    path("contracts/<int:pk>/", c.contract_detail, name="contract"),
    path("contracts/<int:pk>/sign/", c.contract_sign, name="contract_sign"),
    path(
        "contracts/<int:pk>/indicators/<int:indicator_id>/report/", c.contract_report, name="contract_report"
    ),
    path("contracts/<int:pk>/evaluate/", c.contract_evaluate, name="contract_evaluate"),
    path("contracts/<int:pk>/terminate/", c.contract_terminate, name="contract_terminate"),
]
