"""Notices to audiences: who may send, audiences resolved to users, read receipts, reminders, schedule."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gongzhi.accounts.roles import Role
from gongzhi.notices import audiences, bulletins
from gongzhi.notices.models import Notification
from gongzhi.notices.models_bulletins import Notice, NoticeRecipient
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def residents(tree):
    return [make_user(f"resident{i}", Role.RESIDENT, tree["committee"]) for i in range(3)] + [
        make_user("malu_resident", Role.RESIDENT, tree["malu_committee"])
    ]


def _send(actor, area, **kw):
    fields = dict(
        kind="announcement",
        title="停水通知",
        body="12月5日9时至15时停水。",
        audience_kind="area_residents",
        audience_id=area.pk,
    )
    fields.update(kw)
    return bulletins.publish_notice(actor=actor, **fields)


def test_residents_of_an_area_are_its_resident_role_holders_in_the_subtree(tree, residents, resident):
    ids = audiences.user_ids("area_residents", tree["fangsong"].pk)
    assert set(ids) == {u.pk for u in residents[:3]} | {resident.pk}
    assert audiences.includes("area_residents", tree["committee"].pk, resident)
    assert not audiences.includes("area_residents", tree["other_committee"].pk, resident)


def test_units_organizations_and_party_members_resolve_through_their_assignments(
    tree, party_member, party_secretary
):
    assert set(audiences.user_ids("area_party_members", tree["fangsong"].pk)) == {
        party_member.pk,
        party_secretary.pk,
    }
    assert audiences.user_ids("area_units", tree["fangsong"].pk) == []
    with pytest.raises(ValidationError):
        audiences.target("party_organization", 1)  # the party app is not there yet


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("committee_worker", True),
        ("street_admin", True),
        ("party_secretary", True),
        ("resident", False),
        ("grid_worker", False),
        ("other_street_admin", False),
    ],
)
def test_sending_a_notice_to_the_committees_residents_per_role(request, tree, residents, who, allowed):
    actor = request.getfixturevalue(who)
    if allowed:
        notice = _send(actor, tree["committee"])
        assert notice.state == Notice.State.PUBLISHED and notice.recipient_count == 3
    else:
        with pytest.raises(PermissionDenied):
            _send(actor, tree["committee"])
        assert not Notice.objects.exists()


def test_a_published_notice_reaches_each_recipient_once_with_a_notification(
    tree, residents, committee_worker
):
    notice = _send(committee_worker, tree["committee"], receipts_required=True)
    assert NoticeRecipient.objects.filter(notice=notice).count() == 3
    assert Notification.objects.filter(kind="notices.notice").count() == 3
    assert not NoticeRecipient.objects.filter(notice=notice, user=residents[3]).exists()


def test_read_receipts_and_the_list_of_who_has_not_read(client_for, tree, residents, committee_worker):
    notice = _send(committee_worker, tree["committee"], receipts_required=True)
    page = client_for(residents[0]).get(f"/notices/bulletins/{notice.pk}/")
    assert page.status_code == 200
    assert NoticeRecipient.objects.get(notice=notice, user=residents[0]).read_at is not None
    page = client_for(committee_worker).get(f"/notices/bulletins/{notice.pk}/")
    body = page.content.decode()
    assert "resident1" in body and "resident2" in body
    unread_list = body.split('id="unread-list"')[1].split("</ul>")[0]
    assert "resident0" not in unread_list


def test_a_reminder_goes_only_to_those_who_have_not_read(tree, residents, committee_worker):
    notice = _send(committee_worker, tree["committee"], receipts_required=True)
    bulletins.open_notice(actor=residents[0], notice=notice)
    assert bulletins.remind_unread(actor=committee_worker, notice=notice) == 2
    reminded = set(
        Notification.objects.filter(kind="notices.notice_reminder").values_list("recipient_id", flat=True)
    )
    assert reminded == {residents[1].pk, residents[2].pk}
    with pytest.raises(ValidationError):  # not twice within the hour
        bulletins.remind_unread(actor=committee_worker, notice=notice)


def test_reminders_need_receipts_and_a_sender(tree, residents, committee_worker, resident):
    notice = _send(committee_worker, tree["committee"])
    with pytest.raises(ValidationError):
        bulletins.remind_unread(actor=committee_worker, notice=notice)
    with pytest.raises(PermissionDenied):
        bulletins.remind_unread(actor=resident, notice=notice)


def test_a_scheduled_notice_is_published_by_the_sweep(tree, residents, committee_worker):
    later = timezone.now() + dt.timedelta(hours=2)
    notice = _send(committee_worker, tree["committee"], publish_at=later)
    assert notice.state == Notice.State.SCHEDULED and not NoticeRecipient.objects.exists()
    assert bulletins.publish_due(now=timezone.now())["published"] == 0
    assert bulletins.publish_due(now=later + dt.timedelta(minutes=1))["published"] == 1
    assert Notice.objects.get(pk=notice.pk).recipient_count == 3


def test_expiry_before_publication_is_refused(tree, committee_worker):
    with pytest.raises(ValidationError) as err:
        _send(committee_worker, tree["committee"], expires_at=timezone.now() - dt.timedelta(days=1))
    assert "expires_at" in err.value.message_dict
    assert not Notice.objects.exists()


def test_public_honours_are_on_the_board_for_anyone(client, tree, committee_worker):
    notice = _send(committee_worker, tree["committee"], kind="honour", title="优秀志愿者公示", is_public=True)
    _send(committee_worker, tree["committee"], title="内部通知")
    body = client.get("/notices/board/").content.decode()
    assert "优秀志愿者公示" in body and "内部通知" not in body
    assert client.get(f"/notices/bulletins/{notice.pk}/").status_code == 200
    assert client.get("/api/v1/bulletins/board").json()["items"][0]["title"] == "优秀志愿者公示"


def test_the_api_publishes_and_lists_unread(client_for, tree, residents, committee_worker):
    api = client_for(committee_worker)
    r = api.post(
        "/api/v1/bulletins/notices",
        {
            "kind": "bulletin",
            "title": "简报",
            "body": "本月工作简报",
            "audience_kind": "area_residents",
            "audience_id": tree["committee"].pk,
            "receipts_required": True,
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    notice_id = r.json()["id"]
    assert len(api.get(f"/api/v1/bulletins/notices/{notice_id}/unread").json()["items"]) == 3
    assert api.post(f"/api/v1/bulletins/notices/{notice_id}/remind").json() == {"reminded": 3}
