"""The one keyset paginator: ordered by a key plus the primary key, with signed, validated cursors.

No OFFSET, no COUNT(*): a page is one index range, so the thousandth page costs what the first does.
A cursor is the last row's key values, signed with the secret key and bound to the list's name and
ordering; a forged, stale or foreign cursor raises InvalidCursor (400 in the API, a message on pages).

NULLs in an ordering key are placed explicitly (last when ascending, first when descending) so that
SQLite and PostgreSQL agree and a descending list is exactly the ascending one reversed.
"""

import binascii
import datetime as dt
import decimal
import functools
import operator
import uuid
import zlib
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import FieldError, ValidationError
from django.db.models import F, Model, Q

SALT = "gongzhi.paging"
PK = "pk"


class InvalidCursor(ValueError):
    """A cursor that was not made by this list (forged, tampered with, or from another list)."""


# --- cursor values ------------------------------------------------------------------------------------
_ENCODERS = (
    (dt.datetime, "dt", dt.datetime.isoformat, dt.datetime.fromisoformat),
    (dt.date, "d", dt.date.isoformat, dt.date.fromisoformat),
    (dt.time, "t", dt.time.isoformat, dt.time.fromisoformat),
    (decimal.Decimal, "dec", str, decimal.Decimal),
    (uuid.UUID, "uuid", str, uuid.UUID),
)


def _encode(value):
    """A JSON-safe form of one key value (datetime before date: a datetime is a date)."""
    for kind, tag, dump, _load in _ENCODERS:
        if isinstance(value, kind):
            return {tag: dump(value)}
    return value


def _decode(value):
    if not isinstance(value, dict):
        return value
    for _kind, tag, _dump, load in _ENCODERS:
        if tag in value:
            try:
                return load(value[tag])
            except (ValueError, TypeError, ArithmeticError) as exc:
                raise InvalidCursor("bad cursor value") from exc
    raise InvalidCursor("bad cursor value")


@dataclass
class Page:
    items: list
    next_cursor: str | None
    has_next: bool


# --- the paginator --------------------------------------------------------------------------------------
class KeysetPaginator:
    """`ordering` like ("-created_at",): the primary key is always appended as the tie-breaker.

    The tie-breaker follows the direction of the first key (or of "id"/"-id" when that is the only key),
    so one composite index (key, id) serves the list.
    """

    def __init__(self, queryset, ordering=("id",), *, page_size=50, name=None, max_page_size=200):
        self.queryset = queryset
        ordering = list(ordering) or ["id"]
        fields = [o for o in ordering if o.lstrip("-") not in ("id", PK)]
        desc = (fields or ordering)[0].startswith("-")
        self.ordering = [*fields, f"-{PK}" if desc else PK]
        self.page_size = max(1, min(int(page_size), max_page_size))
        self.name = name or queryset.model._meta.label_lower

    def _context(self) -> str:
        return f"{self.name}|{','.join(self.ordering)}"

    # cursors
    def encode(self, row) -> str:
        """The signed cursor that continues after `row` (a model instance or a values() dict)."""
        values = [_encode(self._value(row, o.lstrip("-"))) for o in self.ordering]
        return signing.dumps({"c": self._context(), "v": values}, salt=SALT, compress=True)

    @staticmethod
    def _value(row, field):
        if isinstance(row, dict):
            return row.get("id", row.get(PK)) if field == PK else row[field]
        obj = row
        for part in field.split("__"):
            obj = getattr(obj, part) if obj is not None else None
        return obj.pk if isinstance(obj, Model) else obj  # ordering by a foreign key orders by its id

    def decode(self, cursor: str) -> list:
        """The key values inside a cursor made by this list; InvalidCursor for anything else."""
        try:
            payload = signing.loads(cursor, salt=SALT)
        except (signing.BadSignature, ValueError, TypeError, UnicodeError, binascii.Error, zlib.error) as exc:
            raise InvalidCursor("cursor is not valid") from exc
        if not isinstance(payload, dict) or payload.get("c") != self._context():
            raise InvalidCursor("cursor belongs to another list")
        values = payload.get("v")
        if not isinstance(values, list) or len(values) != len(self.ordering):
            raise InvalidCursor("cursor is not valid")
        return [_decode(v) for v in values]

    # the query
    def _nullable(self, field: str) -> bool:
        """Whether a key may be NULL (unknown names, e.g. annotations, are taken as nullable)."""
        if field == PK:
            return False
        model, nullable = self.queryset.model, False
        try:
            for part in field.split("__"):
                f = model._meta.get_field(part)
                nullable = nullable or f.null
                model = f.related_model or model
        except Exception:  # noqa: BLE001 - FieldDoesNotExist and friends: stay on the safe side
            return True
        return nullable

    def _order_by(self) -> list:
        """ORDER BY terms; NULLS placement only where a key can be NULL (so SQLite can use the index)."""
        exprs = []
        for order in self.ordering:
            field, desc = order.lstrip("-"), order.startswith("-")
            if not self._nullable(field):
                exprs.append(F(field).desc() if desc else F(field).asc())
            else:
                exprs.append(F(field).desc(nulls_first=True) if desc else F(field).asc(nulls_last=True))
        return exprs

    def _beyond(self, field: str, desc: bool, value) -> Q:
        """Rows strictly after `value` on one key (NULLs last ascending, first descending)."""
        if value is None:
            return Q(**{f"{field}__isnull": False}) if desc else Q(pk__in=[])
        if desc:
            return Q(**{f"{field}__lt": value})
        after = Q(**{f"{field}__gt": value})
        return after | Q(**{f"{field}__isnull": True}) if self._nullable(field) else after

    @staticmethod
    def _equal(field: str, value) -> Q:
        return Q(**{f"{field}__isnull": True}) if value is None else Q(**{field: value})

    def _after(self, values) -> Q:
        """Rows strictly after `values` in the ordering: (a > x) OR (a = x AND b > y) …"""
        terms = []
        for i, order in enumerate(self.ordering):
            field = order.lstrip("-")
            term = self._beyond(field, order.startswith("-"), values[i])
            for prev, prev_value in zip(self.ordering[:i], values[:i], strict=True):
                term &= self._equal(prev.lstrip("-"), prev_value)
            terms.append(term)
        return functools.reduce(operator.or_, terms)

    def page(self, cursor: str | None = None) -> Page:
        """One page of rows after `cursor` (the first page when it is empty)."""
        qs = self.queryset.order_by(*self._order_by())
        if cursor:
            values = self.decode(cursor)
            try:  # values are converted to the field types here
                qs = qs.filter(self._after(values))
            except (ValueError, TypeError, ValidationError, FieldError) as exc:
                raise InvalidCursor("cursor is not valid") from exc
        rows = list(qs[: self.page_size + 1])
        has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        return Page(rows, self.encode(rows[-1]) if has_next and rows else None, has_next)
