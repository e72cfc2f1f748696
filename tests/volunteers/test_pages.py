"""Pages: each list and detail renders for the right roles and refuses the others."""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone
from freezegun import freeze_time

from gongzhi.volunteers import actions
from gongzhi.volunteers.models import SignUp

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["home", "teams", "volunteers", "activities", "points", "base", "brands"])
def test_staff_pages_render(client_for, street_admin, team, activity, own_volunteer, name):
    r = client_for(street_admin).get(
        f"/volunteers/{'' if name == 'home' else {'volunteers': 'people', 'base': 'base'}.get(name, name) + '/'}"
    )
    assert r.status_code == 200


def test_detail_pages_render(client_for, committee_worker, team, activity, own_volunteer, make_person, tree):
    c = client_for(committee_worker)
    actions.add_team_member(actor=None, team=team, volunteer=own_volunteer, is_leader=True)
    actions.record_service(
        actor=None,
        volunteer=own_volunteer,
        hours=2,
        served_on=dt.date(2026, 11, 1),
        content="助老",
        recording_body="江中",
    )
    point = actions.create_neighbourhood_point(
        actor=None, area=tree["committee"], name="书法睦邻点", interest="书法", host="活动室", schedule="周五"
    )
    brand = actions.create_brand_project(
        actor=None, area=tree["committee"], name="家圆联合体", goals="g", starts_on=dt.date(2026, 1, 1)
    )
    for url in (
        f"/volunteers/teams/{team.pk}/",
        f"/volunteers/activities/{activity.pk}/",
        f"/volunteers/people/{own_volunteer.pk}/",
        f"/volunteers/points/{point.pk}/",
        f"/volunteers/brands/{brand.pk}/",
        f"/volunteers/teams/new/?area={tree['committee'].pk}",
        f"/volunteers/activities/new/?area={tree['committee'].pk}",
    ):
        assert c.get(url).status_code == 200, url


def test_grid_worker_sees_but_cannot_create(client_for, grid_worker, tree):
    c = client_for(grid_worker)
    assert c.get("/volunteers/teams/").status_code == 200
    assert c.get(f"/volunteers/teams/new/?area={tree['grid'].pk}").status_code == 403


def test_resident_is_sent_to_their_own_page(client_for, resident, resident_person):
    c = client_for(resident)
    r = c.get("/volunteers/")
    assert r.status_code == 302 and r["Location"].endswith("/volunteers/me/")
    assert c.get("/volunteers/me/").status_code == 200
    assert c.get("/volunteers/teams/").status_code == 403


def test_volunteer_signs_up_and_checks_in_through_pages(client_for, volunteer, own_volunteer, activity):
    c = client_for(volunteer)
    page = c.get(f"/volunteers/activities/{activity.pk}/")
    assert "signup-button" in page.content.decode()
    c.post(f"/volunteers/activities/{activity.pk}/signup/")
    with freeze_time(activity.starts_at):
        c.post(f"/volunteers/activities/{activity.pk}/checkin/", {"code": activity.checkin_code})
    signup = SignUp.objects.get(activity=activity, volunteer=own_volunteer)
    assert signup.checked_in_at is not None


def test_over_capacity_shows_a_message_on_the_page(
    client_for, volunteer, own_volunteer, make_volunteer, tree
):
    start = timezone.now() + dt.timedelta(days=1)
    full = actions.create_activity(
        actor=None,
        area=tree["committee"],
        title="满员",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="p",
        capacity=1,
        publish=True,
    )
    actions.sign_up(actor=None, activity=full, volunteer=make_volunteer())
    r = client_for(volunteer).post(f"/volunteers/activities/{full.pk}/signup/", follow=True)
    assert "full" in r.content.decode() or "满" in r.content.decode()
    assert not SignUp.objects.filter(activity=full, volunteer=own_volunteer).exists()


def test_negative_hours_in_the_form_show_an_error_next_to_the_field(
    client_for, committee_worker, own_volunteer
):
    r = client_for(committee_worker).post(
        f"/volunteers/people/{own_volunteer.pk}/hours/",
        {"hours": "-1", "served_on": "2026-11-01", "content": "助老", "recording_body": "江中"},
    )
    assert r.status_code == 422
    assert "invalid-feedback" in r.content.decode()
    assert own_volunteer.records.count() == 0


