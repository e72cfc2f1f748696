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


@pytest.fixture
def batches():
    calls: list = []

    def on_batch(delivered):
        calls.append([e.payload["n"] for e in delivered])

    events.subscribe_batch("test.thing_done", "test.other_done")(on_batch)
    yield calls
    events.unsubscribe("test.thing_done", on_batch)
    events.unsubscribe("test.other_done", on_batch)


@pytest.mark.django_db(transaction=True)
def test_a_bundle_hands_a_batch_subscriber_its_events_in_one_call_after_commit(batches):
    with events.bundle(), transaction.atomic():
        events.publish("test.thing_done", n=1)
        events.publish("test.unrelated", n=9)
        events.publish("test.other_done", n=2)
        assert batches == []  # not before commit
    assert batches == [[1, 2]]
    assert RECEIVED == [{"n": 1}]  # the plain subscriber still gets each event


@pytest.mark.django_db(transaction=True)
def test_without_a_bundle_a_batch_subscriber_gets_one_event_per_call(batches):
    with transaction.atomic():
        events.publish("test.thing_done", n=1)
        events.publish("test.other_done", n=2)
    assert batches == [[1], [2]]


@pytest.mark.django_db(transaction=True)
def test_a_bundle_drops_the_events_of_a_rolled_back_savepoint_and_of_a_failed_block(batches):
    with events.bundle(), transaction.atomic():
        events.publish("test.thing_done", n=1)
        with pytest.raises(Boom), transaction.atomic():
            events.publish("test.thing_done", n=2)
            raise Boom
    assert batches == [[1]]
    with pytest.raises(Boom), events.bundle(), transaction.atomic():
        events.publish("test.thing_done", n=3)
        raise Boom
    assert batches == [[1]] and RECEIVED == [{"n": 1}]


@pytest.mark.django_db(transaction=True)
def test_a_subscriber_whose_condition_is_false_is_not_called():
    seen = []

    def picky(event):
        seen.append(event["n"])

    events.subscribe("test.thing_done", when=lambda e: e["n"] > 1)(picky)
    try:
        events.publish("test.thing_done", n=1)
        events.publish("test.thing_done", n=2)
    finally:
        events.unsubscribe("test.thing_done", picky)
    assert seen == [2]


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
