"""The area bar's lookups: the user's first scope area and the areas above one, memoised per process."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.areas import queries
from gongzhi.cases import permissions


def test_first_scope_area_is_the_street_of_a_street_admin_and_a_root_for_a_superuser(
    tree, street_admin, django_user_model
):
    assert queries.first_scope_area(street_admin, permissions.VIEW) == tree["fangsong"]
    root = django_user_model.objects.create_superuser("root", password="pw-for-tests-1")
    assert queries.first_scope_area(root, permissions.VIEW) == tree["city"]


def test_ancestors_are_read_once_and_again_after_an_area_is_saved(tree):
    grid = tree["grid"]
    assert [a.name for a in queries.ancestors_of(grid)] == [
        "上海市",
        "松江区",
        "方松街道",
        "江中居委会",
        "江中小区",
    ]
    with CaptureQueriesContext(connection) as ctx:
        queries.ancestors_of(grid)
    assert len(ctx.captured_queries) == 0
    compound = tree["compound"]
    compound.name = "江中新村"
    compound.save()
    assert [a.name for a in queries.ancestors_of(grid)][-1] == "江中新村"
