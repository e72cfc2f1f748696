"""Registration capacity holds when many people register at once (threads on PostgreSQL)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from gongzhi.councils import actions
from gongzhi.councils.models import Meeting, Registration
from tests.conftest import make_user


@pytest.mark.pg_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_the_capacity(meeting):
    users = [make_user(f"r{i}") for i in range(8)]
    results, barrier = [], threading.Barrier(len(users))

    def register(user):
        try:
            barrier.wait()
            actions.register_for_meeting(actor=user, meeting=meeting)
            results.append("ok")
        except ValidationError:
            results.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    meeting.refresh_from_db()
    assert results.count("ok") == 2 == meeting.registered_count
    assert Registration.objects.filter(meeting=meeting, cancelled_at__isnull=True).count() == 2
    assert Meeting.objects.get(pk=meeting.pk).capacity == 2
