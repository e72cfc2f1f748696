"""Service contracts exported as an OCDS 1.1 release package that validates against the OCDS 1.1.5
schemas kept in ../shared/data/ocds-1.1.5/ (Draft 4; the release schema's URL mapped to the local file)."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from gongzhi.orgs import ocds
from gongzhi.orgs.actions import contracts as C

pytestmark = pytest.mark.django_db
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "ocds-1.1.5"
# The app's copy of the same schemas: what a clone outside the workspace (CI, a newcomer) validates with.
VENDORED = Path(__file__).resolve().parents[2] / "src" / "gongzhi" / "orgs" / "data" / "ocds-1.1.5"
SCHEMAS = SHARED if SHARED.is_dir() else VENDORED


def shared_validator():
    package = json.loads((SCHEMAS / "release-package-schema.json").read_text())
    release = json.loads((SCHEMAS / "release-schema.json").read_text())
    registry = Registry().with_resource(
        ocds.RELEASE_URL, Resource.from_contents(release, default_specification=DRAFT4)
    )
    return Draft4Validator(package, registry=registry, format_checker=FormatChecker())


@pytest.fixture
def contracts(tree, street_admin, org, org_staff):
    hosting = C.create_contract(
        actor=street_admin,
        area=tree["fangsong"],
        kind="hosting",
        title="方松社区睦邻中心托管",
        provider=org,
        centre_name="方松社区睦邻中心",
        budget=Decimal("860000.50"),
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2024, 12, 31),
        indicators=[
            {"name": "服务人次", "unit": "人次", "target": 12000},
            {"name": "志愿者培训", "unit": "场", "target": 12},
        ],
    )
    C.sign_contract(actor=street_admin, contract=hosting, signed_on=dt.date(2023, 12, 15))
    C.report_indicator(
        actor=org_staff,
        indicator=hosting.indicators.get(name="服务人次"),
        reported=12500,
        reported_on=dt.date(2024, 12, 1),
    )
    purchase = C.create_contract(
        actor=street_admin,
        area=tree["fangsong"],
        kind="purchase",
        title="青少年社工服务购买",
        provider=org,
        budget=300000,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    return [hosting, purchase]


def test_package_validates_against_the_shared_ocds_schemas(contracts):
    package = ocds.release_package(contracts)
    errors = list(shared_validator().iter_errors(package))
    assert errors == [], [e.message for e in errors]
    assert ocds.validation_errors(package) == []  # the packaged copy agrees


def test_releases_carry_buyer_supplier_values_periods_and_indicators(contracts, org, monkeypatch):
    monkeypatch.setenv("GONGZHI_OCID_PREFIX", "ocds-gz0042")
    package = ocds.release_package(contracts)
    hosting = package["releases"][0]
    assert hosting["ocid"] == f"ocds-gz0042-sc-{contracts[0].pk}"
    assert hosting["buyer"]["name"] == "方松街道"
    supplier = next(p for p in hosting["parties"] if "supplier" in p["roles"])
    assert supplier["identifier"] == {"scheme": "CN-USCC", "id": org.uscc, "legalName": org.name}
    contract = hosting["contracts"][0]
    assert contract["value"] == {"amount": 860000.5, "currency": "CNY"}
    assert contract["status"] == "active" and contract["dateSigned"].startswith("2023-12-15")
    assert [m["status"] for m in contract["milestones"]] == ["met", "notMet"]
    assert package["releases"][1]["contracts"][0]["status"] == "pending"


def test_the_default_ocid_prefix_looks_registered(monkeypatch):
    monkeypatch.delenv("GONGZHI_OCID_PREFIX", raising=False)
    assert ocds.ocid_prefix() == "ocds-gz0001"


def test_a_broken_package_does_not_validate(contracts):
    package = ocds.release_package(contracts)
    del package["releases"][0]["ocid"]
    package["releases"][1]["contracts"][0]["value"]["currency"] = "RMB"
    errors = ocds.validation_errors(package)
    assert any("ocid" in e for e in errors)
    assert any("RMB" in e for e in errors)


def test_the_export_page_and_api_serve_a_valid_package(contracts, client_for, street_admin, outsider):
    client = client_for(street_admin)
    response = client.get("/orgs/programs/contracts/ocds.json")
    assert response.status_code == 200
    assert ocds.validation_errors(json.loads(response.content)) == []
    api = client.get("/api/v1/orgs-programs/contracts/ocds")
    assert api.status_code == 200
    assert len(json.loads(api.content)["releases"]) == 2
    assert client_for(outsider).get("/api/v1/orgs-programs/contracts/ocds").status_code == 403


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared data folder is not beside this checkout")
@pytest.mark.parametrize("name", ["release-package-schema.json", "release-schema.json"])
def test_the_apps_copy_of_the_ocds_schemas_is_the_shared_one(name):
    assert (VENDORED / name).read_bytes() == (SHARED / name).read_bytes()
