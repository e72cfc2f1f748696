"""The import framework: read XLSX/CSV, map Chinese or English headers, validate every row, write all or nothing.

An app declares an `Importer` subclass (its columns, how a row becomes objects, how a batch is written)
and calls `register_importer(cls)`. `run()` imports a file at once (the CLI); the upload page queues it as a
task (`import_jobs.start`); both record an `ImportJob` and go through `process()`, which refuses unreadable
files with a clear message, reports every bad row, and writes nothing unless every row is good. Writes use bulk_create and audit.record_bulk inside one transaction.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from gongzhi.accounts.roles import AREA_STAFF_ROLES, Role

from . import audit, events, policy
from .strings import has_control_chars

IMPORT = policy.register("core.import", [*AREA_STAFF_ROLES, Role.REGISTRY_OFFICER])

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
ERROR_HEADER = "错误 / errors"
ROW_HEADER = "行号 / row"


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a workbook, unknown encoding, no header, too large)."""


# --- columns and value parsers -----------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    key: str
    zh: str  # the Chinese header, as it appears in files (not translated: it is the file format)
    en: str  # the English header
    required: bool = False
    parser: Callable[[str], object] | None = None
    help: object = ""  # shown on the template's help sheet

    @property
    def header(self) -> str:
        return f"{self.zh}/{self.en}"

    def names(self) -> set[str]:
        return {
            _norm(n)
            for n in (self.zh, self.en, self.header, f"{self.zh}({self.en})", f"{self.zh}（{self.en}）")
        }


def _norm(header: str) -> str:
    return re.sub(r"[\s*＊:：]", "", str(header)).lower()


def text(max_length: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if has_control_chars(value):
            raise ValidationError(_("Text must not contain NUL or other control characters."))
        if len(value) > max_length:
            raise ValidationError(
                _("At most %(n)d characters (this has %(len)d).") % {"n": max_length, "len": len(value)}
            )
        return value

    return parse


_DATE_RE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$")


def parse_date(value: str) -> dt.date:
    match = _DATE_RE.match(value) or re.match(r"^(\d{4})(\d{2})(\d{2})$", value)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise ValidationError(_("Not a date: write it as 2024-03-15."))


_TRUE = {"1", "true", "yes", "y", "是", "有", "√", "x"}
_FALSE = {"0", "false", "no", "n", "否", "无", "不"}


def parse_bool(value: str) -> bool:
    low = value.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValidationError(_("Write 是 or 否 (yes or no)."))


def parse_decimal(value: str) -> Decimal:
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        raise ValidationError(_("Not a number.")) from None
    if not number.is_finite() or number < 0:
        raise ValidationError(_("Not a number.")) from None
    return number


def choice(synonyms: dict[str, str]) -> Callable[[str], str]:
    """A parser accepting any of the given words (values, Chinese and English labels) for a choice."""
    table = {_norm(k): v for k, v in synonyms.items()}

    def parse(value: str) -> str:
        try:
            return table[_norm(value)]
        except KeyError:
            shown = "、".join(sorted({k for k in synonyms if not k.isascii()})[:12]) or ", ".join(
                sorted(synonyms)[:12]
            )
            raise ValidationError(_("Not one of: %(choices)s.") % {"choices": shown}) from None

    return parse


def choice_synonyms(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Values, English labels and Chinese labels of a TextChoices class, plus extra words."""
    from django.utils import translation

    table: dict[str, str] = {}
    for value, label in choices.choices:
        table[value] = value
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                table[str(label)] = value
    table.update(extra or {})
    return table


# --- reading files -----------------------------------------------------------------------------------
def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        # Spreadsheet numbers: 301.0 is the room "301"; long digit strings should be typed as text.
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several types (CalamineError, ZipError, XmlError …)
        raise ImportFileError(
            _(
                "The file is not a readable Excel workbook. Open it in Excel or WPS and save it "
                "again as .xlsx, or save it as CSV."
            )
        ) from exc
    return [[_cell(v) for v in row] for row in rows]


def _decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]  # Excel's "Unicode text" carries a byte-order mark
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            decoded = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not has_control_chars(decoded):
            return decoded
    raise ImportFileError(
        _(
            "The file is not text in a known encoding. Save it as CSV in UTF-8 or GB18030 "
            "(Excel: “CSV UTF-8”), or upload the .xlsx workbook."
        )
    )


def _read_csv(data: bytes) -> list[list[str]]:
    decoded = _decode_text(data)
    first_line = decoded.split("\n", 1)[0]
    delimiter = max(",\t;|", key=first_line.count) if first_line else ","
    if first_line and first_line.count(delimiter) == 0:
        delimiter = ","
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(decoded), delimiter=delimiter)]
    except csv.Error as exc:
        raise ImportFileError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc


def read_table(data: bytes, name: str) -> list[list[str]]:
    """Rows of cell strings from XLSX bytes or CSV bytes; ImportFileError with a clear message otherwise."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is too large (limit: %(mb)d MB).") % {"mb": MAX_BYTES // 2**20})
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    looks_binary = data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))
    if name.lower().endswith(XLSX_SUFFIXES) or looks_binary:
        return _read_xlsx(data)
    return _read_csv(data)


