"""Splits, merges and renames of areas are recorded so reports can follow an area across years."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.areas.actions import build_area, record_area_change
from gongzhi.areas.models import AreaChange
from gongzhi.core.models import AuditEvent

DAY = dt.date(2024, 1, 1)


def _new_committee(tree, name, code):
    a = build_area(name=name, kind="residents_committee", parent=tree["fangsong"], stat_code=code)
    a.save()
    return a


def test_a_split_is_recorded_with_sources_results_and_an_audit_event(street_admin, tree):
    a = _new_committee(tree, "江中一", "310117003011")
    b = _new_committee(tree, "江中二", "310117003012")
    change = record_area_change(
        actor=street_admin, kind="split", effective_on=DAY, sources=[tree["committee"]], results=[a, b]
    )
    assert list(change.sources.all()) == [tree["committee"]]
    assert set(change.results.all()) == {a, b}
    assert list(tree["committee"].changes_out.all()) == [change]
    event = AuditEvent.objects.get(verb="area.change_recorded")
    assert event.details["results"] == [a.pk, b.pk] and event.area_id == tree["committee"].pk


def test_a_merge_needs_two_sources_and_one_result(street_admin, tree):
    record_area_change(
        actor=street_admin,
        kind="merge",
        effective_on=DAY,
        sources=[tree["committee"], tree["other_committee"]],
        results=[tree["committee"]],
    )
    with pytest.raises(ValidationError) as exc:
        record_area_change(
            actor=street_admin,
            kind="merge",
            effective_on=DAY,
            sources=[tree["committee"]],
            results=[tree["committee"]],
        )
    assert "sources" in exc.value.message_dict
    assert AreaChange.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "n_sources", "n_results", "field"),
    [
        ("split", 1, 1, "results"),
        ("split", 2, 2, "results"),
        ("rename", 1, 2, "results"),
        ("merge", 0, 1, "sources"),
    ],
)
def test_malformed_changes_are_refused(street_admin, tree, kind, n_sources, n_results, field):
    areas = [tree["committee"], tree["other_committee"]]
    with pytest.raises(ValidationError) as exc:
        record_area_change(
            actor=street_admin,
            kind=kind,
            effective_on=DAY,
            sources=areas[:n_sources],
            results=areas[:n_results],
        )
    assert field in exc.value.message_dict
    assert not AreaChange.objects.exists()


def test_recording_a_change_needs_edit_rights_over_every_area(other_street_admin, resident, tree):
    for user in (other_street_admin, resident):
        with pytest.raises(PermissionDenied):
            record_area_change(
                actor=user,
                kind="merge",
                effective_on=DAY,
                sources=[tree["committee"], tree["other_committee"]],
                results=[tree["committee"]],
            )
    assert not AreaChange.objects.exists()
