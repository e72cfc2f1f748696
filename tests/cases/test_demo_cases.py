"""Demo cases: every state present, timelines replay to the stored state, loading twice adds nothing."""

import pytest

from gongzhi.cases import machine
from gongzhi.cases.models import Case, RoutingRule

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_every_state_with_valid_timelines():
    from gongzhi.core.calendar_actions import seed_calendar
    from gongzhi.demo import base
    from gongzhi.demo import cases as demo_cases

    seed_calendar(actor=None)
    areas = base.load_areas()
    base.load_users(areas, base.load_departments(areas))
    demo_cases.load(areas)
    states = set(Case.objects.values_list("state", flat=True))
    assert states == set(machine.STATES)
    for case in Case.objects.all():
        actions = [e.action for e in case.events.order_by("at", "id") if e.action in machine.TRANSITIONS]
        assert machine.replay(actions) == case.state, case.number
    assert RoutingRule.objects.filter(supports__department__name="马陆镇城管执法中队").exists()
    count = Case.objects.count()
    demo_cases.load(areas)
    assert Case.objects.count() == count
