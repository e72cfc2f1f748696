"""Capacity under concurrency: many threads sign up / book at once on PostgreSQL; nobody is overbooked."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from gongzhi.volunteers import actions
from gongzhi.volunteers.models import Activity, Booking, ServiceSlot, SignUp

pytestmark = [pytest.mark.pg_only, pytest.mark.django_db(transaction=True)]
THREADS = 12


def _race(func, args_list):
    barrier = threading.Barrier(len(args_list))
    outcomes = []
    lock = threading.Lock()

    def run(args):
        try:
            barrier.wait()
            func(*args)
            result = "ok"
        except ValidationError:
            result = "refused"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(a,)) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_last_places_of_an_activity_are_never_overbooked(tree, make_volunteer):
    start = timezone.now() + dt.timedelta(days=1)
    activity = actions.create_activity(
        actor=None,
        area=tree["committee"],
        title="抢位",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="x",
        capacity=3,
        publish=True,
    )
    volunteers = [make_volunteer(f"志愿{i}") for i in range(THREADS)]
    outcomes = _race(
        lambda v: actions.sign_up(actor=None, activity=activity, volunteer=v), [(v,) for v in volunteers]
    )
    activity.refresh_from_db()
    assert outcomes.count("ok") == 3
    assert activity.taken == 3
    assert SignUp.objects.filter(activity=activity).exclude(state="cancelled").count() == 3


def test_one_volunteer_signing_up_from_many_devices_gets_one_place(tree, make_volunteer):
    start = timezone.now() + dt.timedelta(days=1)
    activity = actions.create_activity(
        actor=None,
        area=tree["committee"],
        title="重复",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        place="x",
        capacity=50,
        publish=True,
    )
    v = make_volunteer()
    outcomes = _race(
        lambda: actions.sign_up(actor=None, activity=activity, volunteer=v), [() for _ in range(8)]
    )
    assert outcomes.count("ok") == 1
    assert Activity.objects.get(pk=activity.pk).taken == 1
    assert SignUp.objects.filter(activity=activity).count() == 1


def test_a_slot_is_never_double_booked(tree, make_volunteer, make_person):
    provider = make_volunteer("理发师")
    service = actions.create_skill_service(
        actor=None, provider=provider, kind="haircut", title="理发", place="x"
    )
    start = timezone.now() + dt.timedelta(days=1)
    slot = actions.add_slot(
        actor=None, service=service, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    people = [make_person(f"居民{i}") for i in range(THREADS)]
    outcomes = _race(lambda p: actions.book_slot(actor=None, slot=slot, person=p), [(p,) for p in people])
    assert outcomes.count("ok") == 1
    assert ServiceSlot.objects.get(pk=slot.pk).booked == 1
    assert Booking.objects.filter(slot=slot).count() == 1
