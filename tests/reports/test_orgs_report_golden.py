"""The development report computed from the golden data set shows exactly the 2013 report's figures
(DOMAIN.md §11) — in its JSON, on its page (shares formatted by the server) and in its PDF."""

import io
import json
import re

import pytest

pytestmark = pytest.mark.django_db

TYPE_SHARES = {"non_enterprise_unit": 66.0, "social_group": 32.6, "foundation": 1.3}
SUBTYPE_SHARES = {"professional": 47.0, "federative": 26.0, "academic": 20.3, "trade": 6.7}
FOUNDATION_SHARES = {"public_fundraising": 33.6, "non_public_fundraising": 66.4}
PAGE_AND_PDF_FIGURES = [
    "66.0%",
    "32.6%",
    "1.3%",
    "47.0%",
    "26.0%",
    "20.3%",
    "6.7%",
    "33.6%",
    "66.4%",
    "71.4%",
    "28.6%",
    "3.2904",
    "8.1",
    "2.5%",
]


def _by_key(rows):
    return {r["key"]: r for r in rows}


def test_registration_totals_are_the_golden_ones(golden):
    reg = golden["report"]["registrations"]
    assert reg["total"] == 11607
    counts = {k: r["count"] for k, r in _by_key(reg["by_type"]).items()}
    assert counts == {"social_group": 3789, "non_enterprise_unit": 7666, "foundation": 152}


def test_shares_by_type_subtype_and_foundation_kind_match_the_report(golden):
    reg = golden["report"]["registrations"]
    assert {k: r["share"] for k, r in _by_key(reg["by_type"]).items()} == TYPE_SHARES
    assert {k: r["share"] for k, r in _by_key(reg["social_group_subtypes"]).items()} == SUBTYPE_SHARES
    foundations = _by_key(reg["foundation_kinds"])
    assert {k: r["share"] for k, r in foundations.items()} == FOUNDATION_SHARES
    assert foundations["public_fundraising"]["count"] == 51
    assert foundations["non_public_fundraising"]["count"] == 101


def test_inspection_staff_and_finances_match_the_report(golden):
    ins = golden["report"]["inspection"]
    assert ins["organizations"] == 9500
    assert {r["key"]: r["count"] for r in ins["by_type"]} == {
        "social_group": 3431,
        "non_enterprise_unit": 5921,
        "foundation": 148,
    }
    staff = ins["staff"]
    assert staff["total"] == 200300
    tenure = _by_key(staff["groups"]["tenure"]["rows"])
    assert (tenure["full_time"]["count"], tenure["full_time"]["share"]) == (143100, 71.4)
    assert (tenure["part_time"]["count"], tenure["part_time"]["share"]) == (57200, 28.6)
    certificates = _by_key(staff["groups"]["certificates"]["rows"])["social_worker_certified"]
    assert (certificates["count"], certificates["share"]) == (4919, 2.5)
    finances = ins["finances"]
    assert _by_key(finances["rows"])["net_assets"]["amount"] == "31259000000.00"
    assert finances["average_net_assets_million"] == "3.2904"


def test_density_per_ten_thousand_registered_residents(golden):
    assert golden["report"]["density"] == {"year": 2013, "registered_population": 14323400, "per_10000": 8.1}


def test_deregistered_and_later_registrations_are_left_out_and_growth_is_counted(golden):
    growth = golden["report"]["growth"]
    rows = _by_key(growth["by_type"])
    for row in rows.values():
        assert row["net_growth"] == row["count_now"] - row["count_then"]
    # 300 new social groups in 2013, 40 deregistered during 2013 (counted at the end of 2012).
    assert rows["social_group"]["count_then"] == 3789 - 300 + 40
    assert rows["social_group"]["net_growth"] == 260
    assert rows["social_group"]["growth_rate"] == 7.4  # 260 / 3529, half up
    assert growth["total"]["count_now"] == 11607


def test_json_carries_every_figure_and_round_trips(golden):
    text = json.dumps(golden["report"], ensure_ascii=False)
    assert json.loads(text) == golden["report"]
    for needle in [
        '"share": 66.0',
        '"share": 47.0',
        '"per_10000": 8.1',
        '"average_net_assets_million": "3.2904"',
        '"net_growth": 260',
        '"growth_rate": 7.4',
    ]:
        assert needle in text


def test_page_shows_the_figures_formatted_by_the_server(golden):
    page = golden["page"]
    assert page.status_code == 200
    html = page.content.decode()
    for figure in PAGE_AND_PDF_FIGURES:
        assert figure in html, figure
    # The chart receives the server's text for each slice, not a number to round itself.
    data = json.loads(re.search(r'id="report-chart-data"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert [r["share_text"] for r in data["by_type"]] == ["66.0%", "32.6%", "1.3%"]
    assert "p.data.share" in html and "percent" not in html


def test_pdf_text_shows_the_figures_and_chinese(golden):
    text = golden["pdf_text"]
    assert golden["pdf"].startswith(b"%PDF")
    for figure in PAGE_AND_PDF_FIGURES:
        assert figure in text, figure
    assert "11,607" in text
    assert "上海市" in text and "民办非企业单位" in text


def test_workbook_holds_the_same_figures(golden):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(golden["xlsx"]), read_only=True)
    composition = [row for row in book.worksheets[1].iter_rows(values_only=True)]
    shares = {(r[1], r[3]) for r in composition[1:]}
    assert ("民办非企业单位", 66.0) in shares or ("private non-enterprise unit", 66.0) in shares
    summary = {r[0]: r[1] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert "3.2904" in summary.values()
    assert 8.1 in summary.values()
