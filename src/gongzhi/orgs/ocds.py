"""Service contracts as an OCDS 1.1 release package, validated against the OCDS 1.1.5 schemas.

Each contract is one contracting process (ocid = prefix + "-sc-" + contract id) with one release
describing its latest state: the buyer (the street/town or district), the supplier (the social
organization, identified by its USCC), the award and the contract with its period, value, signing
date and status. Service indicators become contract milestones (target and reported value in the
description; met / partially met / not met / scheduled). The schemas are kept in orgs/data/ocds-1.1.5/
and the package schema's reference to the release schema's URL is resolved to the local file through a
`referencing` Registry, so validation never touches the network.
"""

import json
import os
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .models import ServiceContract

SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "ocds-1.1.5"
RELEASE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
PACKAGE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json"
DEFAULT_OCID_PREFIX = "ocds-gz0001"
USCC_SCHEME = "CN-USCC"  # identifiers are the organizations' unified social credit codes
BUYER_SCHEME = "CN-GB2260"  # buyers: the administrative division code of the street/town or district

CONTRACT_STATUS = {
    ServiceContract.State.DRAFT: "pending",
    ServiceContract.State.ACTIVE: "active",
    ServiceContract.State.COMPLETED: "terminated",  # OCDS: "terminated" = no longer in force, completed or not
    ServiceContract.State.TERMINATED: "terminated",
}


def ocid_prefix() -> str:
    """The registered ocid prefix (env GONGZHI_OCID_PREFIX, e.g. "ocds-gz0001")."""
    return os.environ.get("GONGZHI_OCID_PREFIX") or getattr(
        settings, "GONGZHI_OCID_PREFIX", DEFAULT_OCID_PREFIX
    )


def ocid_for(contract) -> str:
    return f"{ocid_prefix()}-sc-{contract.pk}"


def _amount(value) -> float | int:
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(value)


def _money(value) -> dict:
    return {"amount": _amount(value), "currency": "CNY"}


def _stamp(moment) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _day(date) -> str:
    """A date as the start of that day in Shanghai (OCDS dates are date-times)."""
    return f"{date.isoformat()}T00:00:00+08:00"


def _buyer(area) -> dict:
    code = area.code or f"area-{area.pk}"
    return {
        "id": f"{BUYER_SCHEME}-{code}",
        "name": area.name,
        "identifier": {"scheme": BUYER_SCHEME, "id": code, "legalName": area.name},
        "roles": ["buyer", "procuringEntity"],
    }


def _supplier(org) -> dict:
    party = {
        "id": f"{USCC_SCHEME}-{org.uscc}",
        "name": org.name,
        "identifier": {"scheme": USCC_SCHEME, "id": org.uscc, "legalName": org.name},
        "roles": ["supplier"],
    }
    if org.address:
        party["address"] = {"streetAddress": org.address, "countryName": "中国"}
    return party


def _milestone(indicator, contract, today) -> dict:
    target, reported = Decimal(indicator.target), indicator.reported
    unit = f" {indicator.unit}" if indicator.unit else ""
    text = f"target {_amount(target)}{unit}"
    if reported is None:
        status = (
            "notMet"
            if contract.state != ServiceContract.State.ACTIVE or contract.ends_on < today
            else "scheduled"
        )
    else:
        text += f"; reported {_amount(reported)}{unit}"
        status = "met" if reported >= target else "partiallyMet"
    row = {
        "id": f"indicator-{indicator.pk}",
        "title": indicator.name,
        "type": "delivery",
        "description": text,
        "dueDate": _day(contract.ends_on),
        "status": status,
    }
    if reported is not None and indicator.reported_on:
        row["dateModified"] = _day(indicator.reported_on)
        if status == "met":
            row["dateMet"] = _day(indicator.reported_on)
    return row


