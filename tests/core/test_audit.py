"""The audit log: registered verbs only, one group id per user action, bulk writing for imports."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from gongzhi.core import audit
from gongzhi.core.models import AuditEvent
from gongzhi.people.models import Person

VERB = audit.register_verb("test.thing_done", "thing done")


def make_person(area, name="张三") -> Person:
    person = Person(name=name)
    person.set_area(area)
    person.save()
    return person


def test_an_unregistered_verb_raises_and_writes_nothing(db):
    with pytest.raises(ValueError, match="unregistered"):
        audit.record(None, "test.never_registered")
    with pytest.raises(ValueError, match="unregistered"):
        audit.record_bulk(None, "test.never_registered", [])
    assert not AuditEvent.objects.exists()


def test_a_verb_longer_than_the_column_cannot_be_registered():
    with pytest.raises(ValueError):
        audit.register_verb("x" * 65, "too long")


def test_the_system_is_recorded_as_no_actor(db):
    event = audit.record(None, VERB)
    assert event.actor is None
    assert AuditEvent.objects.get().actor_id is None


def test_an_event_names_actor_object_area_time_and_details(tree, street_admin):
    person = make_person(tree["committee"])
    event = audit.record(
        street_admin, VERB, person, details={"on": dt.date(2024, 5, 1), "amount": Decimal("1.5")}
    )
    event.refresh_from_db()
    assert event.actor == street_admin
    assert (event.object_type, event.object_id, event.object_repr) == (
        "people.person",
        str(person.pk),
        "张三",
    )
    assert (event.area_id, event.area_path) == (tree["committee"].pk, tree["committee"].path)
    assert event.created_at is not None
    assert event.details == {"on": "2024-05-01", "amount": "1.5"}


def test_events_outside_a_group_each_get_their_own_group_id(db):
    first, second = audit.record(None, VERB), audit.record(None, VERB)
    assert first.group_id != second.group_id


def test_events_inside_one_audit_group_share_its_id(db):
    with audit.audit_group() as group:
        first = audit.record(None, VERB)
        with audit.audit_group() as inner:  # a nested action stays in the user's action
            second = audit.record(None, VERB)
    assert isinstance(group, uuid.UUID)
    assert first.group_id == second.group_id == inner == group
    assert audit.current_group() is None
    assert audit.record(None, VERB).group_id != group


def test_an_audit_group_can_be_given_its_id(db):
    chosen = uuid.uuid4()
    with audit.audit_group(chosen):
        assert audit.record(None, VERB).group_id == chosen


def test_record_bulk_writes_one_event_per_object_in_one_group_and_one_insert(tree, django_assert_num_queries):
    people = [make_person(tree["committee"], name=f"人{i}") for i in range(25)]
    with django_assert_num_queries(1):
        written = audit.record_bulk(None, VERB, people, details={"source": "import.xlsx"})
    assert written == 25
    events = AuditEvent.objects.filter(verb=VERB)
    assert events.count() == 25
    assert events.values("group_id").distinct().count() == 1
    assert set(events.values_list("object_id", flat=True)) == {str(p.pk) for p in people}
    assert all(e.details == {"source": "import.xlsx"} and e.actor_id is None for e in events)


def test_record_bulk_inside_a_group_joins_it_and_can_vary_details(tree, city_admin):
    people = [make_person(tree["committee"], name=f"人{i}") for i in range(3)]
    with audit.audit_group() as group:
        audit.record(city_admin, VERB)
        audit.record_bulk(city_admin, VERB, people, details=lambda p: {"name": p.name}, batch_size=2)
    events = AuditEvent.objects.filter(verb=VERB)
    assert set(events.values_list("group_id", flat=True)) == {group}
    assert sorted(e.details.get("name", "") for e in events) == ["", "人0", "人1", "人2"]


def test_an_anonymous_user_is_recorded_as_no_actor(db):
    from django.contrib.auth.models import AnonymousUser

    assert audit.record(AnonymousUser(), VERB).actor is None
