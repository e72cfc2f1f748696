"""Exports of any list to CSV or XLSX, streamed, with personal data masked by default.

A view builds the scoped queryset it would show, a column spec (`ExportColumn` or `columns_for`), and
returns `export_response(...)`. CSV streams row by row (UTF-8 with a BOM so Excel reads Chinese);
XLSX is written by xlsxwriter in constant-memory mode to a temporary file, then streamed from disk.
Encrypted personal-data fields (ID numbers, phones) are masked through `pii.mask` unless the caller
passes `unmasked=True` after its own permission check — and that is then an audit event.
"""

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from . import audit, pii

CHUNK = 2000


@dataclass(frozen=True)
class ExportColumn:
    header: str
    source: str | Callable  # "field" or "relation__field", or a callable taking the object
    pii_kind: str | None = None  # pii.ID_NUMBER / pii.PHONE: masked unless unmasked


def _resolve(obj, source):
    if callable(source):
        return source(obj)
    value = obj
    for part in source.split("__"):
        if value is None:
            return None
        display = getattr(value, f"get_{part}_display", None)
        value = display() if display is not None else getattr(value, part)
    return value


def columns_for(model, fields: Iterable[str]) -> list[ExportColumn]:
    """Columns from model fields with their verbose names; encrypted fields are marked as personal data."""
    columns = []
    for name in fields:
        f = model._meta.get_field(name)
        kind = f.kind if isinstance(f, pii.EncryptedPIIField) else None
        columns.append(ExportColumn(str(f.verbose_name), name, kind))
    return columns


def _value(obj, column: ExportColumn, unmasked: bool):
    value = _resolve(obj, column.source)
    if column.pii_kind and not unmasked:
        return pii.mask(column.pii_kind, value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def iter_rows(queryset, columns: list[ExportColumn], *, unmasked: bool = False):
    for obj in queryset.iterator(chunk_size=CHUNK):
        yield [_value(obj, c, unmasked) for c in columns]


class _Echo:
    def write(self, value):
        return value


def csv_chunks(queryset, columns, *, unmasked=False):
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([c.header for c in columns])
    for row in iter_rows(queryset, columns, unmasked=unmasked):
        yield writer.writerow([_text(v) for v in row])


def write_xlsx(target, queryset, columns, *, unmasked=False, sheet_name="data") -> None:
    """Write to a path or binary file; constant memory: rows are flushed as they are written."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    time_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet = workbook.add_worksheet(sheet_name[:31])
    sheet.write_row(0, 0, [c.header for c in columns], bold)
    for i, row in enumerate(iter_rows(queryset, columns, unmasked=unmasked), start=1):
        for j, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                sheet.write_datetime(i, j, value, time_format)
            elif isinstance(value, dt.date):
                sheet.write_datetime(i, j, value, date_format)
            elif isinstance(value, bool):
                sheet.write_string(i, j, _text(value))
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(i, j, float(value))
            else:
                sheet.write_string(i, j, str(value))  # never a formula: cells starting "=" stay text
    sheet.set_column(0, max(len(columns) - 1, 0), 16)
    workbook.close()


def export_response(queryset, columns, *, fmt: str, filename: str, actor=None, unmasked: bool = False):
    """A streamed download of the queryset as `fmt` ("csv" or "xlsx"); unmasking is audited.

    Exports read from the replica when one is configured (DESIGN.md "Scale path").
    """
    from .replica import report_read

    queryset = report_read(queryset)
    if unmasked:
        audit.record(
            actor,
            "pii.unmasked",
            None,
            details={"export": filename, "model": queryset.model._meta.label_lower},
        )
    if fmt == "xlsx":
        handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
        write_xlsx(handle, queryset, columns, unmasked=unmasked)
        handle.seek(0)
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{filename}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    if fmt != "csv":
        raise ValueError(f"unknown export format {fmt!r}")
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in csv_chunks(queryset, columns, unmasked=unmasked)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}.csv"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
