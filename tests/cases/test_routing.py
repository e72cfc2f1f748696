"""Routing: subtree inheritance (the deepest area wins), parent categories, default handler, re-routing."""

import pytest

from gongzhi.cases import routing
from gongzhi.cases.actions import rules
from gongzhi.cases.actions.dispatching import change_category
from gongzhi.cases.models import DefaultHandler, RoutingRule

pytestmark = pytest.mark.django_db


def test_the_deepest_matching_area_wins(tree, categories, rule, housing_office):
    deeper = rules.save_rule(
        actor=None,
        category=categories["group_rental"],
        area=tree["committee"],
        lead_kind="department",
        lead_department=housing_office,
    )
    assert routing.find_rule(categories["group_rental"], tree["grid"]) == deeper
    assert routing.find_rule(categories["group_rental"], tree["other_committee"]) == rule
    route = routing.route(categories["group_rental"], tree["grid"])
    assert route.lead.department == housing_office


def test_a_rule_for_a_parent_category_covers_its_children(tree, categories, housing_office):
    r = rules.save_rule(
        actor=None,
        category=categories["housing"],
        area=tree["songjiang"],
        lead_kind="area",
        lead_area_level="street",
    )
    assert routing.find_rule(categories["group_rental"], tree["grid"]) == r
    assert routing.route(categories["group_rental"], tree["grid"]).lead.area == tree["fangsong"]


def test_community_level_lead_in_a_town_managed_community(tree, categories):
    rules.save_rule(
        actor=None,
        category=categories["sanitation"],
        area=tree["malu"],
        lead_kind="area",
        lead_area_level="community",
    )
    assert routing.route(categories["sanitation"], tree["malu_committee"]).lead.area == tree["community"]


def test_no_rule_goes_to_the_default_handler(tree, categories):
    assert routing.route(categories["sanitation"], tree["grid"]).lead.area == tree["fangsong"]
    rules.set_default_handler(actor=None, street=tree["fangsong"], handler_area=tree["other_committee"])
    route = routing.route(categories["sanitation"], tree["grid"])
    assert route.is_default and route.lead.area == tree["other_committee"]
    assert DefaultHandler.objects.count() == 1


def test_saving_a_rule_replaces_the_active_one(tree, categories, rule, street_admin, committee_worker):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        rules.save_rule(actor=committee_worker, category=categories["group_rental"], area=tree["fangsong"])
    rules.save_rule(
        actor=street_admin,
        category=categories["group_rental"],
        area=tree["fangsong"],
        lead_area_level="street",
    )
    assert RoutingRule.objects.filter(is_active=True).count() == 1


def test_changing_the_category_reroutes(grid_worker, report, rule, committee_worker, categories, tree):
    case = report(grid_worker)
    change_category(actor=committee_worker, case=case, category=categories["sanitation"])
    live = case.assignments.filter(state="pending")
    assert [a.handler_area for a in live] == [tree["fangsong"]]
