"""To-do items for the home page: bookings waiting for a provider, activities needing hours recorded."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.workitems import WorkItem

from .models import Booking


def volunteer_work(user) -> list[WorkItem]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    items = []
    # Indexed: bookings of the provider's slots (provider → services → slots → bookings), small per person.
    waiting = Booking.objects.filter(
        slot__service__provider__person__user=user,
        state=Booking.State.BOOKED,
        slot__starts_at__gte=timezone.now(),
    ).count()
    if waiting:
        items.append(
            WorkItem(
                _("%(n)d bookings of your services to confirm") % {"n": waiting},
                waiting,
                reverse("volunteers:me"),
                "volunteers",
            )
        )
    return items
