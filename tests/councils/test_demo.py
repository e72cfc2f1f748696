"""The councils demo: bodies of every kind with seats, meetings of every kind, one confidential item; idempotent."""

import pytest

from gongzhi.councils.models import AgendaItem, Council, Meeting


@pytest.mark.django_db
def test_the_demo_has_every_kind_of_body_and_meeting_and_loads_twice():
    from gongzhi.demo import base

    base.load()
    counts = (Council.objects.count(), Meeting.objects.count())
    base.load()
    assert (Council.objects.count(), Meeting.objects.count()) == counts
    kinds = set(Council.objects.values_list("kind", flat=True))
    assert {
        "representative_assembly",
        "joint_meeting",
        "regional_council",
        "professional_committee",
        "owners_committee",
        "residents_meeting",
        "party_working_committee",
    } <= kinds
    assert set(Meeting.objects.values_list("kind", flat=True)) == set(Meeting.Kind.values)
    assert Meeting.objects.filter(state="held", minutes_state="published").exists()
    assert Meeting.objects.filter(state="scheduled").exists()
    assert AgendaItem.objects.filter(audience=AgendaItem.Audience.FULL_TIME_MEMBERS).exists()
    # Party committees' rosters are the party demo's to publish; every other body's roster is published.
    party_kinds = {"party_committee", "party_branch"}
    assert all(c.roster_published_at for c in Council.objects.exclude(kind__in=party_kinds))