def release_for(contract, today=None) -> dict:
    today = today or timezone.localdate()
    ocid = ocid_for(contract)
    buyer, supplier = _buyer(contract.area), _supplier(contract.provider)
    ref_buyer = {"id": buyer["id"], "name": buyer["name"]}
    ref_supplier = {"id": supplier["id"], "name": supplier["name"]}
    description = contract.description or ""
    if contract.kind == ServiceContract.Kind.HOSTING:
        description = f"Hosting (托管) of {contract.centre_name}. {description}".strip()
    if contract.evaluation:
        description = f"{description} Evaluation: {contract.evaluation}. {contract.evaluation_note}".strip()
    award = {
        "id": f"{ocid}-award",
        "title": contract.title,
        "status": "pending" if contract.state == ServiceContract.State.DRAFT else "active",
        "value": _money(contract.budget),
        "suppliers": [ref_supplier],
        "contractPeriod": {"startDate": _day(contract.starts_on), "endDate": _day(contract.ends_on)},
    }
    if contract.signed_on:
        award["date"] = _day(contract.signed_on)
    body = {
        "id": f"{ocid}-contract",
        "awardID": award["id"],
        "title": contract.title,
        "description": description,
        "status": CONTRACT_STATUS[contract.state],
        "period": {"startDate": _day(contract.starts_on), "endDate": _day(contract.ends_on)},
        "value": _money(contract.budget),
        "items": [
            {
                "id": "1",
                "description": contract.centre_name or contract.title,
                "classification": {
                    "scheme": "CPV",
                    "id": "85300000" if contract.kind == ServiceContract.Kind.PURCHASE else "98000000",
                    "description": "Social work and related services"
                    if contract.kind == ServiceContract.Kind.PURCHASE
                    else "Other community, social and personal services",
                },
                "quantity": 1,
            }
        ],
        "milestones": [_milestone(i, contract, today) for i in contract.indicators.all()],
    }
    if contract.signed_on:
        body["dateSigned"] = _day(contract.signed_on)
    tag = ["contract"] if contract.state == ServiceContract.State.DRAFT else ["contract", "implementation"]
    if contract.state in {ServiceContract.State.COMPLETED, ServiceContract.State.TERMINATED}:
        tag = ["contractTermination"]
    return {
        "ocid": ocid,
        "id": f"{ocid}-{contract.updated_at.strftime('%Y%m%dT%H%M%S')}",
        "date": _stamp(contract.updated_at),
        "tag": tag,
        "initiationType": "tender",
        "language": "zh",
        "parties": [buyer, supplier],
        "buyer": ref_buyer,
        "tender": {
            "id": f"{ocid}-tender",
            "title": contract.title,
            "status": "complete",
            "procurementMethod": "limited",
            "mainProcurementCategory": "services",
            "value": _money(contract.budget),
            "procuringEntity": ref_buyer,
        },
        "awards": [award],
        "contracts": [body],
    }


def release_package(contracts, *, uri: str | None = None, publisher: str = "Gongzhi") -> dict:
    """A release package of the contracts (an iterable of ServiceContract with area and provider)."""
    contracts = list(contracts)
    now = timezone.now()
    latest = max((c.updated_at for c in contracts), default=now)
    base = getattr(settings, "GONGZHI_BASE_URL", "") or ""
    return {
        "uri": uri
        or (f"{base}/orgs/programs/contracts/ocds.json" if base else f"urn:gongzhi:ocds:{ocid_prefix()}"),
        "version": "1.1",
        "publishedDate": _stamp(latest),
        "publisher": {"name": str(publisher), "scheme": None, "uid": None},
        "releases": [release_for(c) for c in contracts],
    }


@cache
def _schemas():
    package = json.loads((SCHEMA_DIR / "release-package-schema.json").read_text(encoding="utf-8"))
    release = json.loads((SCHEMA_DIR / "release-schema.json").read_text(encoding="utf-8"))
    return package, release


def validator():
    """A Draft 4 validator of release packages whose release-schema URL resolves to the local copy."""
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    package, release = _schemas()
    registry = Registry().with_resources(
        [
            (RELEASE_URL, Resource.from_contents(release, default_specification=DRAFT4)),
            (PACKAGE_URL, Resource.from_contents(package, default_specification=DRAFT4)),
        ]
    )
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


def validation_errors(package: dict) -> list[str]:
    """Every schema error as "path: message"; empty when the package is valid."""
    return [
        f"{'/'.join(str(p) for p in err.absolute_path) or '(root)'}: {err.message}"
        for err in sorted(validator().iter_errors(package), key=lambda e: list(map(str, e.absolute_path)))
    ]


def dumps(package: dict) -> str:
    return json.dumps(package, ensure_ascii=False, indent=2)
