"""Start-up wiring of intake and lifecycle (Cases A): menu entries, to-do providers, the overdue sweep."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gongzhi.core import navigation, workitems

from . import permissions, queries
from .actions import supervision  # noqa: F401  (registers the "cases.overdue" sweep job)

navigation.register(_("Cases"), "cases:list", permissions.VIEW, order=40)
navigation.register(_("Routing rules"), "cases:rules", permissions.MANAGE_ROUTING, order=46)


@workitems.register
def case_work(user):
    items = []
    n = queries.count_to_accept(user)
    if n:
        items.append(
            workitems.WorkItem(
                ngettext("%(n)d case to accept", "%(n)d cases to accept", n) % {"n": n},
                n,
                reverse("cases:list") + "?view=to_accept",
                "cases",
            )
        )
    n = queries.count_to_dispatch(user)
    if n:
        items.append(
            workitems.WorkItem(
                ngettext("%(n)d case to dispatch", "%(n)d cases to dispatch", n) % {"n": n},
                n,
                reverse("cases:list") + "?view=to_dispatch",
                "cases",
            )
        )
    n = queries.count_overdue(user)
    if n:
        items.append(
            workitems.WorkItem(
                ngettext("%(n)d overdue case", "%(n)d overdue cases", n) % {"n": n},
                n,
                reverse("cases:list") + "?view=overdue",
                "cases",
            )
        )
    return items
