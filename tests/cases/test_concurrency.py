"""Two handlers accepting the same case at the same moment: exactly one wins (PostgreSQL, threads)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gongzhi.cases.actions import lifecycle
from gongzhi.cases.models import Case, CaseAssignment

from ..conftest import make_user


@pytest.mark.pg_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_accept_by_two_handlers_leaves_one_winner(tree, categories, report, rule):
    from gongzhi.accounts.roles import Role

    grid = make_user("grid_x", Role.GRID_WORKER, tree["grid"])
    first = make_user("worker_a", Role.COMMITTEE_WORKER, tree["committee"])
    second = make_user("worker_b", Role.COMMITTEE_WORKER, tree["committee"])
    case = report(grid)
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(user):
        try:
            barrier.wait()
            lifecycle.accept_case(actor=user, case=Case.objects.get(pk=case.pk))
            outcomes.append(("won", user.username))
        except ValidationError:
            outcomes.append(("lost", user.username))
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(u,)) for u in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(o[0] for o in outcomes) == ["lost", "won"]
    case.refresh_from_db()
    assert case.state == "accepted"
    assert case.events.filter(action="accept").count() == 1
    lead = CaseAssignment.objects.get(case=case, role="lead")
    assert lead.accepted_by.username in [o[1] for o in outcomes if o[0] == "won"]
