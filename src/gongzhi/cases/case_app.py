"""Start-up wiring of intake and lifecycle (Cases A): menu entries, to-do providers, the overdue sweep."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gongzhi.core import navigation, workitems

from . import permissions, queries
from .actions import supervision  # noqa: F401  (registers the "cases.overdue" sweep job)

navigation.register(_("Cases"), "cases:list", permissions.VIEW, order=40)
navigation.register(_("Routing rules"), "cases:rules", permissions.MANAGE_ROUTING, order=46)


def _item(n: int, label, over, view: str) -> workitems.WorkItem:
    """A work item whose count is capped at queries.COUNT_CAP (then it says "more than")."""
    text = over % {"n": queries.COUNT_CAP} if n > queries.COUNT_CAP else label(n) % {"n": n}
    return workitems.WorkItem(text, n, reverse("cases:list") + f"?view={view}", "cases")


@workitems.register
def case_work(user):
    counts = (
        (
            queries.count_to_accept(user),
            lambda n: ngettext("%(n)d case to accept", "%(n)d cases to accept", n),
            _("More than %(n)d cases to accept"),
            "to_accept",
        ),
        (
            queries.count_to_dispatch(user),
            lambda n: ngettext("%(n)d case to dispatch", "%(n)d cases to dispatch", n),
            _("More than %(n)d cases to dispatch"),
            "to_dispatch",
        ),
        (
            queries.count_overdue(user),
            lambda n: ngettext("%(n)d overdue case", "%(n)d overdue cases", n),
            _("More than %(n)d overdue cases"),
            "overdue",
        ),
    )
    return [_item(n, label, str(over), view) for n, label, over, view in counts if n]
