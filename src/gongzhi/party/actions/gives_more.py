"""Three gives, the two changes the pages need beyond actions/gives.py: closing a community task for
sign-up, and publishing the representative meeting's roster (from then on councils enforce the
"units' representatives no less than half" rule on every seat change)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit
from gongzhi.councils import actions as council_actions

from ..models import CommunityTask, PartyOrganization
from ._common import require_manage
from .gives import _assembly
from .organizations import _council_actor

audit.register_verb("task.closed", gettext_lazy("community task closed for sign-up"))
audit.register_verb("party_seat.roster_published", gettext_lazy("representative meeting's roster published"))


@transaction.atomic
def close_task(*, actor, task: CommunityTask) -> CommunityTask:
    """No more sign-ups; the sign-ups already made can still be completed."""
    task = (
        CommunityTask.objects.select_for_update(of=("self",))
        .select_related("organization", "area")
        .get(pk=task.pk)
    )
    require_manage(actor, task.organization)
    if task.state != CommunityTask.State.OPEN:
        raise ValidationError({"task": _("This task is already closed.")})
    task.state = CommunityTask.State.CLOSED
    task.save(update_fields=["state"])
    audit.record(actor, "task.closed", task)
    return task


@transaction.atomic
def publish_representative_roster(*, actor, organization: PartyOrganization):
    """The working committee publishes its representative meeting's roster; councils refuse it when the
    current seats already break the ≥ half rule (nothing is written then)."""
    require_manage(actor, organization)
    council = _assembly(organization)
    if council.roster_published_at:
        raise ValidationError({"council": _("The roster is already published.")})
    council = council_actions.publish_roster(actor=_council_actor(actor, council.area), council=council)
    audit.record(actor, "party_seat.roster_published", organization, details={"council": council.pk})
    return council
