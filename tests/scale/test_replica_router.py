"""The router sends report reads to the replica alias and every write to default."""

import os
import subprocess
import sys

from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext

from gongzhi.areas.actions import build_area
from gongzhi.areas.models import Area
from gongzhi.core import replica
from gongzhi.core.models import RollupDelta
from gongzhi.core.replica import reading_replica, report_read, stream_from_replica


def _area(name="上海市", kind="city", parent=None, **kw):
    area = build_area(name=name, kind=kind, parent=parent, **kw)
    area.save()
    return area


def _queries(alias, func):
    with CaptureQueriesContext(connections[alias]) as captured:
        result = func()
    return result, [q["sql"] for q in captured.captured_queries]


def test_router_sends_reads_inside_reading_replica_to_the_replica_alias(replica_alias):
    city = _area(gb2260="310000")  # committed: transactional_db, like a replica that has caught up
    with CaptureQueriesContext(connections["default"]) as on_default:
        with reading_replica():
            assert router.db_for_read(Area) == "replica"
            found, on_replica = _queries("replica", lambda: Area.objects.get(pk=city.pk))
    assert found.name == "上海市"
    assert found._state.db == "replica"
    assert len(on_replica) == 1 and "areas_area" in on_replica[0]
    assert on_default.captured_queries == []


def test_reads_outside_reading_replica_stay_on_default(replica_alias):
    city = _area(gb2260="310000")
    assert router.db_for_read(Area) == "default"
    found, on_replica = _queries("replica", lambda: Area.objects.get(pk=city.pk))
    assert found._state.db == "default"
    assert on_replica == []


def test_writes_go_to_default_even_inside_reading_replica(replica_alias):
    with reading_replica():
        assert router.db_for_write(RollupDelta) == "default"
        delta, on_replica = _queries(
            "replica",
            lambda: RollupDelta.objects.create(area_id=1, figure="f", period="2025-01", numerator=1),
        )
        assert delta._state.db == "default"
        assert on_replica == []
        read_back = RollupDelta.objects.get(pk=delta.pk)
        assert read_back._state.db == "replica"
        read_back.numerator = 2
        _, on_replica = _queries("replica", read_back.save)  # a row read from the replica is saved on default
    assert on_replica == []
    assert RollupDelta.objects.using("default").get(pk=delta.pk).numerator == 2


def test_reads_inside_a_transaction_on_default_see_their_own_rows(replica_alias):
    with reading_replica(), transaction.atomic():
        delta = RollupDelta.objects.create(area_id=1, figure="f", period="2025-01", numerator=1)
        assert router.db_for_read(RollupDelta) == "default"
        assert RollupDelta.objects.filter(pk=delta.pk).exists()  # the replica could not show it yet


def test_related_rows_of_a_replica_row_are_read_from_the_replica(replica_alias):
    city = _area(gb2260="310000")
    district = _area("松江区", "district", city, gb2260="310117")
    with reading_replica():
        row = Area.objects.get(pk=district.pk)
    # Outside the block: the instance hint keeps the parent on the replica too (an export's row.area).
    parent, on_replica = _queries("replica", lambda: row.parent)
    assert parent.pk == city.pk and len(on_replica) == 1


def test_a_decorated_function_reads_from_the_replica(replica_alias):
    city = _area(gb2260="310000")

    @reading_replica()
    def dashboard():
        return Area.objects.get(pk=city.pk)

    assert dashboard()._state.db == "replica"
    assert Area.objects.get(pk=city.pk)._state.db == "default"


def test_a_report_queryset_and_a_stream_read_from_the_replica_when_evaluated_later(replica_alias):
    city = _area(gb2260="310000")
    qs = report_read(Area.objects.filter(pk=city.pk))
    assert [a._state.db for a in qs] == ["replica"]

    def rows():  # a StreamingHttpResponse generator runs after the view returned
        for area in Area.objects.filter(pk=city.pk):
            yield area._state.db

    assert list(stream_from_replica(rows())) == ["replica"]
    assert list(rows()) == ["default"]


def test_a_registered_report_model_reads_from_the_replica_without_a_block(replica_alias):
    RollupDelta.objects.create(area_id=1, figure="f", period="2025-01", numerator=1)
    replica.register_report_model(RollupDelta)
    try:
        assert RollupDelta.objects.get(figure="f")._state.db == "replica"
        assert router.db_for_read(Area) == "default"
    finally:
        replica.unregister_report_model(RollupDelta)
    assert RollupDelta.objects.get(figure="f")._state.db == "default"


def test_migrations_never_run_on_the_replica(replica_alias):
    assert router.allow_migrate("replica", "core", model_name="rollup") is False
    assert router.allow_migrate("default", "core", model_name="rollup") is True


def test_without_a_replica_everything_reads_from_default(db, settings):
    settings.DATABASE_ROUTERS = ["gongzhi.core.db_router.ReplicaRouter"]
    assert not replica.replica_configured()
    with reading_replica():
        assert router.db_for_read(Area) == "default"
        assert report_read(Area.objects.all()).db == "default"


def test_settings_install_the_router_only_with_a_replica_url():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASE_ROUTERS, s.DATABASES.get('replica', {}).get('TEST'))"
    )
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    base["DJANGO_SETTINGS_MODULE"] = "gongzhi.settings"

    def run(env):
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    assert run(base) == "[] None"
    with_replica = run({**base, "DATABASE_REPLICA_URL": "postgres://reader@127.0.0.1:5432/gongzhi"})
    assert with_replica.startswith("['gongzhi.core.db_router.ReplicaRouter'] {'MIRROR': 'default'")
