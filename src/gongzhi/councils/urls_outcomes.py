"""URLs of votes, resolutions and accountability, agreements, proposals and elections (under /councils/)."""

from django.urls import path

from . import views_agreements as va
from . import views_elections as ve
from . import views_outcomes as v
from . import views_proposals as vp

app_name = "councils_outcomes"
urlpatterns = [
    path("accountability/", v.accountability, name="accountability"),
    path("accountability/council/<int:council_id>/", v.council_accountability, name="council_accountability"),
    path("resolutions/<int:resolution_id>/", v.resolution_detail, name="resolution"),
    path("resolutions/<int:resolution_id>/actions/", v.action_item_add, name="action_item_add"),
    path("actions/mine/", v.my_actions, name="my_actions"),
    path("actions/<int:item_id>/progress/", v.action_item_progress, name="action_item_progress"),
    path("actions/<int:item_id>/cancel/", v.action_item_cancel, name="action_item_cancel"),
    path("items/<int:item_id>/votes/", v.item_votes, name="item_votes"),
    path("motions/<int:motion_id>/", v.motion_detail, name="motion"),
    path("motions/<int:motion_id>/vote/", v.motion_vote, name="motion_vote"),
    path("motions/<int:motion_id>/<slug:step>/", v.motion_transition, name="motion_step"),
    path("proposals/", vp.proposals, name="proposals"),
    path("proposals/new/", vp.proposal_create, name="proposal_create"),
    path("proposals/settings/", vp.proposal_setting, name="proposal_setting"),
    path("proposals/<int:proposal_id>/", vp.proposal_detail, name="proposal"),
    path("proposals/<int:proposal_id>/<slug:step>/", vp.proposal_step, name="proposal_step"),
    path("agreements/", va.agreements, name="agreements"),
    path("agreements/new/", va.agreement_create, name="agreement_create"),
    path("agreements/<int:agreement_id>/", va.agreement_detail, name="agreement"),
    path("agreements/<int:agreement_id>/<slug:step>/", va.agreement_step, name="agreement_step"),
    path("elections/", ve.elections, name="elections"),
    path("elections/new/", ve.election_create, name="election_create"),
    path("elections/<int:election_id>/", ve.election_detail, name="election"),
    path("elections/<int:election_id>/roll/", ve.election_roll, name="election_roll"),
    path("elections/<int:election_id>/vote/", ve.election_vote, name="election_vote"),
    path(
        "elections/<int:election_id>/candidates/<int:candidate_id>/vet/",
        ve.candidate_vet,
        name="candidate_vet",
    ),
    path("elections/<int:election_id>/<slug:step>/", ve.election_step, name="election_step"),
]
