"""The one keyset paginator: ordered by a key plus id, with signed, validated cursors.

No OFFSET, no COUNT(*): a page is one index range, so the thousandth page costs what the first does.
A cursor is the last row's key values, signed with the secret key and bound to the list's name and
ordering; a forged, stale or foreign cursor raises InvalidCursor (400 in the API, a message on pages).
"""

import base64
import datetime as dt
import decimal
import json
from dataclasses import dataclass

from django.core import signing
from django.db.models import Q

SALT = "gongzhi.paging"


class InvalidCursor(ValueError):
    pass


def _encode(value):
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"dec": str(value)}
    return value


def _decode(value):
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        if "dec" in value:
            return decimal.Decimal(value["dec"])
        raise InvalidCursor("bad cursor value")
    return value


@dataclass
class Page:
    items: list
    next_cursor: str | None
    has_next: bool


class KeysetPaginator:
    """`ordering` like ("-created_at",): the primary key is always appended as the tie-breaker."""

    def __init__(self, queryset, ordering=("id",), *, page_size=50, name=None, max_page_size=200):
        self.queryset = queryset
        fields = [o for o in ordering if o.lstrip("-") not in ("id", "pk")]
        # The tie-breaker follows the direction of the first key, so one composite index serves both.
        desc = bool(fields) and fields[0].startswith("-")
        self.ordering = [*fields, "-id" if desc else "id"]
        self.page_size = max(1, min(int(page_size), max_page_size))
        self.name = name or queryset.model._meta.label_lower

    def _context(self):
        return f"{self.name}|{','.join(self.ordering)}"

    def encode(self, row) -> str:
        values = [_encode(self._value(row, o.lstrip("-"))) for o in self.ordering]
        payload = {"c": self._context(), "v": values}
        return signing.dumps(payload, salt=SALT, compress=True)

    @staticmethod
    def _value(row, field):
        obj = row
        for part in field.split("__"):
            obj = getattr(obj, part if part != "id" else "pk")
        return obj

    def decode(self, cursor: str) -> list:
        try:
            payload = signing.loads(cursor, salt=SALT)
        except (signing.BadSignature, ValueError, TypeError, UnicodeError, base64.binascii.Error) as exc:
            raise InvalidCursor("cursor is not valid") from exc
        if not isinstance(payload, dict) or payload.get("c") != self._context():
            raise InvalidCursor("cursor belongs to another list")
        values = payload.get("v")
        if not isinstance(values, list) or len(values) != len(self.ordering):
            raise InvalidCursor("cursor is not valid")
        return [_decode(v) for v in values]

    def _after(self, values) -> Q:
        """Rows strictly after `values` in the ordering: (a > x) OR (a = x AND b > y) …"""
        q = Q(pk__in=[])
        for i, order in enumerate(self.ordering):
            field = order.lstrip("-")
            op = "lt" if order.startswith("-") else "gt"
            term = Q(**{f"{field}__{op}": values[i]})
            for prev_order, prev_value in zip(self.ordering[:i], values[:i], strict=False):
                term &= Q(**{prev_order.lstrip("-"): prev_value})
            q |= term
        return q

    def page(self, cursor: str | None = None) -> Page:
        qs = self.queryset.order_by(*self.ordering)
        if cursor:
            values = self.decode(cursor)
            try:
                qs = qs.filter(self._after(values))
            except (ValueError, TypeError, json.JSONDecodeError) as exc:
                raise InvalidCursor("cursor is not valid") from exc
        rows = list(qs[: self.page_size + 1])
        has_next = len(rows) > self.page_size
        rows = rows[: self.page_size]
        return Page(rows, self.encode(rows[-1]) if has_next and rows else None, has_next)
