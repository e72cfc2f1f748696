"""In a browser: a member reports in, the secretary issues the receipt, the workplace secretary sees it;
a part-time committee member opens a meeting and does not see the personnel item — screenshots saved."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gongzhi.councils.models import Seat
from gongzhi.party import actions
from tests.conftest import make_user
from tests.e2e.helpers import sign_in
from tests.party.conftest import party  # noqa: F401 - the shared party scenario fixture


@pytest.mark.browser
def test_member_reports_in_secretary_issues_receipt_workplace_sees_it(live_server, page, shot, party):  # noqa: F811
    base = live_server.url
    sign_in(page, base, "zhang_member")
    page.goto(f"{base}/party/report-in/")
    page.select_option("#id_receiving", str(party["residential"].pk))
    page.fill("#id_contact_phone", "13912345678")
    shot(page, "party-01-member-report-slip")
    page.get_by_role("button", name="发送报到单").or_(
        page.get_by_role("button", name="Send the report slip")
    ).click()
    expect(page.locator("body")).to_contain_text(party["residential"].name)
    shot(page, "party-02-member-reported")

    sign_in(page, base, "jz_secretary")
    page.goto(f"{base}/party/org/{party['residential'].pk}/")
    page.locator("form[action$='/receipt/'] button").first.click()
    expect(page.locator("h1")).to_contain_text("HZ")
    shot(page, "party-03-receipt-issued")
    number = page.locator("h1").inner_text().split()[-1]

    sign_in(page, base, "hospital_secretary")
    page.goto(f"{base}/party/org/{party['unit_org'].pk}/workplace/")
    expect(page.locator("body")).to_contain_text(number)
    expect(page.locator("body")).to_contain_text("张伟")
    shot(page, "party-04-workplace-sees-receipt")


@pytest.mark.browser
def test_part_time_member_does_not_see_the_personnel_item(live_server, page, shot, party):  # noqa: F811
    working, full = party["working"], party["working_secretary"]
    part = make_user("parttime_member")
    today = timezone.localdate()
    for user, tenure in ((full, Seat.Tenure.FULL_TIME), (part, Seat.Tenure.PART_TIME)):
        actions.add_committee_member(
            actor=None,
            organization=working,
            holder_user=user,
            tenure=tenure,
            position=Seat.Position.CHAIR if user == full else Seat.Position.MEMBER,
            term_start=today - dt.timedelta(days=10),
        )
    start = timezone.now() + dt.timedelta(days=2)
    meeting = actions.convene_committee_meeting(
        actor=full,
        organization=working,
        title="党工委会议",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        items=[("居民区党组织书记任免", "personnel"), ("社区养老服务规划", "development")],
    )
    base = live_server.url
    sign_in(page, base, "parttime_member")
    page.goto(f"{base}/councils/meetings/{meeting.pk}/")
    expect(page.locator("body")).to_contain_text("社区养老服务规划")
    expect(page.locator("body")).not_to_contain_text("居民区党组织书记任免")
    shot(page, "party-05-parttime-meeting")
    sign_in(page, base, "gw_secretary")
    page.goto(f"{base}/councils/meetings/{meeting.pk}/")
    expect(page.locator("body")).to_contain_text("居民区党组织书记任免")
    shot(page, "party-06-fulltime-meeting")
