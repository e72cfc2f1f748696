"""Campaigns (专项整治): lock a list, a case per target, re-inspection, rectification rate and rebound."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from gongzhi.cases.actions import campaigns
from gongzhi.cases.actions.intake import receive_case
from gongzhi.cases.actions.lifecycle import accept_case, resolve_case, start_case
from gongzhi.cases.models import Campaign, CampaignTarget, Case, RoutingRule
from gongzhi.cases.queries_field import board
from gongzhi.people.actions import create_dwelling

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def simple_rule(tree, categories):
    """Group rental in 方松街道 led by the case's committee, no supporting task (keeps the loop short)."""
    return RoutingRule.objects.create(
        category=categories["group_rental"],
        area=tree["fangsong"],
        area_depth=tree["fangsong"].depth,
        lead_kind="area",
        lead_area_level="committee",
    )


@pytest.fixture
def flats(tree):
    return [
        create_dwelling(actor=None, area=tree["compound"], building="3", room=f"50{i}") for i in range(1, 5)
    ]


@pytest.fixture
def campaign(tree, categories, street_admin, simple_rule):
    return campaigns.create_campaign(
        actor=street_admin,
        area=tree["fangsong"],
        category=categories["group_rental"],
        title="方松街道2026年群租整治",
        year=2026,
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 12, 31),
    )


def _resolve(case, worker, *, solved=True):
    accept_case(actor=worker, case=case)
    start_case(actor=worker, case=case)
    resolve_case(actor=worker, case=case, answer="已整改，恢复原状。", solved=solved)


def _locked_campaign(campaign, flats, street_admin, cb):
    for flat in flats:
        campaigns.add_target(actor=street_admin, campaign=campaign, dwelling=flat, found_by="patrol")
    with cb(execute=True):
        campaigns.lock_campaign(actor=street_admin, campaign=campaign)
    return list(campaign.targets.select_related("case").order_by("id"))


@freeze_time(at(2026, 3, 2, 10, 0))
def test_locking_the_list_gives_each_target_a_routed_case(
    campaign, flats, street_admin, django_capture_on_commit_callbacks
):
    targets = _locked_campaign(campaign, flats, street_admin, django_capture_on_commit_callbacks)
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.LOCKED
    assert all(t.state == CampaignTarget.State.IN_PROGRESS and t.case is not None for t in targets)
    assert {t.case.state for t in targets} == {"dispatched"}
    assert {t.case.source_type for t in targets} == {"campaign_target"}
    assert targets[0].case.dwelling_id == flats[0].pk


def test_no_target_can_be_added_after_locking(
    campaign, flats, street_admin, django_capture_on_commit_callbacks
):
    _locked_campaign(campaign, flats[:2], street_admin, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError) as exc:
        campaigns.add_target(actor=street_admin, campaign=campaign, dwelling=flats[3])
    assert "locked" in str(exc.value)
    assert campaign.targets.count() == 2


