"""The evaluation demo: a committee scheme of Fangsong with one closed, ranked round; loading twice adds nothing."""

import pytest
from django.core.management import call_command

from gongzhi.evaluation.models import Round, Scheme, Score

pytestmark = pytest.mark.django_db


def test_demo_has_an_active_scheme_and_a_closed_ranked_round_and_is_idempotent():
    call_command("demo", "--quiet-logins")
    scheme = Scheme.objects.get(is_demo=True)
    assert scheme.state == "active" and scheme.subject_kind == "committee"
    round_ = Round.objects.get(scheme=scheme)
    assert round_.state == "closed"
    subjects = list(round_.subjects.order_by("rank"))
    assert len(subjects) >= 2 and subjects[0].rank == 1 and subjects[0].total >= subjects[-1].total
    assert not Score.objects.filter(
        subject__round=round_, indicator__source="reviewed", value__isnull=True
    ).exists()
    call_command("demo", "--quiet-logins")
    assert Scheme.objects.count() == 1 and Round.objects.count() == 1
