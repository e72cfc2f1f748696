"""In a browser: a clerk schedules a decision hearing about a resident proposal; members register and
check in; a motion is voted and passes; the resolution's action item is updated and shown on the
public accountability page. Screenshots go to test-artifacts/council_hearing_*.png."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gongzhi.councils import actions
from gongzhi.councils.models import Council, Meeting, Proposal, Resolution, Seat
from tests.conftest import make_user
from tests.e2e.helpers import sign_in


def sign_out(page):
    page.context.clear_cookies()


@pytest.fixture
def setting(tree, street_admin):
    clerk, chair, member, proposer = (
        make_user(n) for n in ("clerk_wang", "chair_li", "member_zhao", "resident_chen")
    )
    council = actions.create_council(
        actor=None,
        area=tree["fangsong"],
        kind=Council.Kind.REPRESENTATIVE_ASSEMBLY,
        name="方松街道社区代表大会",
        clerk=clerk,
        default_threshold="votes_cast_majority",
    )
    for user, position in ((chair, Seat.Position.CHAIR), (member, Seat.Position.REPRESENTATIVE)):
        actions.add_seat(
            actor=None,
            council=council,
            holder_user=user,
            position=position,
            represents="residents",
            term_start=dt.date(2024, 1, 1),
        )
    actions.add_seat(
        actor=None,
        council=council,
        holder_name="单位代表（无账号）",
        represents="unit",
        term_start=dt.date(2024, 1, 1),
    )
    proposal = Proposal(
        proposer=proposer, title="江中小区加装电梯", body="三号楼居民提议加装电梯。", threshold=10
    )
    proposal.set_area(tree["committee"])
    proposal.save()
    return {"council": council, "proposal": proposal}


@pytest.mark.browser
def test_clerk_schedules_a_hearing_members_check_in_vote_and_the_action_is_public(
    live_server, page, shot, setting
):
    base = live_server.url
    council, proposal = setting["council"], setting["proposal"]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.set_extra_http_headers({"Accept-Language": "en"})

    # 1. The clerk creates the hearing about the proposal, adds the agenda and schedules it.
    sign_in(page, base, "clerk_wang")
    page.goto(f"{base}/councils/{council.pk}/")
    page.click("#new-meeting")
    start = timezone.localtime() + dt.timedelta(minutes=20)
    page.select_option("#id_kind", "hearing")
    page.fill("#id_title", "决策听证会：江中小区加装电梯")
    page.select_option("#id_subject_type", "councils.proposal")
    page.fill("#id_subject_id", str(proposal.pk))
    page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "方松街道党群服务中心")
    page.fill("#id_capacity", "30")
    page.check("#id_registration_open")
    page.click("main form button[type=submit]")
    expect(page.locator("#meeting-subject")).to_have_text("江中小区加装电梯")
    meeting = Meeting.objects.get(title="决策听证会：江中小区加装电梯")
    page.click("#add-item")
    page.fill("#id_title", "表决：同意加装电梯方案")
    page.click("main form button[type=submit]")
    page.click("#schedule-meeting")
    expect(page.locator("#meeting-state")).to_have_text("scheduled")
    shot(page, "council_hearing_1_scheduled")
    sign_out(page)

    # 2. Members register and check themselves in on the day.
    for username in ("chair_li", "member_zhao"):
        sign_in(page, base, username)
        page.goto(f"{base}/councils/meetings/{meeting.pk}/")
        page.click("#register")
        expect(page.locator("#registered")).to_be_visible()
        page.click("#self-check-in")
        expect(page.locator("#checked-in")).to_be_visible()
        shot(page, f"council_hearing_2_checked_in_{username}")
        sign_out(page)

    # 3. The clerk sees the quorum, tables the motion and opens voting.
    sign_in(page, base, "clerk_wang")
    page.goto(f"{base}/councils/meetings/{meeting.pk}/")
    expect(page.locator("#quorum")).to_contain_text("2 of 3")
    shot(page, "council_hearing_3_quorum")
    item = meeting.items.get()
    page.goto(f"{base}/councils/items/{item.pk}/votes/")
    page.fill("#id_text", "同意江中小区三号楼加装电梯方案。")
    page.select_option("#id_threshold", "votes_cast_majority")
    page.click("#motion-form button[type=submit]")
    page.click("#open-voting")
    motion_url = page.url
    sign_out(page)

    # 4. Both members vote yes.
    for username in ("chair_li", "member_zhao"):
        sign_in(page, base, username)
        page.goto(motion_url)
        page.locator(".vote-form input[value=yes]").first.check()
        page.locator(".vote-form button[type=submit]").first.click()
        page.wait_for_load_state()
        sign_out(page)

    # 5. The clerk closes the vote: it passes and becomes a resolution with an action item.
    sign_in(page, base, "clerk_wang")
    page.goto(motion_url)
    page.click("#close-voting")
    page.wait_for_load_state()
    shot(page, "council_hearing_4_motion_passed")
    resolution = Resolution.objects.get(meeting=meeting)
    page.goto(f"{base}/councils/resolutions/{resolution.pk}/")
    form = page.locator("#action-item-form")
    form.locator("#id_title").fill("联系电梯公司完成可行性评估")
    form.locator("#id_owner_kind").select_option("committee")
    form.locator("#id_owner_label").fill("江中居委会")
    form.locator("#id_due_on").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("details summary").first.click()
    page.fill("#id_progress", "40")
    page.fill("#id_note", "已完成现场勘查。")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").first.click()
    page.wait_for_load_state()
    sign_out(page)

    # 6. Anyone sees the action item and its progress on the public accountability page.
    page.goto(f"{base}/councils/accountability/council/{council.pk}/")
    expect(page.get_by_text("联系电梯公司完成可行性评估")).to_be_visible()
    expect(page.get_by_text("40%").first).to_be_visible()
    shot(page, "council_hearing_5_public_accountability")
    page.goto(f"{base}/councils/public/meetings/{meeting.pk}/")
    expect(page.locator("#meeting-title")).to_have_text("决策听证会：江中小区加装电梯")
    shot(page, "council_hearing_6_public_meeting")