def parse_file(uploaded) -> list[list[str]]:
    """Read an uploaded file (anything with .read() and .name)."""
    data = uploaded.read(MAX_BYTES + 1)
    return read_table(data, getattr(uploaded, "name", "") or "")


# --- importers ---------------------------------------------------------------------------------------
@dataclass
class Row:
    number: int  # the row number a spreadsheet shows (the header is row 1)
    values: dict = field(default_factory=dict)
    prepared: object = None


class Importer:
    """Subclass: set kind, label, capability, columns; implement validate_row and write."""

    kind: str = ""
    label = ""
    do_not_call_in_templates = True  # templates list importer classes
    capability: str = IMPORT
    columns: list[Column] = []

    def __init__(self, actor):
        self.actor = actor
        self.areas: dict[str, object] = {}  # path → area touched, for the job's scope
        self._allowed: dict[tuple, bool] = {}

    def validate_row(self, row: Row):
        """Return what `write` needs for this row, or raise ValidationError({column key: message})."""
        raise NotImplementedError

    def check_rows(self, rows: list[Row]) -> list[tuple[int, str, str]]:
        """Database checks in bulk (already recorded, unknown references) for rows that passed on their own."""
        return []

    def write(self, rows: list[Row]) -> int:
        """Write every prepared row in bulk (inside the caller's transaction); return the count."""
        raise NotImplementedError

    # helpers for subclasses
    def require_area(self, area, capability: str | None = None, column: str = "area") -> None:
        """A row outside the actor's scope is a row error, not a 403 for the whole file."""
        key = (area.path, capability or self.capability)
        if key not in self._allowed:
            self._allowed[key] = policy.can(self.actor, capability or self.capability, area=area)
        if not self._allowed[key]:
            raise ValidationError({column: _("You may not import into the area %(area)s.") % {"area": area}})
        self.areas[area.path] = area

    def scope_area_id(self):
        """The nearest area containing every row's area (None if the rows span the whole tree)."""
        from gongzhi.areas import paths
        from gongzhi.areas.models import Area

        if not self.areas:
            return None
        keys = sorted(self.areas)
        first, last = keys[0], keys[-1]
        n = 0
        while n < min(len(first), len(last)) and first[n] == last[n]:
            n += 1
        common = first[: n - n % paths.SEGMENT]
        if not common:
            return None
        area = self.areas.get(common)
        if area is not None and area.pk:
            return area.pk
        return Area.objects.filter(path=common).values_list("pk", flat=True).first()

    @classmethod
    def headers(cls) -> list[str]:
        return [c.header for c in cls.columns]


REGISTRY: dict[str, type[Importer]] = {}
_discovered = False


def register_importer(cls: type[Importer]) -> type[Importer]:
    """Apps call this (usually as a class decorator) in their `importers` module."""
    REGISTRY[cls.kind] = cls
    return cls


def importers() -> dict[str, type[Importer]]:
    global _discovered
    if not _discovered:
        autodiscover_modules("importers")  # every installed app's `importers` module
        _discovered = True
    return REGISTRY


def get_importer(kind: str) -> type[Importer]:
    try:
        return importers()[kind]
    except KeyError:
        raise ValidationError({"kind": _("There is no importer called %(kind)s.") % {"kind": kind}}) from None


def available_importers(user) -> list[type[Importer]]:
    return [cls for _k, cls in sorted(importers().items()) if policy.can(user, cls.capability)]


