"""Shanghai's divisions (2022 statistical codes) shipped with the demo: districts, streets, committees."""

import csv
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@cache
def districts() -> list[dict]:
    with open(DATA / "districts.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def streets() -> list[dict]:
    with open(DATA / "streets.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def committees() -> list[dict]:
    with open(DATA / "committees.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def street_kind(name: str) -> str:
    return "town" if name.endswith("镇") else "street"


def committee_kind(code: str) -> str:
    return "village_committee" if 200 <= int(code[-3:]) < 400 else "residents_committee"