def test_an_empty_list_cannot_be_locked_and_nothing_changes(campaign, street_admin):
    with pytest.raises(ValidationError):
        campaigns.lock_campaign(actor=street_admin, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.DRAFT


def test_the_same_dwelling_cannot_be_a_target_twice(campaign, flats, street_admin):
    campaigns.add_target(actor=street_admin, campaign=campaign, dwelling=flats[0])
    with pytest.raises(ValidationError):
        campaigns.add_target(actor=street_admin, campaign=campaign, dwelling=flats[0])


def test_a_dwelling_outside_the_campaign_area_is_refused(tree, categories, street_admin, flats, simple_rule):
    other = campaigns.create_campaign(
        actor=None,
        area=tree["malu"],
        category=categories["group_rental"],
        title="马陆群租整治",
        year=2026,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    with pytest.raises(ValidationError):
        campaigns.add_target(actor=None, campaign=other, dwelling=flats[0])


def test_rectification_needs_resolution_and_a_confirmed_reinspection_after_the_waiting_days(
    campaign, flats, street_admin, committee_worker, django_capture_on_commit_callbacks
):
    with freeze_time(at(2026, 3, 2, 10, 0)):
        targets = _locked_campaign(campaign, flats, street_admin, django_capture_on_commit_callbacks)
    with freeze_time(at(2026, 3, 5, 10, 0)), django_capture_on_commit_callbacks(execute=True):
        _resolve(targets[0].case, committee_worker)
        _resolve(targets[1].case, committee_worker)
    t0 = CampaignTarget.objects.get(pk=targets[0].pk)
    assert t0.state == CampaignTarget.State.AWAITING_CHECK
    assert t0.reinspect_due_on == dt.date(2026, 4, 4)  # 30 days after 5 March
    assert board(campaign)["total"]["rectified"] == 0
    with freeze_time(at(2026, 3, 20, 10, 0)), pytest.raises(ValidationError):
        campaigns.record_reinspection(actor=committee_worker, target=t0, confirmed=True)
    with freeze_time(at(2026, 4, 4, 10, 0)):
        campaigns.record_reinspection(actor=committee_worker, target=t0, confirmed=True, note="无群租迹象")
        t1 = CampaignTarget.objects.get(pk=targets[1].pk)
        with django_capture_on_commit_callbacks(execute=True):
            campaigns.record_reinspection(
                actor=committee_worker, target=t1, confirmed=False, note="又隔成 5 间"
            )
    t0.refresh_from_db()
    t1.refresh_from_db()
    assert (t0.state, t0.verified_on) == (CampaignTarget.State.RECTIFIED, dt.date(2026, 4, 4))
    assert t1.state == CampaignTarget.State.IN_PROGRESS and t1.case_id != targets[1].case_id
    figures = board(campaign)["total"]
    assert (figures["locked"], figures["rectified"], figures["rate"]) == (4, 1, "25.0%")


def test_a_failed_reinspection_needs_a_note(
    campaign, flats, street_admin, committee_worker, django_capture_on_commit_callbacks
):
    targets = _locked_campaign(campaign, flats[:1], street_admin, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(targets[0].case, committee_worker)
    with pytest.raises(ValidationError) as exc:
        campaigns.record_reinspection(actor=committee_worker, target=targets[0], confirmed=False)
    assert "note" in exc.value.message_dict
    assert Case.objects.count() == 1


def _rectify(target, worker, cb, resolved_at):
    with freeze_time(resolved_at), cb(execute=True):
        _resolve(target.case, worker)
    with freeze_time(resolved_at + dt.timedelta(days=31)):
        campaigns.record_reinspection(
            actor=worker, target=CampaignTarget.objects.get(pk=target.pk), confirmed=True
        )
    return CampaignTarget.objects.get(pk=target.pk)


def test_a_new_report_at_a_rectified_target_is_a_rebound_within_the_campaign(
    tree,
    categories,
    campaign,
    flats,
    street_admin,
    committee_worker,
    grid_worker,
    django_capture_on_commit_callbacks,
):
    with freeze_time(at(2026, 3, 2, 10, 0)):
        targets = _locked_campaign(campaign, flats[:2], street_admin, django_capture_on_commit_callbacks)
    target = _rectify(targets[0], committee_worker, django_capture_on_commit_callbacks, at(2026, 3, 5, 10, 0))
    assert target.state == CampaignTarget.State.RECTIFIED
    with freeze_time(at(2026, 6, 1, 9, 0)), django_capture_on_commit_callbacks(execute=True):
        again = receive_case(
            actor=grid_worker,
            category=categories["group_rental"],
            area=tree["grid"],
            channel="patrol",
            title="3号楼501又群租",
            description="又隔成多间出租",
            dwelling=flats[0],
        )
    target.refresh_from_db()
    assert target.state == CampaignTarget.State.IN_PROGRESS
    assert target.rebound_count == 1
    assert target.case_id == again.pk
    figures = board(campaign)["total"]
    assert (figures["rectified"], figures["rebounds"], figures["rate"]) == (0, 1, "0.0%")


def test_a_rebound_can_be_reported_by_hand_and_opens_a_new_case(
    campaign, flats, street_admin, committee_worker, grid_worker, django_capture_on_commit_callbacks
):
    with freeze_time(at(2026, 3, 2, 10, 0)):
        targets = _locked_campaign(campaign, flats[:1], street_admin, django_capture_on_commit_callbacks)
    target = _rectify(targets[0], committee_worker, django_capture_on_commit_callbacks, at(2026, 3, 5, 10, 0))
    old_case = target.case_id
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.report_rebound(actor=committee_worker, target=target, note="巡查发现又有群租")
    target.refresh_from_db()
    assert (target.state, target.rebound_count) == (CampaignTarget.State.IN_PROGRESS, 1)
    assert target.case_id != old_case and target.case.source_type == "campaign_target"


def test_a_target_in_progress_cannot_rebound(
    campaign, flats, street_admin, committee_worker, django_capture_on_commit_callbacks
):
    targets = _locked_campaign(campaign, flats[:1], street_admin, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        campaigns.report_rebound(actor=committee_worker, target=targets[0], note="x")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("street_admin", True),
        ("district_admin", True),
        ("committee_worker", False),
        ("grid_worker", False),
        ("other_street_admin", False),
        ("resident", False),
        ("outsider", False),
    ],
)
def test_who_may_create_a_campaign(request, tree, categories, who, allowed):
    user = request.getfixturevalue(who)
    create = lambda: campaigns.create_campaign(  # noqa: E731
        actor=user,
        area=tree["fangsong"],
        category=categories["group_rental"],
        title="群租整治",
        year=2026,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    if allowed:
        assert create().pk
    else:
        with pytest.raises(PermissionDenied):
            create()
        assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("committee_worker", True),
        ("street_admin", True),
        ("grid_worker", False),
        ("other_street_admin", False),
        ("outsider", False),
    ],
)
def test_who_may_record_a_reinspection_of_a_flat_in_the_compound(
    request, campaign, flats, street_admin, committee_worker, django_capture_on_commit_callbacks, who, allowed
):
    targets = _locked_campaign(campaign, flats[:1], street_admin, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        _resolve(targets[0].case, committee_worker)
    target = CampaignTarget.objects.get(pk=targets[0].pk)
    user = request.getfixturevalue(who)
    with freeze_time(dt.datetime.now(tz=SH) + dt.timedelta(days=40)):
        if allowed:
            campaigns.record_reinspection(actor=user, target=target, confirmed=True)
        else:
            with pytest.raises(PermissionDenied):
                campaigns.record_reinspection(actor=user, target=target, confirmed=True)


def test_bad_campaign_input_is_refused_with_field_messages(tree, categories, street_admin):
    with pytest.raises(ValidationError) as exc:
        campaigns.create_campaign(
            actor=street_admin,
            area=tree["fangsong"],
            category="nope",
            title="",
            year=1900,
            starts_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2026, 1, 1),
            reinspection_days=0,
        )
    assert {"category", "title", "year", "ends_on", "reinspection_days"} <= set(exc.value.message_dict)
    assert not Campaign.objects.exists()


def test_the_sweep_notifies_on_the_day_a_reinspection_falls_due(
    campaign, flats, street_admin, committee_worker, django_capture_on_commit_callbacks
):
    from gongzhi.notices.models import Notification

    with freeze_time(at(2026, 3, 2, 10, 0)):
        targets = _locked_campaign(campaign, flats[:1], street_admin, django_capture_on_commit_callbacks)
    with freeze_time(at(2026, 3, 5, 10, 0)), django_capture_on_commit_callbacks(execute=True):
        _resolve(targets[0].case, committee_worker)
    with freeze_time(at(2026, 4, 3, 8, 0)):
        assert campaigns.notify_reinspections_due() == 0
    with freeze_time(at(2026, 4, 4, 8, 0)):
        assert campaigns.notify_reinspections_due() == 1
        assert Notification.objects.filter(recipient=street_admin, kind="cases.reinspection_due").exists()
        items = campaigns._reinspection_work(committee_worker)
        assert items and items[0].count == 1


def test_the_campaign_board_page_shows_figures_by_committee(
    client_for, campaign, flats, street_admin, committee_worker, django_capture_on_commit_callbacks
):
    _locked_campaign(campaign, flats, street_admin, django_capture_on_commit_callbacks)
    response = client_for(street_admin).get(f"/field/campaigns/{campaign.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="rectification-rate">0.0%' in html
    assert "江中居委会" in html
    assert client_for(committee_worker).get(f"/field/campaigns/{campaign.pk}/").status_code == 200


def test_campaign_pages_refuse_outsiders(client_for, campaign, outsider, other_street_admin):
    assert client_for(outsider).get(f"/field/campaigns/{campaign.pk}/").status_code == 403
    assert client_for(other_street_admin).get(f"/field/campaigns/{campaign.pk}/").status_code == 403
    assert client_for(other_street_admin).post(f"/field/campaigns/{campaign.pk}/lock/").status_code == 403


def test_a_campaign_is_built_and_locked_through_the_pages(
    client_for, tree, campaign, street_admin, django_capture_on_commit_callbacks
):
    client = client_for(street_admin)
    response = client.post(
        f"/field/campaigns/{campaign.pk}/targets/",
        {
            "building": "7",
            "unit": "",
            "room": "301",
            "compound": tree["compound"].pk,
            "found_by": "property_company",
        },
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/field/campaigns/{campaign.pk}/lock/").status_code == 302
    target = campaign.targets.get()
    assert target.case.channel == "property_company"


def test_campaign_api_creates_adds_locks_and_reports(
    client_for, tree, categories, street_admin, flats, simple_rule, django_capture_on_commit_callbacks
):
    client = client_for(street_admin)
    response = client.post(
        "/api/v1/cases-field/campaigns",
        {
            "area": tree["fangsong"].pk,
            "category": "group_rental",
            "title": "群租整治",
            "year": 2026,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    cid = response.json()["id"]
    assert (
        client.post(
            f"/api/v1/cases-field/campaigns/{cid}/targets",
            {"dwelling": flats[0].pk},
            content_type="application/json",
        ).status_code
        == 201
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/cases-field/campaigns/{cid}/lock").status_code == 200
    board_json = client.get(f"/api/v1/cases-field/campaigns/{cid}/board").json()
    assert board_json["total"]["locked"] == 1 and board_json["total"]["rate"] == "0.0%"
    bad = client.post(
        "/api/v1/cases-field/campaigns",
        {
            "area": tree["fangsong"].pk,
            "category": "group_rental",
            "title": "x",
            "year": 2026,
            "starts_on": "2026-05-01",
            "ends_on": "2026-01-01",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422 and "ends_on" in bad.json()["error"]["fields"]
