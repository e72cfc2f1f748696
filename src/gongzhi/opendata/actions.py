"""Open-data actions: publish the bundle on demand; the sweep republishes it when it is stale."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.roles import Role
from gongzhi.core import audit, policy, sweeps, tasks

from . import bundle

PUBLISH = policy.register("opendata.publish", [Role.CITY_ADMIN])
audit.register_verb("opendata.requested", _("open data regeneration requested"))
audit.register_verb("opendata.published", _("open data published"))


def max_age() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "GONGZHI_OPENDATA_MAX_AGE_HOURS", 24))


def build_task(user_id: int | None = None) -> int:
    """The task body (JSON-able arguments): build the bundle and audit it; return the publication id."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    publication = bundle.build(requested_by=user)
    audit.record(None, "opendata.published", publication, details={"rows": publication.row_counts})
    return publication.pk


def request_publication(*, actor) -> None:
    """Regenerate the bundle now (a task after commit: inline without a broker, queued with one)."""
    policy.require(actor, PUBLISH)
    with transaction.atomic():
        audit.record(actor, "opendata.requested")
        transaction.on_commit(lambda: tasks.run_task("gongzhi.opendata.actions.build_task", actor.pk))


@sweeps.register("opendata.publish")
def _sweep_publish(now=None) -> int:
    """Republish when the newest bundle is older than GONGZHI_OPENDATA_MAX_AGE_HOURS (24 by default)."""
    now = now or timezone.now()
    newest = bundle.latest()
    if newest is not None and now - newest.generated_at < max_age():
        return 0
    build_task(None)
    return 1
