"""Councils B's demo data loads, is idempotent, and covers every vote method and action-item state."""

import pytest

from gongzhi.councils.models import ActionItem, Agreement, Motion, Proposal, Resolution
from gongzhi.councils.models.bodies import Threshold

from .test_outcomes_support import english  # noqa: F401 - fixture


@pytest.mark.django_db
def test_the_demo_has_votes_of_every_method_resolutions_agreements_and_proposals():
    from gongzhi.core.calendar_actions import seed_calendar
    from gongzhi.demo import base, councils, councils_outcomes

    seed_calendar(actor=None)
    areas = base.load_areas()
    base.load_users(areas, base.load_departments(areas))
    councils.load(areas)
    councils_outcomes.load(areas)
    counts = (
        Motion.objects.count(),
        Resolution.objects.count(),
        Agreement.objects.count(),
        Proposal.objects.count(),
    )
    councils_outcomes.load(areas)  # idempotent
    assert counts == (
        Motion.objects.count(),
        Resolution.objects.count(),
        Agreement.objects.count(),
        Proposal.objects.count(),
    )
    assert set(Motion.objects.values_list("threshold", flat=True)) == set(Threshold.values)
    assert Motion.objects.filter(secret=True).exists() and Motion.objects.filter(result="failed").exists()
    states = set(ActionItem.objects.values_list("status", flat=True))
    assert states == set(ActionItem.Status.values)
    assert ActionItem.objects.filter(is_overdue=True).exists()
    assert set(Agreement.objects.values_list("state", flat=True)) >= {"active", "draft", "renewed"}
    assert set(Proposal.objects.values_list("state", flat=True)) >= {"open", "scheduled", "rejected"}
