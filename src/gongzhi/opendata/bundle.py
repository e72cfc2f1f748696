"""Build the open-data bundle: a ZIP of CSV + JSON per dataset, the OCDS contracts and a data dictionary.

The ZIP is written to a temporary file row by row (each dataset's rows streamed from the read
alias, twice: once as CSV, once as JSON), then stored in the default storage under `opendata/`; a
`Publication` row records it. Only the newest KEEP files are kept.
"""

import csv
import datetime as dt
import hashlib
import io
import json
import tempfile
import zipfile

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.core.replica import report_read

from .datasets import MIN_CELL, Dataset, all_datasets
from .models import Publication

KEEP = 3
PREFIX = "opendata/"
CONTRACTS_FILE = "contracts-ocds.json"
CONTRACT_STATES = ("active", "completed", "terminated")  # drafts are not public yet


def _json_value(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


def _write_csv(zf: zipfile.ZipFile, ds: Dataset) -> int:
    count = 0
    with zf.open(f"{ds.name}.csv", "w") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow([c.name for c in ds.columns])
        for row in ds.rows():
            writer.writerow(row)
            count += 1
        text.flush()
        text.detach()
    return count


def _write_json(zf: zipfile.ZipFile, ds: Dataset) -> None:
    names = [c.name for c in ds.columns]
    with zf.open(f"{ds.name}.json", "w") as raw:
        raw.write(b"[")
        first = True
        for row in ds.rows():
            item = {k: _json_value(v) for k, v in zip(names, row, strict=True)}
            raw.write((b"" if first else b",") + b"\n" + json.dumps(item, ensure_ascii=False).encode())
            first = False
        raw.write(b"\n]\n")


def _contracts() -> dict | None:
    from gongzhi.orgs import ocds
    from gongzhi.orgs.models import ServiceContract

    contracts = list(
        report_read(ServiceContract.objects.filter(state__in=CONTRACT_STATES))
        .select_related("area", "provider")
        .prefetch_related("indicators")
        .order_by("id")
    )
    if not contracts:  # a release package holds at least one release
        return None
    base = (getattr(settings, "GONGZHI_BASE_URL", "") or "").rstrip("/")
    uri = f"{base}/open-data/{CONTRACTS_FILE}" if base else None
    return ocds.release_package(contracts, uri=uri)


def _dictionary(datasets: list[Dataset], counts: dict, generated_at, has_contracts: bool) -> dict:
    resources = [
        {
            "name": ds.name,
            "title": str(ds.title),
            "description": str(ds.description),
            "path": [f"{ds.name}.csv", f"{ds.name}.json"],
            "format": "csv",
            "encoding": "utf-8-sig",
            "rows": counts[ds.name],
            "schema": {
                "fields": [
                    {"name": c.name, "type": c.type, "description": str(c.description)} for c in ds.columns
                ]
            },
        }
        for ds in datasets
    ]
    if has_contracts:
        resources.append(
            {
                "name": "contracts",
                "title": _("Service contracts (OCDS)"),
                "description": _(
                    "Contracts for the purchase of services and the hosting of centres, in force or done, as an "
                    "Open Contracting Data Standard 1.1 release package."
                ),
                "path": CONTRACTS_FILE,
                "format": "json",
                "rows": counts.get("contracts", 0),
            }
        )
    return {
        "name": "gongzhi-open-data",
        "title": _("Gongzhi open data"),
        "created": generated_at.isoformat(),
        "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
        "description": _(
            "Public data of grassroots social governance. No personal data: no names of residents or members, "
            "no ID numbers, no phone numbers. Case figures based on fewer than %(min)s cases are left empty."
        )
        % {"min": MIN_CELL},
        "resources": resources,
    }


def _dictionary_csv(dictionary: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("dataset"), _("column"), _("type"), _("description")])
    for res in dictionary["resources"]:
        for f in res.get("schema", {}).get("fields", []):
            writer.writerow([res["name"], f["name"], f["type"], f["description"]])
    return out.getvalue().encode("utf-8-sig")


def build(*, requested_by=None, language: str | None = None, now=None) -> Publication:
    """Generate the bundle from the records now; store it and record the publication."""
    now = now or timezone.now()
    with translation.override(language or settings.LANGUAGE_CODE):
        datasets = all_datasets()
        counts: dict[str, int] = {}
        with tempfile.TemporaryFile() as tmp:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for ds in datasets:
                    counts[ds.name] = _write_csv(zf, ds)
                    _write_json(zf, ds)
                package = _contracts()
                if package is not None:
                    counts["contracts"] = len(package["releases"])
                    zf.writestr(CONTRACTS_FILE, json.dumps(package, ensure_ascii=False, indent=1))
                dictionary = _dictionary(datasets, counts, now, package is not None)
                zf.writestr("datapackage.json", json.dumps(dictionary, ensure_ascii=False, indent=1))
                zf.writestr("data-dictionary.csv", _dictionary_csv(dictionary))
            tmp.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: tmp.read(1 << 20), b""):
                digest.update(chunk)
            size = tmp.tell()
            tmp.seek(0)
            stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
            name = default_storage.save(f"{PREFIX}gongzhi-open-data-{stamp}.zip", File(tmp))
    publication = Publication.objects.create(
        generated_at=now,
        file_name=name,
        size_bytes=size,
        sha256=digest.hexdigest(),
        row_counts=counts,
        requested_by=requested_by,
    )
    for old in Publication.objects.order_by("-generated_at", "-id")[KEEP:]:
        default_storage.delete(old.file_name)
        old.delete()
    return publication


def latest() -> Publication | None:
    return Publication.objects.order_by("-generated_at", "-id").first()
