"""In-app notifications, e-mail, preferences, the daily digest, the bell and the centre."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from freezegun import freeze_time

from gongzhi.accounts.roles import ScopeKind
from gongzhi.core.models import AuditEvent
from gongzhi.notices import actions, delivery, queries
from gongzhi.notices.models import Delivery, Notification, NotificationPreference

from .conftest import CASE_ASSIGNED

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def alice(committee_worker):
    committee_worker.email = "alice@example.test"
    committee_worker.save(update_fields=["email"])
    return committee_worker


def notify(users, title="新诉求待签收", **kw):
    return actions.notify(
        actor=None,
        recipients=users,
        kind=CASE_ASSIGNED,
        title=title,
        body="请及时处理",
        url="/cases/1/",
        **kw,
    )


def test_notify_creates_an_unread_notification_and_sends_an_email(alice, send_now):
    with send_now():
        [note] = notify([alice])
    assert note.recipient == alice and note.read_at is None and not note.digest_pending
    assert queries.unread_count(alice) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.test"] and mail.outbox[0].subject == "新诉求待签收"
    assert "请及时处理" in mail.outbox[0].body and "/cases/1/" in mail.outbox[0].body
    row = Delivery.objects.get()
    assert (row.channel, row.status, row.attempts, row.notification_id) == ("email", "sent", 1, note.pk)


def test_nothing_is_sent_before_the_callers_transaction_commits(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([alice])
    assert mail.outbox == [] and callbacks  # the sending (and the bell's refresh) wait for the commit
    assert Delivery.objects.get().status == "pending"


def test_users_without_an_email_address_get_only_the_in_app_notification(resident, send_now):
    with send_now():
        notify([resident])
    assert Notification.objects.filter(recipient=resident).count() == 1
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_duplicate_and_inactive_recipients_are_skipped(alice, resident, send_now):
    resident.is_active = False
    resident.save(update_fields=["is_active"])
    with send_now():
        notes = notify([alice, alice.pk, resident])
    assert [n.recipient_id for n in notes] == [alice.pk]


def test_notify_refuses_a_bad_title_or_link_and_writes_nothing(alice):
    with pytest.raises(ValidationError) as exc:
        actions.notify(
            actor=None, recipients=[alice], kind=CASE_ASSIGNED, title="bad\x00", url="javascript:x"
        )
    assert set(exc.value.message_dict) == {"title", "url"}
    assert not Notification.objects.exists()
    with pytest.raises(ValueError, match="unregistered"):
        actions.notify(actor=None, recipients=[alice], kind="nobody.declared.this", title="t")


def test_a_user_marks_their_own_notification_read_but_not_someone_elses(alice, resident):
    [note] = notify([alice])
    with pytest.raises(PermissionDenied):
        actions.mark_read(actor=resident, notification=note)
    assert actions.mark_read(actor=alice, notification=note).read_at is not None
    first = Notification.objects.get().read_at
    actions.mark_read(actor=alice, notification=note)  # twice: the first time stays
    assert Notification.objects.get().read_at == first
    assert queries.unread_count(alice) == 0


def test_mark_all_read_touches_only_the_actors_notifications(alice, resident):
    notify([alice, resident])
    notify([alice])
    assert actions.mark_all_read(actor=alice) == 2
    assert queries.unread_count(alice) == 0 and queries.unread_count(resident) == 1


def test_email_channel_off_means_no_email(alice, send_now):
    actions.save_preferences(actor=alice, user=alice, in_app=True, email=False, webhook=False, digest="off")
    with send_now():
        notify([alice])
    assert mail.outbox == [] and Notification.objects.count() == 1
    assert AuditEvent.objects.filter(verb="notices.preferences_saved").count() == 1


def test_a_preference_for_one_kind_overrides_the_default_row(alice, send_now):
    actions.save_preferences(actor=alice, user=alice, in_app=True, email=False, webhook=False, digest="off")
    actions.save_preferences(
        actor=alice, user=alice, kind=CASE_ASSIGNED, in_app=False, email=True, webhook=False, digest="off"
    )
    with send_now():
        assert notify([alice]) == []  # not in the centre
        actions.notify(actor=None, recipients=[alice], kind=actions.SYSTEM, title="维护通知")
    assert [m.subject for m in mail.outbox] == ["新诉求待签收"]
    assert list(Notification.objects.values_list("title", flat=True)) == ["维护通知"]


def test_preferences_are_ones_own_and_checked(alice, resident):
    with pytest.raises(PermissionDenied):
        actions.save_preferences(
            actor=resident, user=alice, in_app=True, email=False, webhook=False, digest="off"
        )
    with pytest.raises(ValidationError):
        actions.save_preferences(
            actor=alice, user=alice, kind="no.such.kind", in_app=True, email=True, webhook=False, digest="off"
        )
    with pytest.raises(ValidationError):
        actions.save_preferences(
            actor=alice, user=alice, in_app=True, email=True, webhook=False, digest="hourly"
        )
    assert not NotificationPreference.objects.exists()


def test_webhook_preference_relays_to_the_robots_of_the_users_scopes(
    tree, department_handler, hook_server, send_now
):
    actions.create_webhook(
        actor=None,
        scope_kind=ScopeKind.DEPARTMENT,
        scope_id=tree["department"].pk,
        name="中队群",
        url=hook_server.url,
        format="wecom",
    )
    with send_now():
        notify([department_handler])  # default: webhook off
    assert hook_server.requests == []
    actions.save_preferences(
        actor=department_handler,
        user=department_handler,
        in_app=True,
        email=False,
        webhook=True,
        digest="off",
    )
    with send_now():
        notify([department_handler])
    assert len(hook_server.requests) == 1
    assert "chengguan: 新诉求待签收" in hook_server.json()["markdown"]["content"]


def test_digest_collects_unread_notifications_of_earlier_days_into_one_email(alice, send_now):
    actions.save_preferences(actor=alice, user=alice, in_app=True, email=True, webhook=False, digest="daily")
    day1 = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)
    with freeze_time(day1) as frozen:
        with send_now():
            notify([alice], title="第一条")
            notify([alice], title="第二条")
            [read_one] = notify([alice], title="已读的")
        actions.mark_read(actor=alice, notification=read_one)
        assert mail.outbox == []
        assert delivery.send_digests() == {"digests": 0}  # today's wait for tomorrow

        frozen.move_to(day1 + timedelta(hours=20))  # 06:00 the next day
        with send_now():
            assert delivery.send_digests() == {"digests": 1}
            assert delivery.send_digests() == {"digests": 0}  # once a day
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.test"]
    assert "第一条" in message.body and "第二条" in message.body and "已读的" not in message.body
    assert "2" in message.subject
    assert not Notification.objects.filter(digest_pending=True).exists()
    assert Delivery.objects.get().is_digest


def test_digest_job_and_retry_job_are_registered_sweeps():
    from gongzhi.core import sweeps

    names = [name for name, _func in sweeps.JOBS]
    assert "notices.retry" in names and "notices.digest" in names


# --- pages ---------------------------------------------------------------------------------------
def test_the_bell_shows_the_unread_count(client_for, alice):
    client = client_for(alice)
    assert 'id="notice-badge"' not in client.get("/").content.decode()
    notify([alice])
    notify([alice])
    html = client.get("/").content.decode()
    assert 'id="notice-bell"' in html and reverse("notices:centre") in html
    assert '<span class="badge rounded-pill text-bg-danger" id="notice-badge">2</span>' in html


def test_reading_notifications_updates_the_bell_at_once(client_for, alice, resident):
    client = client_for(alice)
    notify([alice])
    notify([alice])
    assert 'id="notice-badge">2</span>' in client.get("/").content.decode()
    actions.mark_read(actor=alice, notification=Notification.objects.filter(recipient=alice).first())
    assert 'id="notice-badge">1</span>' in client.get("/").content.decode()
    notify([resident])  # another user's notification leaves alice's count alone
    assert 'id="notice-badge">1</span>' in client.get("/").content.decode()
    actions.mark_all_read(actor=alice)
    assert 'id="notice-badge"' not in client.get("/").content.decode()


def test_a_count_cached_by_one_process_is_dropped_when_another_commits_a_notification(
    alice, django_capture_on_commit_callbacks
):
    """A count read elsewhere before the commit, and stored after notify's first drop, is dropped
    again once the notification is committed."""
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice])
        cache.set(queries.unread_key(alice.pk), 0, 60)  # the other process's count from before
    assert queries.unread_count(alice) == 1


def test_the_bell_caps_the_count_at_99_plus(client_for, alice):
    Notification.objects.bulk_create(
        [Notification(recipient=alice, kind=CASE_ASSIGNED, title=f"n{i}") for i in range(120)]
    )
    assert queries.unread_count(alice) == 100
    assert 'id="notice-badge">99+</span>' in client_for(alice).get("/").content.decode()


@pytest.mark.skipif(settings.IS_POSTGRES, reason="the plan text checked is SQLite's")
def test_the_unread_count_uses_the_recipient_read_at_index(alice):
    qs = Notification.objects.filter(recipient=alice, read_at__isnull=True).order_by()
    assert "notification_unread" in qs.explain()


def test_the_centre_lists_my_notifications_with_a_keyset_pager(client_for, alice, resident):
    Notification.objects.bulk_create(
        [Notification(recipient=alice, kind=CASE_ASSIGNED, title=f"通知{i:02d}") for i in range(35)]
    )
    notify([resident], title="别人的")
    client = client_for(alice)
    first = client.get(reverse("notices:centre"))
    html = first.content.decode()
    assert "通知34" in html and "通知05" in html and "通知04" not in html and "别人的" not in html
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("notices:centre"), {"cursor": cursor}).content.decode()
    assert "通知04" in second and "通知34" not in second
    assert client.get(reverse("notices:centre"), {"cursor": "forged"}).status_code == 200


def test_mark_read_with_htmx_returns_the_row_and_the_updated_bell(client_for, alice, resident):
    [note] = notify([alice])
    client = client_for(alice)
    response = client.post(reverse("notices:mark_read", args=[note.pk]), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and f'id="notification-{note.pk}"' in html
    assert 'hx-swap-oob="true"' in html and 'id="notice-badge"' not in html
    assert Notification.objects.get().read_at is not None
    other = notify([resident])[0]
    assert client.post(reverse("notices:mark_read", args=[other.pk])).status_code == 404


def test_mark_all_read_page(client_for, alice):
    notify([alice])
    response = client_for(alice).post(reverse("notices:mark_all_read"))
    assert response.status_code == 302 and queries.unread_count(alice) == 0


def test_preferences_page_saves_and_lists(client_for, alice):
    client = client_for(alice)
    assert client.get(reverse("notices:preferences")).status_code == 200
    response = client.post(
        reverse("notices:preferences"), {"kind": CASE_ASSIGNED, "in_app": "on", "digest": "daily"}
    )
    assert response.status_code == 302
    pref = NotificationPreference.objects.get()
    assert (pref.kind, pref.in_app, pref.email, pref.digest) == (CASE_ASSIGNED, True, False, "daily")
    assert client.post(reverse("notices:preferences"), {"kind": "nope", "digest": "off"}).status_code == 422


# --- API -----------------------------------------------------------------------------------------
def test_api_lists_counts_and_marks_my_notifications(client_for, alice, resident):
    notify([alice], title="一")
    [second] = notify([alice], title="二")
    notify([resident], title="别人的")
    client = client_for(alice)
    listed = client.get("/api/v1/notices/notifications", {"limit": 1}).json()
    assert [n["title"] for n in listed["items"]] == ["二"] and listed["next_cursor"]
    assert client.get("/api/v1/notices/notifications/unread-count").json() == {"count": 2, "badge": "2"}
    marked = client.post(f"/api/v1/notices/notifications/{second.pk}/read")
    assert marked.status_code == 200 and marked.json()["read_at"]
    unread = client.get("/api/v1/notices/notifications", {"unread": True}).json()
    assert [n["title"] for n in unread["items"]] == ["一"]
    assert client.post("/api/v1/notices/notifications/read-all").json() == {"updated": 1}
    other = Notification.objects.get(recipient=resident)
    assert client.post(f"/api/v1/notices/notifications/{other.pk}/read").status_code == 404


def test_api_preferences_get_and_put(client_for, alice):
    client = client_for(alice)
    got = client.get("/api/v1/notices/preferences").json()
    assert got["preferences"] == [] and CASE_ASSIGNED in [k["kind"] for k in got["kinds"]]
    put = client.put(
        "/api/v1/notices/preferences",
        {"kind": "*", "in_app": True, "email": False, "webhook": False, "digest": "daily"},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["digest"] == "daily"
    bad = client.put("/api/v1/notices/preferences", {"kind": "nope"}, content_type="application/json")
    assert bad.status_code == 422 and "kind" in bad.json()["error"]["fields"]
