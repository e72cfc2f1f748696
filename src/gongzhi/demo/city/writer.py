"""The one bulk writer of the city data set: COPY on PostgreSQL, executemany in large batches on SQLite.

Rows are tuples of the columns a generator names (attnames, e.g. "area_id"); every other column
gets the model's default, prepared once. Ids are allocated here (`Writer.ids`) so generators can
link rows before they are written. On PostgreSQL the big tables' non-unique indexes and foreign
keys are dropped before loading and recreated afterwards (`without_indexes`), then the sequences
are reset (`reset_sequences`).
"""

import datetime as dt
import json
import time
from collections import defaultdict
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

BATCH = 50_000


_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _sqlite_datetime(value):
    # Django's SQLite adapter: aware → naive UTC, then str() (USE_TZ is on).
    return None if value is None else str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _sqlite_converter(field):
    """A fast SQLite adapter for the column, or None when the value goes in as it is."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return _sqlite_datetime
    if kind == "DateField":
        return lambda v: None if v is None else v.isoformat()
    if kind == "JSONField":
        return _json
    if kind == "UUIDField":
        return lambda v: None if v is None else v.hex
    if kind == "DecimalField":
        return lambda v: v if v is None or isinstance(v, int) else str(v)
    if kind in ("BooleanField", "CharField", "TextField", "SlugField", "EmailField", "URLField"):
        return None
    if kind.endswith("IntegerField") or kind in ("ForeignKey", "OneToOneField", "AutoField", "BigAutoField"):
        return None
    return lambda v, f=field: f.get_db_prep_save(v, connection)


class Sink:
    """Buffered rows of one model with a fixed column list; flushed by the writer."""

    def __init__(self, writer: "Writer", model, columns: tuple[str, ...]):
        self.writer, self.model, self.columns = writer, model, tuple(columns)
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in self.columns if c not in by_attname]
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {unknown}")
        given = [by_attname[c] for c in self.columns]
        rest = [f for f in model._meta.concrete_fields if f.attname not in self.columns]
        sample = model()
        self.constants = tuple(self._constant(f, sample) for f in rest)
        self.sql_columns = [f.column for f in given + rest]
        if writer.pg:
            self.convert = [(i, _json) for i, f in enumerate(given) if f.get_internal_type() == "JSONField"]
        else:
            self.convert = [(i, fn) for i, f in enumerate(given) if (fn := _sqlite_converter(f))]
        self.rows: list = []

    def _constant(self, field, sample):
        if field.primary_key:
            raise ValueError(f"{self.model.__name__}: the id column must be given")
        value = field.pre_save(sample, add=True)
        if field.get_internal_type() == "JSONField":
            return _json(value) if self.writer.pg else field.get_db_prep_save(value, connection)
        if field.get_internal_type() == "UUIDField" and not field.null:
            raise ValueError(f"{self.model.__name__}.{field.name} is unique: generate it")
        return field.get_db_prep_save(value, connection)

    def add(self, *row) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            rows, self.rows = self.rows, []
            self.writer._write(self, rows)


class Writer:
    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.sinks: dict = {}
        self.next: dict = {}
        self.rows: dict = defaultdict(int)
        self.seconds: dict = defaultdict(float)

    # --- ids ---------------------------------------------------------------------------------------
    def ids(self, model, n: int) -> range:
        """`n` fresh ids for `model`, after whatever the table already holds."""
        if model not in self.next:
            self.next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        start = self.next[model]
        self.next[model] = start + n
        return range(start, start + n)

    def id(self, model) -> int:
        return self.ids(model, 1)[0]

    # --- rows --------------------------------------------------------------------------------------
    def sink(self, model, columns) -> Sink:
        key = (model, tuple(columns))
        if key not in self.sinks:
            self.sinks[key] = Sink(self, model, columns)
        return self.sinks[key]

    def flush(self, model=None) -> None:
        for (m, _c), sink in self.sinks.items():
            if model is None or m is model:
                sink.flush()

    def _write(self, sink: Sink, rows: list) -> None:
        started = time.perf_counter()
        table = connection.ops.quote_name(sink.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in sink.sql_columns)
        constants = sink.constants
        if sink.convert:
            converted = []
            for row in rows:
                row = list(row)
                for i, fn in sink.convert:
                    row[i] = fn(row[i])
                converted.append(row)
            rows = converted
        with connection.cursor() as cursor:
            if self.pg:
                from psycopg.copy import QueuedLibpqWriter  # formats here while a thread sends

                sql = f"COPY {table} ({columns}) FROM STDIN"
                with cursor.cursor.copy(sql, writer=QueuedLibpqWriter(cursor.cursor)) as copy:
                    write = copy.write_row
                    for row in rows:
                        write((*row, *constants))
            else:
                marks = ", ".join(["%s"] * len(sink.sql_columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - names from the model
                    [(*row, *constants) for row in rows],
                )
        self.rows[sink.model] += len(rows)
        self.seconds[sink.model] += time.perf_counter() - started

    # --- PostgreSQL: indexes, foreign keys, sequences -----------------------------------------------
    @contextmanager
    def without_indexes(self, models, report=None):
        """Drop the models' non-unique indexes and foreign keys (PostgreSQL) while loading; recreate
        them afterwards (foreign keys are re-validated). A no-op on SQLite."""
        if not self.pg:
            yield
            return
        saved = []
        with connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                found = connection.introspection.get_constraints(cursor, table)
                for name, info in found.items():
                    if info["foreign_key"]:
                        cursor.execute(
                            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                            "WHERE conrelid = %s::regclass AND conname = %s",
                            [table, name],
                        )
                        definition = cursor.fetchone()[0]
                        saved.append((model, f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"))
                        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
                    elif info["index"] and not info["unique"] and not info["primary_key"]:
                        cursor.execute("SELECT pg_get_indexdef(%s::regclass)", [name])
                        saved.append((model, cursor.fetchone()[0]))
                        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        self.flush()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # Indexes first: validating a foreign key then finds them.
            for model, sql in sorted(saved, key=lambda s: "ADD CONSTRAINT" in s[1]):
                started = time.perf_counter()
                cursor.execute(sql)
                self.seconds[("index", model)] += time.perf_counter() - started

    def reset_sequences(self, models) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(models))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def analyze(self, models) -> None:
        if self.pg:
            with connection.cursor() as cursor:
                for model in models:
                    cursor.execute(f"ANALYZE {model._meta.db_table}")

    # --- report ------------------------------------------------------------------------------------
    def report(self) -> list[tuple[str, int, float, float]]:
        """(table, rows, seconds writing, seconds rebuilding indexes) for every table written."""
        out = []
        for model, n in self.rows.items():
            out.append(
                (model._meta.db_table, n, self.seconds[model], self.seconds.get(("index", model), 0.0))
            )
        return sorted(out, key=lambda r: -r[1])
