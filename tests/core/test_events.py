"""Domain events after commit, and tasks that run inline without a broker."""

import logging

import pytest
from django.db import transaction

from gongzhi.core import events, tasks

RECEIVED: list = []


@pytest.fixture(autouse=True)
def listener():
    RECEIVED.clear()

    def on_thing(event):
        RECEIVED.append(event.payload)

    events.subscribe("test.thing_done")(on_thing)
    yield on_thing
    events.unsubscribe("test.thing_done", on_thing)
    RECEIVED.clear()


class Boom(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_action_publishes_nothing():
    with pytest.raises(Boom), transaction.atomic():
        events.publish("test.thing_done", n=1)
        raise Boom
    assert RECEIVED == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_action_publishes_once_and_only_after_commit():
    with transaction.atomic():
        events.publish("test.thing_done", n=1)
        assert RECEIVED == []  # not before commit
    assert RECEIVED == [{"n": 1}]


@pytest.mark.django_db(transaction=True)
def test_an_inner_rolled_back_block_drops_its_events_but_not_the_outer_ones():
    with transaction.atomic():
        events.publish("test.thing_done", n=1)
        with pytest.raises(Boom), transaction.atomic():
            events.publish("test.thing_done", n=2)
            raise Boom
    assert RECEIVED == [{"n": 1}]


def test_a_failing_subscriber_is_logged_and_the_others_still_run(
    db, caplog, django_capture_on_commit_callbacks
):
    def broken(event):
        raise RuntimeError("subscriber bug")

    events.subscribe("test.thing_done")(broken)
    try:
        with caplog.at_level(logging.ERROR, logger="gongzhi.core.events"):
            with django_capture_on_commit_callbacks(execute=True):
                events.publish("test.thing_done", n=3)
    finally:
        events.unsubscribe("test.thing_done", broken)
    assert RECEIVED == [{"n": 3}]
    assert "subscriber bug" in caplog.text or "broken" in caplog.text


def test_subscribing_twice_delivers_once(db, listener, django_capture_on_commit_callbacks):
    events.subscribe("test.thing_done")(listener)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish("test.thing_done", n=4)
    assert RECEIVED == [{"n": 4}]


def double(x):
    return 2 * x


def test_tasks_run_inline_without_a_broker(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert tasks.run_task("tests.core.test_events.double", 21) == 42
    assert tasks.run_task(tasks.call, "tests.core.test_events.double", 4) == 8


def test_tasks_are_queued_with_a_broker(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.call, "delay", lambda *a, **k: queued.append((a, k)) or "queued")
    assert tasks.run_task("tests.core.test_events.double", 21) == "queued"
    assert tasks.run_task(double, 5) == "queued"
    assert queued == [(("tests.core.test_events.double", 21), {}), (("tests.core.test_events.double", 5), {})]
