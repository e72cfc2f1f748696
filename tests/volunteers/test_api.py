"""The volunteers API: the same actions as operations, structured errors, masked identity, paging."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from gongzhi.accounts.actions import create_api_token
from gongzhi.volunteers import actions
from gongzhi.volunteers.models import Activity, SignUp

pytestmark = pytest.mark.django_db
BASE = "/api/v1/volunteers"


@pytest.fixture
def api(client):
    def _for(user):
        token = create_api_token(actor=user, name="t")[1]
        headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}

        class C:
            def get(self, path, **kw):
                return client.get(BASE + path, headers=headers, **kw)

            def post(self, path, data=None):
                return client.post(
                    BASE + path, data=data or {}, content_type="application/json", headers=headers
                )

            def patch(self, path, data):
                return client.patch(BASE + path, data=data, content_type="application/json", headers=headers)

        return C()

    return _for


def test_staff_create_a_team_and_an_activity_and_a_volunteer_signs_up(
    api, tree, committee_worker, volunteer, own_volunteer
):
    staff = api(committee_worker)
    r = staff.post("/teams", {"area": tree["committee"].pk, "name": "银发志愿队", "grids": [tree["grid"].pk]})
    assert r.status_code == 201, r.content
    team_id = r.json()["id"]
    start = (timezone.now() + dt.timedelta(days=1)).isoformat()
    end = (timezone.now() + dt.timedelta(days=1, hours=2)).isoformat()
    r = staff.post(
        "/activities",
        {
            "team": team_id,
            "title": "清洁家园",
            "starts_at": start,
            "ends_at": end,
            "place": "小区",
            "capacity": 1,
            "publish": True,
        },
    )
    assert r.status_code == 201, r.content
    activity_id = r.json()["id"]
    r = api(volunteer).post(f"/activities/{activity_id}/signups")
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "signed_up"
    r = staff.get(f"/activities/{activity_id}/signups")
    assert [s["volunteer_name"] for s in r.json()] == ["李志愿"]


def test_over_capacity_sign_up_answers_422_with_a_message(
    api, tree, committee_worker, make_volunteer, volunteer, own_volunteer
):
    start = timezone.now() + dt.timedelta(days=1)
    activity = actions.create_activity(
        actor=None,
        area=tree["committee"],
        title="t",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="p",
        capacity=1,
        publish=True,
    )
    actions.sign_up(actor=None, activity=activity, volunteer=make_volunteer())
    r = api(volunteer).post(f"/activities/{activity.pk}/signups")
    assert r.status_code == 422
    assert "full" in r.json()["error"]["message"]
    assert SignUp.objects.filter(activity=activity).count() == 1


def test_check_out_before_check_in_answers_422(api, committee_worker, volunteer, own_volunteer, activity):
    signup = actions.sign_up(actor=volunteer, activity=activity)
    with freeze_time(activity.starts_at):
        r = api(committee_worker).post(f"/signups/{signup.pk}/check-out")
    assert r.status_code == 422
    assert "check-in" in r.json()["error"]["message"]


def test_negative_hours_answer_422_and_nothing_is_written(api, committee_worker, own_volunteer):
    r = api(committee_worker).post(
        f"/volunteers/{own_volunteer.pk}/records",
        {"hours": "-3", "served_on": "2026-11-01", "content": "助老", "recording_body": "江中居委会"},
    )
    assert r.status_code == 422
    assert "hours" in r.json()["error"]["fields"]
    assert own_volunteer.records.count() == 0


def test_volunteer_list_masks_the_id_number_and_pages(api, committee_worker, make_volunteer):
    for i in range(3):
        make_volunteer(f"v{i}")
    r = api(committee_worker).get("/volunteers", data={"limit": 2})
    body = r.json()
    assert r.status_code == 200 and len(body["items"]) == 2 and body["next_cursor"]
    assert "*" in body["items"][0]["id_number"]
    r2 = api(committee_worker).get("/volunteers", data={"limit": 2, "cursor": body["next_cursor"]})
    assert len(r2.json()["items"]) == 1


def test_volunteers_are_not_listed_for_residents(api, resident):
    assert api(resident).get("/volunteers").status_code == 403


def test_resident_books_a_slot_via_the_api(api, resident, resident_person, volunteer, own_volunteer):
    r = api(volunteer).post("/services", {"kind": "haircut", "title": "理发", "place": "活动室"})
    assert r.status_code == 201, r.content
    service_id = r.json()["id"]
    start = timezone.now() + dt.timedelta(days=1)
    r = api(volunteer).post(
        f"/services/{service_id}/slots",
        {"starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=1)).isoformat()},
    )
    assert r.status_code == 201, r.content
    slot_id = r.json()["id"]
    assert api(resident).post(f"/slots/{slot_id}/bookings").status_code == 201
    r = api(resident).post(f"/slots/{slot_id}/bookings")
    assert r.status_code == 422


def test_certificate_pdf_via_api(api, street_admin, own_volunteer):
    actions.record_service(
        actor=None,
        volunteer=own_volunteer,
        hours=3,
        served_on=dt.date(2026, 11, 2),
        content="助老",
        recording_body="江中居委会",
    )
    r = api(street_admin).post(f"/volunteers/{own_volunteer.pk}/certificates", {})
    assert r.status_code == 201, r.content
    asked = api(street_admin).get(f"/certificates/{r.json()['id']}/pdf")
    assert asked.status_code == 202 and asked.json()["status"] == "pending"  # rendered by a task
    url = asked.json()["url"]
    assert url.startswith(f"/api/v1/volunteers/certificates/{r.json()['id']}/pdf?t=")
    pdf = api(street_admin).get(url.removeprefix(BASE))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content)[:4] == b"%PDF"
    other = api(street_admin).get(f"/certificates/{r.json()['id']}/pdf?t=forged")
    assert other.status_code == 404


def test_public_brand_projects_need_no_sign_in(client, tree, street_admin):
    brand = actions.create_brand_project(
        actor=street_admin, area=tree["committee"], name="爱马社", goals="g", starts_on=dt.date(2026, 1, 1)
    )
    hidden = actions.create_brand_project(
        actor=street_admin,
        area=tree["committee"],
        name="内部",
        goals="g",
        starts_on=dt.date(2026, 1, 1),
        is_public=False,
    )
    assert client.get(f"{BASE}/brands/{brand.pk}").json()["name"] == "爱马社"
    assert client.get(f"{BASE}/brands/{hidden.pk}").status_code == 404
    assert client.get(f"/volunteers/public/brands/{brand.pk}/").status_code == 200


def test_figures_endpoint(api, tree, street_admin, own_volunteer):
    r = api(street_admin).get(f"/figures/{tree['fangsong'].pk}")
    assert r.status_code == 200 and len(r.json()["rows"]) == 12
    assert api(street_admin).get(f"/figures/{tree['malu'].pk}").status_code == 403


def test_activity_state_transitions_via_api(api, tree, committee_worker):
    start = timezone.now() + dt.timedelta(days=1)
    activity = actions.create_activity(
        actor=None,
        area=tree["committee"],
        title="t",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="p",
        capacity=2,
    )
    c = api(committee_worker)
    assert c.post(f"/activities/{activity.pk}/publish").json()["state"] == "published"
    assert c.post(f"/activities/{activity.pk}/publish").status_code == 422
    assert c.post(f"/activities/{activity.pk}/cancel", {"reason": "雨"}).json()["state"] == "cancelled"
    assert Activity.objects.get(pk=activity.pk).state == "cancelled"