# --- checking a table --------------------------------------------------------------------------------
def _map_headers(importer_cls, header_row: list[str]) -> tuple[dict[int, Column], list[dict]]:
    by_name = {}
    for column in importer_cls.columns:
        for name in column.names():
            by_name[name] = column
    mapping: dict[int, Column] = {}
    seen: dict[str, int] = {}
    errors = []
    for index, header in enumerate(header_row):
        column = by_name.get(_norm(header)) if header else None
        if column is None:
            continue  # unknown columns (notes, the error column of a report) are ignored
        if column.key in seen:
            errors.append({"row": 1, "column": header, "message": _("This column appears twice.")})
            continue
        seen[column.key] = index
        mapping[index] = column
    missing = [c for c in importer_cls.columns if c.required and c.key not in seen]
    if missing and not mapping:
        errors.append(
            {
                "row": 1,
                "column": "",
                "message": _(
                    "The first row does not hold any of the expected headers (%(headers)s). Download the "
                    "template, or check that the file is UTF-8 or GB18030 text."
                )
                % {"headers": "、".join(c.zh for c in importer_cls.columns)},
            }
        )
    else:
        for column in missing:
            errors.append(
                {"row": 1, "column": column.header, "message": _("This required column is missing.")}
            )
    return mapping, errors


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"": [str(m) for m in exc.messages]}


def check_table(importer: Importer, table: list[list[str]]) -> tuple[list[Row], list[dict]]:
    """Parse and validate every row; return (rows, errors). Nothing is written here."""
    cls = type(importer)
    if not table:
        return [], [{"row": 0, "column": "", "message": _("The file is empty.")}]
    mapping, errors = _map_headers(cls, table[0])
    if errors:
        return [], errors
    header_of = {c.key: c.header for c in cls.columns}
    rows: list[Row] = []
    data_rows = [(i + 2, cells) for i, cells in enumerate(table[1:]) if any(c for c in cells)]
    if len(data_rows) > MAX_ROWS:
        return [], [{"row": 0, "column": "", "message": _("At most %(n)d rows per file.") % {"n": MAX_ROWS}}]
    if not data_rows:
        return [], [{"row": 0, "column": "", "message": _("The file has headers but no rows.")}]
    for number, cells in data_rows:
        row = Row(number)
        row_errors = []
        for index, column in mapping.items():
            raw = cells[index].strip() if index < len(cells) else ""
            if not raw:
                if column.required:
                    row_errors.append((column.key, _("This column is required.")))
                row.values[column.key] = None
                continue
            try:
                row.values[column.key] = column.parser(raw) if column.parser else raw
            except (ValidationError, ValueError) as exc:
                msgs = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                row_errors.extend((column.key, str(m)) for m in msgs)
        for column in cls.columns:
            row.values.setdefault(column.key, None)
        if not row_errors:
            try:
                row.prepared = importer.validate_row(row)
            except ValidationError as exc:
                row_errors.extend((k, m) for k, ms in _messages(exc).items() for m in ms)
            except PermissionDenied:
                row_errors.append(("", _("You may not import this row.")))
        errors.extend({"row": number, "column": header_of.get(k, ""), "message": m} for k, m in row_errors)
        rows.append(row)
    # Database and cross-row checks for the rows that passed on their own, so one report holds every error.
    good = [r for r in rows if r.prepared is not None]
    for number, key, message in importer.check_rows(good) if good else []:
        errors.append({"row": number, "column": header_of.get(key, ""), "message": str(message)})
    errors.sort(key=lambda e: e["row"])
    return rows, errors


# --- running a job -----------------------------------------------------------------------------------
def stored_file_name(job) -> str:
    suffix = ".xlsx" if job.file_name.lower().endswith(XLSX_SUFFIXES) else ".csv"
    return f"imports/job-{job.pk}{suffix}"


def _fail(job, errors, data: bytes | None = None):
    job.status = job.Status.FAILED
    job.errors = errors
    job.rows_written = 0
    job.save(update_fields=["status", "errors", "rows_total", "rows_written", "scope_area_id"])
    if data is not None:
        # Kept so the error report can show the original rows; removed by delete_stored_file().
        name = stored_file_name(job)
        if default_storage.exists(name):
            default_storage.delete(name)
        default_storage.save(name, ContentFile(data))
    return job


def run(kind: str, uploaded, *, actor, dry_run: bool = False, file_name: str | None = None):
    """Import one file: returns the ImportJob (status failed/checked/imported, errors per row)."""
    from .models import ImportJob

    importer_cls = get_importer(kind)
    policy.require(actor, IMPORT)
    policy.require(actor, importer_cls.capability)
    name = (file_name or getattr(uploaded, "name", "") or "upload")[-200:]
    job = ImportJob.objects.create(
        kind=kind, created_by=actor if getattr(actor, "pk", None) else None, file_name=name, dry_run=dry_run
    )
    data = uploaded.read(MAX_BYTES + 1) if hasattr(uploaded, "read") else bytes(uploaded)
    return process(job, data, actor)