@pytest.fixture
def file_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


def test_certificate_pdf_page_for_the_volunteer_themselves(
    client_for, volunteer, own_volunteer, street_admin, file_storage
):
    actions.record_service(
        actor=None,
        volunteer=own_volunteer,
        hours=2,
        served_on=dt.date(2026, 11, 1),
        content="助老",
        recording_body="江中",
    )
    cert = actions.issue_certificate(actor=street_admin, volunteer=own_volunteer)
    # Rendered by a task into the storage, then served by a token bound to the user who asked.
    r = client_for(volunteer).get(f"/volunteers/certificates/{cert.pk}.pdf")
    assert r.status_code == 302 and "?t=" in r["Location"]
    pdf = client_for(volunteer).get(r["Location"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    content = b"".join(pdf.streaming_content)
    assert content[:4] == b"%PDF"
    assert len(list(file_storage.glob("rendered/volunteers/certificate-*.pdf"))) == 1
    (file_storage / "c.pdf").write_bytes(content)
    text = subprocess.run(  # noqa: S603 - fixed local tool
        ["pdftotext", str(file_storage / "c.pdf"), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert cert.number in text and "李志愿" in text


def _certified(volunteer, actor):
    actions.record_service(
        actor=None,
        volunteer=volunteer,
        hours=2,
        served_on=dt.date(2026, 11, 1),
        content="助老",
        recording_body="江中",
    )
    return actions.issue_certificate(actor=actor, volunteer=volunteer)


def test_a_certificate_token_opens_only_for_its_user_and_its_certificate(
    client_for, volunteer, own_volunteer, street_admin, make_volunteer, file_storage
):
    cert = _certified(own_volunteer, street_admin)
    other = _certified(make_volunteer("王志愿"), street_admin)
    url = client_for(volunteer).get(f"/volunteers/certificates/{cert.pk}.pdf")["Location"]
    # The street admin may see the certificate, but not through the volunteer's token.
    assert client_for(street_admin).get(url).status_code == 404
    token = (
        client_for(street_admin).get(f"/volunteers/certificates/{cert.pk}.pdf")["Location"].split("?t=")[1]
    )
    assert (
        client_for(street_admin).get(f"/volunteers/certificates/{other.pk}.pdf?t={token}").status_code == 404
    )
    assert client_for(street_admin).get(f"/volunteers/certificates/{cert.pk}.pdf?t=forged").status_code == 404


def test_other_street_cannot_start_a_certificate_pdf(
    client_for, other_street_admin, own_volunteer, street_admin
):
    cert = _certified(own_volunteer, street_admin)
    assert client_for(other_street_admin).get(f"/volunteers/certificates/{cert.pk}.pdf").status_code == 403


def test_other_street_cannot_open_a_volunteer_record(client_for, other_street_admin, own_volunteer):
    assert client_for(other_street_admin).get(f"/volunteers/people/{own_volunteer.pk}/").status_code == 403


def test_volunteer_list_rows_show_each_column_escaped(client_for, street_admin, make_volunteer):
    from decimal import Decimal

    from gongzhi.volunteers.models import Volunteer

    busy = make_volunteer("张<三>", skills=["理发", "维修"])
    Volunteer.objects.filter(pk=busy.pk).update(total_hours=Decimal("12.00"), star_level=2)
    idle = make_volunteer("李四", skills=[])
    Volunteer.objects.filter(pk=idle.pk).update(total_hours=Decimal("3.5"), is_active=False)
    page = (
        client_for(street_admin).get("/volunteers/people/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    )
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert f'<a href="/volunteers/people/{busy.pk}/">张&lt;三&gt;</a>' in rows
    assert "<td>理发、维修</td>" in rows and '<td class="text-end">12</td>' in rows
    assert '<td aria-label="2星">2★</td>' in rows
    assert (
        '<td class="text-end">3.50</td>' in rows and "停用" in rows.split(idle.number)[0].rsplit("<tr>", 1)[1]
    )
    assert f"<td>{busy.number}</td>" in rows
