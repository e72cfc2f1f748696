"""In a browser: a volunteer signs up for an activity, checks in with the code shown at the place,
and the organizer sees the check-in."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gongzhi.demo.people import synthetic_id_number
from gongzhi.people.models import Person
from gongzhi.volunteers import actions
from gongzhi.volunteers.models import SignUp
from tests.e2e.helpers import sign_in, sign_out


@pytest.mark.browser
def test_volunteer_signs_up_and_is_checked_in(live_server, page, shot, tree, volunteer, committee_worker):
    person = Person(
        name="李志愿", id_number=synthetic_id_number("310117", dt.date(1985, 5, 5), 7, True), user=volunteer
    )
    person.set_area(tree["grid"])
    person.save()
    own = actions.register_volunteer(actor=None, person=person, skills=["助老"])
    team = actions.create_team(actor=None, area=tree["committee"], name="江中助老志愿队")
    start = timezone.now() + dt.timedelta(minutes=30)  # check-in opens one hour before the start
    activity = actions.create_activity(
        actor=None,
        team=team,
        title="敬老院探访",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        place="江中敬老院",
        capacity=5,
        publish=True,
    )

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    sign_in(page, live_server.url, "volunteer")
    page.goto(f"{live_server.url}/volunteers/me/")
    expect(page.locator("#open-activities")).to_contain_text("敬老院探访")
    shot(page, "volunteer_open_activities")
    page.locator("#open-activities a", has_text="敬老院探访").click()
    page.click("#signup-button")
    expect(page.locator("#my-signup-state")).to_be_visible()
    expect(page.locator("#taken")).to_have_text("1")
    shot(page, "volunteer_signed_up")

    page.fill("#code", "000000" if activity.checkin_code != "000000" else "111111")
    page.click("#code-button")
    expect(page.locator(".alert-danger")).to_be_visible()  # not the code shown at the place
    assert SignUp.objects.get(activity=activity, volunteer=own).checked_in_at is None
    page.fill("#code", activity.checkin_code)
    page.click("#code-button")
    expect(page.locator("#my-signup-state")).to_contain_text(":")
    shot(page, "volunteer_checked_in")
    signup = SignUp.objects.get(activity=activity, volunteer=own)
    assert signup.checked_in_at is not None and signup.state == SignUp.State.CONFIRMED

    sign_out(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "jiangzhong_worker")
    page.goto(f"{live_server.url}/volunteers/activities/{activity.pk}/")
    row = page.locator(f"#signup-{signup.pk}")
    expect(row).to_contain_text("李志愿")
    expect(page.locator("#checkin-code")).to_have_text(activity.checkin_code)
    shot(page, "organizer_sees_check_in")
