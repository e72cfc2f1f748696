"""The to-do inbox on the home page: registered providers' items appear, empty ones stay hidden."""

import pytest

from gongzhi.core import workitems
from gongzhi.core.workitems import WorkItem


@pytest.fixture
def provider():
    def pending_for(user):
        if user.username != "fangsong_admin":
            return []
        return [
            WorkItem(label="3 cases to accept", count=3, url="/cases/inbox/", app="cases"),
            WorkItem(label="Nothing to sign here", count=0, url="/sign/", app="cases"),
        ]

    workitems.register(pending_for)
    yield pending_for
    workitems.PROVIDERS.remove(pending_for)


def test_a_providers_items_appear_on_the_home_page(provider, client_for, street_admin):
    html = client_for(street_admin).get("/").content.decode()
    assert "3 cases to accept" in html and 'href="/cases/inbox/"' in html


def test_items_with_nothing_to_do_are_hidden(provider, client_for, street_admin):
    html = client_for(street_admin).get("/").content.decode()
    assert "Nothing to sign here" not in html and 'href="/sign/"' not in html


def test_a_user_without_work_sees_the_empty_inbox_message(provider, client_for, resident):
    response = client_for(resident).get("/")
    assert response.context["work_items"] == []
    assert "3 cases to accept" not in response.content.decode()
