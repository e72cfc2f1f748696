"""Coverage (有党员的地方就有党组织): places with members but no party organization, and the area page."""

import pytest
from django.urls import reverse

from gongzhi.party import queries

pytestmark = pytest.mark.django_db


def test_coverage_of_a_street_lists_its_gaps_without_error(party, tree):
    report = queries.coverage(tree["fangsong"], 2026)
    assert isinstance(report, dict)
    # The member lives in 江中小区, which lies under the residential-area committee's area: no gap there.
    compounds = report.get("compounds", [])
    assert all(c.kind == "compound" for c in compounds)


def test_the_area_figures_page_with_coverage_opens_for_the_street_admin(
    client_for, party, street_admin, tree
):
    response = client_for(street_admin).get(reverse("party:area", args=[tree["fangsong"].pk]))
    assert response.status_code == 200
    assert response.context["coverage"] is not None
