"""The councils' to-do for the home page: meeting invitations not yet answered."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from gongzhi.core.workitems import WorkItem

from .models import Invitation, Meeting


def pending_invitations(user) -> list[WorkItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    count = Invitation.objects.filter(
        user=user,
        response=Invitation.Response.PENDING,
        meeting__state=Meeting.State.SCHEDULED,
        meeting__starts_at__gte=timezone.now(),
    ).count()  # one user's invitations: a short index range on invitation.user_id
    label = ngettext("%(n)d meeting invitation to answer", "%(n)d meeting invitations to answer", count) % {
        "n": count
    }
    return [WorkItem(label, count, reverse("councils:calendar"), "councils")]