def process(job, data: bytes, actor):
    """Check every row of the file, then write all rows in one transaction or none; returns the job."""
    from .models import ImportJob

    kind, name, dry_run = job.kind, job.file_name, job.dry_run
    importer_cls = get_importer(kind)
    try:
        table = read_table(data, name)
    except ImportFileError as exc:
        return _fail(job, [{"row": 0, "column": "", "message": str(exc)}])
    importer = importer_cls(actor)
    rows, errors = check_table(importer, table)
    job.rows_total = len(rows)
    job.scope_area_id = importer.scope_area_id()
    if errors:
        return _fail(job, errors, data if rows else None)
    if dry_run:
        job.status = ImportJob.Status.CHECKED
        job.save(update_fields=["status", "rows_total", "scope_area_id"])
        return job
    try:
        with transaction.atomic(), audit.audit_group():
            written = importer.write(rows)
            job.status = ImportJob.Status.IMPORTED
            job.rows_written = written
            job.save(update_fields=["status", "rows_total", "rows_written", "scope_area_id"])
            audit.record(
                actor,
                "import.completed",
                job,
                area=importer.areas.get(min(importer.areas, key=len)) if importer.areas else None,
                details={"kind": kind, "rows": written, "file": name},
            )
            events.publish("import.completed", kind=kind, job_id=job.pk)
    except (DatabaseError, ValidationError) as exc:
        # A conflicting change committed between the check and the write: still nothing is written.
        message = _("Nothing was written: the data changed while the file was being imported (%(error)s).")
        return _fail(job, [{"row": 0, "column": "", "message": message % {"error": exc}}])
    return job


def delete_stored_file(job) -> None:
    name = stored_file_name(job)
    if default_storage.exists(name):
        default_storage.delete(name)


# --- reports and templates ---------------------------------------------------------------------------
def _workbook(buffer):
    import xlsxwriter

    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    bold = workbook.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    return workbook, bold


def error_report(job) -> bytes:
    """XLSX: the original rows with an error column (re-importable once fixed), and a list of errors."""
    buffer = io.BytesIO()
    workbook, bold = _workbook(buffer)
    bad = workbook.add_format({"bg_color": "#F8D7DA"})
    by_row: dict[int, list[str]] = {}
    for e in job.errors:
        by_row.setdefault(e["row"], []).append(
            f"{e['column']}: {e['message']}" if e["column"] else e["message"]
        )
    table = None
    name = stored_file_name(job)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as f:
            try:
                table = read_table(f.read(), name)
            except ImportFileError:
                table = None
    if table:
        sheet = workbook.add_worksheet(_("Rows"))
        header = table[0]
        sheet.write_row(0, 0, [ROW_HEADER, *header, ERROR_HEADER], bold)
        for i, cells in enumerate(table[1:], start=1):
            messages = by_row.get(i + 1)
            if not messages and not any(cells):
                continue
            sheet.write_string(i, 0, str(i + 1), bad if messages else None)
            for j, value in enumerate(cells, start=1):
                sheet.write_string(i, j, value, bad if messages else None)
            if messages:
                sheet.write_string(i, len(header) + 1, "；".join(messages), bad)
        sheet.freeze_panes(1, 0)
        sheet.set_column(len(header) + 1, len(header) + 1, 60)
    listing = workbook.add_worksheet(_("Errors"))
    listing.write_row(0, 0, [ROW_HEADER, "列 / column", "错误 / message"], bold)
    for i, e in enumerate(job.errors, start=1):
        listing.write_number(i, 0, e["row"])
        listing.write_string(i, 1, e["column"])
        listing.write_string(i, 2, e["message"])
    listing.set_column(1, 1, 20)
    listing.set_column(2, 2, 80)
    workbook.close()
    return buffer.getvalue()


def template(kind: str) -> bytes:
    """XLSX with both headers (中文/English) on the first sheet and a help sheet describing each column."""
    cls = get_importer(kind)
    buffer = io.BytesIO()
    workbook, bold = _workbook(buffer)
    text_format = workbook.add_format({"num_format": "@"})  # keep ID numbers and codes as text
    sheet = workbook.add_worksheet(str(cls.label)[:31] or kind)
    sheet.write_row(0, 0, cls.headers(), bold)
    sheet.set_column(0, len(cls.columns) - 1, 18, text_format)
    sheet.freeze_panes(1, 0)
    help_sheet = workbook.add_worksheet(_("Help"))
    help_sheet.write_row(0, 0, [_("Header"), _("Required"), _("Description")], bold)
    for i, column in enumerate(cls.columns, start=1):
        help_sheet.write_row(i, 0, [column.header, _("yes") if column.required else "", str(column.help)])
    help_sheet.set_column(0, 0, 24)
    help_sheet.set_column(2, 2, 80)
    workbook.close()
    return buffer.getvalue()
