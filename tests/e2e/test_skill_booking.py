"""In a browser: a resident books a haircut at the volunteer base; the provider confirms it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gongzhi.demo.people import synthetic_id_number
from gongzhi.people.models import Person
from gongzhi.volunteers import actions
from gongzhi.volunteers.models import Booking, ServiceSlot
from tests.e2e.helpers import sign_in, sign_out


def _person(tree, name, user, n):
    person = Person(
        name=name, id_number=synthetic_id_number("310117", dt.date(1950 + n, 3, 3), n, n % 2 == 1), user=user
    )
    person.set_area(tree["grid"])
    person.save()
    return person


@pytest.mark.browser
def test_resident_books_a_haircut(live_server, page, shot, tree, volunteer, resident):
    provider = actions.register_volunteer(
        actor=None, person=_person(tree, "周师傅", volunteer, 11), skills=["理发"]
    )
    _person(tree, "王阿婆", resident, 12)
    service = actions.create_skill_service(
        actor=None, provider=provider, kind="haircut", title="义务理发", place="江中老年活动室"
    )
    start = (timezone.now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    slot = actions.add_slot(
        actor=None, service=service, starts_at=start, ends_at=start + dt.timedelta(minutes=30)
    )

    page.set_viewport_size({"width": 390, "height": 844})
    page.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    sign_in(page, live_server.url, "resident")
    page.goto(f"{live_server.url}/volunteers/me/")
    expect(page.locator("#bookable")).to_contain_text("义务理发")
    shot(page, "resident_volunteer_base")
    page.locator("#bookable a", has_text="义务理发").click()
    page.locator(f"#slot-{slot.pk} button").click()
    expect(page.locator(f"#slot-{slot.pk}")).to_contain_text("1")
    expect(page.locator(f"#slot-{slot.pk} .badge")).to_be_visible()
    shot(page, "resident_booked_haircut")
    assert ServiceSlot.objects.get(pk=slot.pk).booked == 1
    booking = Booking.objects.get(slot=slot)
    assert booking.person.name == "王阿婆"

    page.goto(f"{live_server.url}/volunteers/me/")
    expect(page.locator("#my-bookings")).to_contain_text("义务理发")

    sign_out(page)
    sign_in(page, live_server.url, "volunteer")
    page.goto(f"{live_server.url}/volunteers/me/")
    page.locator("form[action$='/confirm/'] button").first.click()
    expect(page.locator(".alert-success")).to_be_visible()
    shot(page, "provider_confirmed_booking")
    booking.refresh_from_db()
    assert booking.state == Booking.State.CONFIRMED
