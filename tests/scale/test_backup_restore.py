"""Backups: `gongzhi backup` and `gongzhi restore` round trips, on PostgreSQL through pg_dump/pg_restore."""

import sqlite3
import subprocess
import uuid
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from gongzhi.areas.actions import build_area
from gongzhi.core.management.commands.backup import pg_args
from gongzhi.core.models import RollupDelta
from gongzhi.people.models import Person

ID_NUMBER = "11010519491231002X"  # the standard's own example, valid check digit


def _records():
    city = build_area(name="上海市", kind="city", gb2260="310000")
    city.save()
    district = build_area(name="松江区", kind="district", parent=city, gb2260="310117")
    district.save()
    person = Person(name="张三", id_number=ID_NUMBER, phone="13800138000")
    person.set_area(district)
    person.save()
    for i in range(1, 4):
        RollupDelta.objects.create(area_id=district.pk, figure="scale.backup", period="2025-01", numerator=i)
    return city, district, person


@pytest.mark.pg_only
@pytest.mark.slow
def test_a_pg_dump_restores_into_a_fresh_database_with_its_rows(transactional_db, tmp_path):
    city, district, person = _records()
    dump = tmp_path / "gongzhi.dump"
    call_command("backup", output=str(dump))
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    db = connections["default"].settings_dict
    fresh = f"gz_restore_{uuid.uuid4().hex[:10]}"
    args, env = pg_args(db)
    subprocess.run(["createdb", *args, fresh], env=env, check=True, capture_output=True, timeout=60)
    try:
        auth = quote(db["USER"] or "", safe="") + (
            ":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else ""
        )
        url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{fresh}"
        call_command("restore", str(dump), into=url, yes=True)

        connections.settings["restored"] = {**db, "NAME": fresh}
        connections["restored"].connect()  # opened now: the test case lets only known aliases connect lazily
        try:
            names = dict(Person.objects.using("restored").values_list("pk", "name"))
            assert names == {person.pk: "张三"}
            # Encrypted personal data comes back readable with the same field keys (and only with them).
            assert Person.objects.using("restored").get(pk=person.pk).id_number == ID_NUMBER
            restored = Person.objects.using("restored").get(pk=person.pk)
            assert restored.area_path == district.path
            numerators = RollupDelta.objects.using("restored").filter(figure="scale.backup")
            assert sorted(int(n) for n in numerators.values_list("numerator", flat=True)) == [1, 2, 3]
            with connections["restored"].cursor() as cursor:
                cursor.execute("SELECT count(*) FROM django_migrations")
                assert cursor.fetchone()[0] > 10  # the schema's history came along: `migrate` is a no-op
        finally:
            connections["restored"].close()
            del connections["restored"]
            del connections.settings["restored"]
    finally:
        subprocess.run(["dropdb", "--force", "--if-exists", *args, fresh], env=env, check=False, timeout=60)


def test_an_sqlite_backup_restores_into_a_file_with_its_rows(transactional_db, tmp_path, settings):
    if settings.IS_POSTGRES:
        pytest.skip("the SQLite backup path; PostgreSQL is covered by the pg_dump test")
    _, district, person = _records()
    copy = tmp_path / "backup.sqlite3"
    call_command("backup", output=str(copy))
    target = tmp_path / "restored.sqlite3"
    call_command("restore", str(copy), into=str(target), yes=True)
    with sqlite3.connect(target) as conn:
        rows = conn.execute("SELECT name, area_path FROM people_person WHERE id = ?", (person.pk,)).fetchall()
        total = conn.execute(
            "SELECT sum(numerator) FROM core_rollupdelta WHERE figure = 'scale.backup'"
        ).fetchone()
    conn.close()
    assert rows == [("张三", district.path)]
    assert float(total[0]) == 6


def test_restore_refuses_without_yes(db, tmp_path):
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"PGDMP")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(dump), into=str(tmp_path / "y.sqlite3"))


def test_backup_refuses_to_overwrite_a_file(db, tmp_path):
    existing = tmp_path / "old.dump"
    existing.write_bytes(b"keep")
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", output=str(existing))
    assert existing.read_bytes() == b"keep"


def test_an_sqlite_file_is_copied_by_the_online_backup_while_open(tmp_path):
    from gongzhi.core.management.commands.backup import backup_sqlite

    live = tmp_path / "live.sqlite3"
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE t (x)")
    writer.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(1000)])
    writer.commit()  # the server keeps its connection open while the backup runs
    try:
        target = tmp_path / "copy.sqlite3"
        backup_sqlite({"NAME": str(live)}, target)
        with sqlite3.connect(target) as copy:
            assert copy.execute("SELECT count(*), sum(x) FROM t").fetchone() == (1000, 499500)
        copy.close()
    finally:
        writer.close()
