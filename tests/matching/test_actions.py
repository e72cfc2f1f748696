"""Matching actions: who may publish and accept, bad input, capacity consumption, projects, figures."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from gongzhi.core import rollups
from gongzhi.core.models import AuditEvent, RollupDelta
from gongzhi.matching import actions, queries
from gongzhi.matching.models import MatchedProject, Need, Resource
from gongzhi.notices.models import Notification

from .conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():
    with freeze_time("2026-12-01 10:00:00+08:00"):
        yield


def _publish(actor, unit, area, **kw):
    fields = dict(
        publisher_kind="unit",
        publisher_id=unit.pk,
        area=area,
        kind="venue",
        title="会议室",
        capacity=1,
        available_from=at(5),
        available_until=at(6),
    )
    fields.update(kw)
    return actions.publish_resource(actor=actor, **fields)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("liaison", True),
        ("street_admin", True),
        ("community_worker", False),  # Malu's worker: the unit is in Fangsong
        ("resident", False),
        ("org_staff", False),  # staff of another body
        ("outsider", False),
    ],
)
def test_publishing_a_units_resource_per_role(request, tree, unit, who, allowed):
    actor = request.getfixturevalue(who)
    if allowed:
        resource = _publish(actor, unit, tree["fangsong"])
        assert resource.remaining == resource.capacity == 1
        assert AuditEvent.objects.filter(verb="resource.published", object_id=str(resource.pk)).exists()
    else:
        with pytest.raises(PermissionDenied):
            _publish(actor, unit, tree["fangsong"])
        assert not Resource.objects.exists()


def test_organization_staff_publish_for_their_organization(tree, organization, org_staff):
    r = actions.publish_resource(
        actor=org_staff,
        publisher_kind="organization",
        publisher_id=organization.pk,
        area=tree["fangsong"],
        kind="professional_service",
        title="社工个案辅导",
        capacity=20,
        unit="小时",
        available_from=at(2),
        available_until=at(30),
    )
    assert r.publisher_label == "上海乐群社工服务社"


def test_availability_ending_before_it_starts_is_refused_and_nothing_written(tree, unit, liaison):
    with pytest.raises(ValidationError) as err:
        _publish(liaison, unit, tree["fangsong"], available_from=at(6), available_until=at(5))
    assert "available_until" in err.value.message_dict
    assert not Resource.objects.exists()
    assert not AuditEvent.objects.filter(verb="resource.published").exists()


def test_an_unknown_publisher_is_refused_with_a_clear_message(tree, street_admin):
    with pytest.raises(ValidationError) as err:
        actions.publish_resource(
            actor=street_admin,
            publisher_kind="party_organization",
            publisher_id=999999,
            area=tree["fangsong"],
            kind="funds",
            title="x",
            capacity=1,
            available_from=at(2),
            available_until=at(3),
        )
    assert {"publisher_kind", "publisher_id"} & set(err.value.message_dict)
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("committee_worker", True),
        ("resident", True),
        ("grid_worker", False),
        ("liaison", False),
        ("other_street_admin", False),
    ],
)
def test_publishing_a_need_in_the_committee_per_role(request, tree, who, allowed):
    actor = request.getfixturevalue(who)
    kwargs = dict(area=tree["committee"], kind="venue", title="场地", wanted_from=at(10), wanted_until=at(11))
    if allowed:
        assert actions.publish_need(actor=actor, **kwargs).state == Need.State.OPEN
    else:
        with pytest.raises(PermissionDenied):
            actions.publish_need(actor=actor, **kwargs)


def test_a_need_links_back_to_an_existing_source_only(tree, committee_worker):
    with pytest.raises(ValidationError) as err:
        actions.publish_need(
            actor=committee_worker,
            area=tree["committee"],
            kind="funds",
            title="x",
            wanted_from=at(10),
            wanted_until=at(11),
            source_type="cases.case",
            source_id=999,
        )
    assert "source_id" in err.value.message_dict


def test_the_matcher_proposes_the_venue_for_the_need(tree, venue, need):
    rows = queries.proposals(tree["fangsong"])
    assert rows[0]["need"] == need
    assert rows[0]["pairs"][0].resource == venue
    assert queries.ranked_for_resource(venue)[0].need == need


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("committee_worker", True),
        ("street_admin", True),
        ("liaison", False),
        ("resident", False),
        ("grid_worker", False),
    ],
)
def test_accepting_a_pair_per_role(request, venue, need, who, allowed):
    actor = request.getfixturevalue(who)
    if allowed:
        project = actions.accept_pair(actor=actor, resource=venue, need=need)
        assert project.quantity == 1 and project.state == MatchedProject.State.PLANNED
        assert project.score_reasons
    else:
        with pytest.raises(PermissionDenied):
            actions.accept_pair(actor=actor, resource=venue, need=need)
        assert not MatchedProject.objects.exists()


def test_capacity_is_consumed_so_the_same_slot_is_never_promised_twice(
    tree, venue, committee_worker, liaison, django_capture_on_commit_callbacks
):
    needs = [
        actions.publish_need(
            actor=committee_worker,
            area=tree["committee"],
            kind="venue",
            title=f"活动{i}",
            wanted_from=at(10),
            wanted_until=at(11),
        )
        for i in range(3)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept_pair(actor=committee_worker, resource=venue, need=needs[0])
        actions.accept_pair(actor=committee_worker, resource=venue, need=needs[1])
    venue.refresh_from_db()
    assert venue.remaining == 0 and venue.state == Resource.State.EXHAUSTED
    with pytest.raises(ValidationError):
        actions.accept_pair(actor=committee_worker, resource=venue, need=needs[2])
    assert MatchedProject.objects.count() == 2
    assert queries.ranked_for_need(needs[2]) == []
    # The publisher's liaison was told about each match.
    assert Notification.objects.filter(recipient=liaison, kind="matching.project").count() == 2


def test_a_need_is_matched_only_once(tree, venue, need, committee_worker):
    actions.accept_pair(actor=committee_worker, resource=venue, need=need)
    with pytest.raises(ValidationError) as err:
        actions.accept_pair(actor=committee_worker, resource=venue, need=need)
    assert "need" in err.value.message_dict


def test_the_schedule_must_lie_within_the_availability(venue, need, committee_worker):
    with pytest.raises(ValidationError) as err:
        actions.accept_pair(actor=committee_worker, resource=venue, need=need, starts_at=at(1), ends_at=at(2))
    assert "starts_at" in err.value.message_dict
    assert Need.objects.get(pk=need.pk).state == Need.State.OPEN


def test_completing_a_project_meets_the_need_and_counts_in_the_figures(
    tree, venue, need, committee_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project = actions.accept_pair(actor=committee_worker, resource=venue, need=need, plan="两场讲座")
        actions.start_project(actor=committee_worker, project=project)
        actions.complete_project(actor=committee_worker, project=project, results="到场62人")
    need.refresh_from_db()
    assert need.state == Need.State.MET
    assert RollupDelta.objects.filter(figure="matching.needs_met").count() == 1
    rollups.fold()
    figures = queries.figures(tree["fangsong"], "2026-12", "2026-12")
    assert figures == {"needs_met": 1, "resources_used": 1, "projects_completed": 1}
    assert queries.figures(tree["malu"], "2026-12", "2026-12")["needs_met"] == 0
    rollups.rebuild("matching.needs_met")
    assert queries.figures(tree["songjiang"], "2026-12", "2026-12")["needs_met"] == 1


def test_cancelling_a_project_gives_the_capacity_back(
    venue, need, committee_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project = actions.accept_pair(actor=committee_worker, resource=venue, need=need)
        actions.cancel_project(actor=committee_worker, project=project, reason="讲师临时有事")
    venue.refresh_from_db()
    need.refresh_from_db()
    assert venue.remaining == 2 and need.state == Need.State.OPEN
    with pytest.raises(ValidationError):
        actions.complete_project(actor=committee_worker, project=project, results="x")


def test_withdrawing_is_for_the_publisher(venue, liaison, resident):
    with pytest.raises(PermissionDenied):
        actions.withdraw_resource(actor=resident, resource=venue)
    assert actions.withdraw_resource(actor=liaison, resource=venue).state == Resource.State.WITHDRAWN
    with pytest.raises(ValidationError):
        actions.withdraw_resource(actor=liaison, resource=venue)
