"""The working committee's personnel items are for full-time members only — pages, API, .ics, notifications."""

import datetime as dt

import icalendar
import pytest
from django.utils import timezone

from gongzhi.councils.models import Seat
from gongzhi.notices.models import Notification
from gongzhi.party import actions
from tests.conftest import make_user

PERSONNEL = "居民区党组织书记任免"
DEVELOPMENT = "社区养老服务规划"


@pytest.fixture
def meeting(party, django_capture_on_commit_callbacks):
    working = party["working"]
    full = party["working_secretary"]
    part = make_user("parttime_member")
    today = timezone.localdate()
    actions.add_committee_member(
        actor=full,
        organization=working,
        holder_user=full,
        position=Seat.Position.CHAIR,
        tenure=Seat.Tenure.FULL_TIME,
        term_start=today - dt.timedelta(days=30),
    )
    actions.add_committee_member(
        actor=full,
        organization=working,
        holder_user=part,
        tenure=Seat.Tenure.PART_TIME,
        represents=Seat.Represents.UNIT,
        represents_label="松江区某某医院",
        term_start=today - dt.timedelta(days=30),
    )
    start = timezone.now() + dt.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        m = actions.convene_committee_meeting(
            actor=full,
            organization=working,
            title="党工委（扩大）会议",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            place="党群服务中心",
            items=[(PERSONNEL, "personnel"), (DEVELOPMENT, "development")],
        )
    return {"meeting": m, "full": full, "part": part}


def test_part_time_member_opens_the_meeting_and_does_not_see_the_personnel_item(meeting, client_for):
    html = client_for(meeting["part"]).get(f"/councils/meetings/{meeting['meeting'].pk}/").content.decode()
    assert DEVELOPMENT in html and PERSONNEL not in html


def test_full_time_member_sees_the_personnel_item(meeting, client_for):
    html = client_for(meeting["full"]).get(f"/councils/meetings/{meeting['meeting'].pk}/").content.decode()
    assert PERSONNEL in html


def test_part_time_member_does_not_get_the_personnel_item_through_the_api(meeting, client_for):
    response = client_for(meeting["part"]).get(f"/api/v1/councils/meetings/{meeting['meeting'].pk}/agenda")
    body = str(response.json())
    assert response.status_code == 200 and DEVELOPMENT in body and PERSONNEL not in body
    full = str(
        client_for(meeting["full"]).get(f"/api/v1/councils/meetings/{meeting['meeting'].pk}/agenda").json()
    )
    assert PERSONNEL in full


def test_part_time_members_calendar_file_has_no_personnel_item(meeting, client_for):
    response = client_for(meeting["part"]).get(f"/councils/meetings/{meeting['meeting'].pk}/meeting.ics")
    assert response.status_code == 200
    cal = icalendar.Calendar.from_ical(response.content)
    text = "".join(str(c.get("description", "")) + str(c.get("summary", "")) for c in cal.walk("VEVENT"))
    assert PERSONNEL not in text


def test_part_time_members_invitation_names_only_the_development_item(meeting):
    part_notes = Notification.objects.filter(recipient=meeting["part"])
    full_notes = Notification.objects.filter(recipient=meeting["full"])
    assert part_notes.exists() and full_notes.exists()
    assert all(PERSONNEL not in (n.title + n.body) for n in part_notes)
    assert any(PERSONNEL in n.body for n in full_notes)


def test_a_member_outside_the_committee_cannot_convene_it(party, outsider):
    from django.core.exceptions import PermissionDenied

    start = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(PermissionDenied):
        actions.convene_committee_meeting(
            actor=outsider,
            organization=party["working"],
            title="x",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            items=[],
        )
