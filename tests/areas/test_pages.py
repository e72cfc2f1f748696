"""Area pages: the tree with lazy children and search, the area page, the split/merge page."""

import pytest
from django.urls import reverse

from gongzhi.areas.models import AreaChange


@pytest.fixture
def page_client(client_for, street_admin):
    return client_for(street_admin)


def test_tree_lists_roots_and_unfolds_children_lazily(page_client, tree):
    response = page_client.get(reverse("areas:tree"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "上海市" in html and "松江区" not in html
    assert reverse("areas:children", args=[tree["city"].pk]) in html
    fragment = page_client.get(reverse("areas:children", args=[tree["city"].pk]), HTTP_HX_REQUEST="true")
    assert "松江区" in fragment.content.decode() and "<html" not in fragment.content.decode()


def test_tree_search_by_code_prefix_and_name_prefix(page_client, tree):
    by_code = page_client.get(reverse("areas:tree"), {"q": "310117003"})
    assert [a.name for a in by_code.context["results"].items] == ["方松街道", "江中居委会", "江秀居委会"]
    by_name = page_client.get(reverse("areas:tree"), {"q": "马陆"})
    assert [a.name for a in by_name.context["results"].items] == ["马陆镇"]


def test_area_page_shows_breadcrumb_children_and_actions(page_client, tree):
    response = page_client.get(reverse("areas:detail", args=[tree["fangsong"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "松江区" in html and "江中居委会" in html and "方松街道城管执法中队" in html
    assert 'id="add-child"' in html and 'id="add-facts"' in html and 'id="record-change"' in html
    children = html.split('id="children">', 1)[1].split("</ul>", 1)[0]
    committee = tree["committee"]
    assert (
        f'<a href="/areas/{committee.pk}/">江中居委会</a> <span class="text-muted small">居委会 · {committee.code}</span>'
        in children
    )


def test_area_page_marks_a_subdivision_in_preparation_and_escapes_names(page_client, tree):
    from gongzhi.areas.models import Area

    Area.objects.filter(pk=tree["committee"].pk).update(name="江中<新>居委会", in_preparation=True)
    html = page_client.get(reverse("areas:detail", args=[tree["fangsong"].pk])).content.decode()
    children = html.split('id="children">', 1)[1].split("</ul>", 1)[0]
    assert "江中&lt;新&gt;居委会</a>" in children and " · 筹建中</span>" in children


def test_area_page_hides_edit_actions_from_a_resident(client_for, resident, tree):
    html = client_for(resident).get(reverse("areas:detail", args=[tree["committee"].pk])).content.decode()
    assert 'id="add-child"' not in html and 'id="edit-area"' not in html and 'id="add-facts"' not in html


def test_outsider_cannot_see_areas(client_for, outsider, tree):
    assert client_for(outsider).get(reverse("areas:tree")).status_code == 403


def test_children_pager_survives_a_forged_cursor(page_client, tree):
    response = page_client.get(reverse("areas:detail", args=[tree["fangsong"].pk]), {"cursor": "x"})
    assert response.status_code == 200 and len(response.context["children"].items) == 2


def test_split_merge_page_records_a_change(page_client, tree):
    url = reverse("areas:record_change", args=[tree["fangsong"].pk])
    assert page_client.get(url).status_code == 200
    data = {
        "kind": "merge",
        "effective_on": "2024-01-01",
        "sources": [tree["committee"].pk, tree["other_committee"].pk],
        "results": [tree["committee"].pk],
    }
    assert page_client.post(url, data).status_code == 302
    assert AreaChange.objects.count() == 1
    bad = page_client.post(url, {**data, "kind": "split"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert AreaChange.objects.count() == 1


def test_split_merge_page_denied_to_another_street(client_for, other_street_admin, tree):
    url = reverse("areas:record_change", args=[tree["fangsong"].pk])
    assert client_for(other_street_admin).get(url).status_code == 403
