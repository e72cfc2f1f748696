"""The orgs to-do for the home page: reports to review (registry officers), reports due (organization staff)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gongzhi.core import policy
from gongzhi.core.workitems import WorkItem

from . import permissions as P
from . import queries


def inspection_work(user) -> list[WorkItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    items = []
    if policy.can(user, P.REVIEW_INSPECTION):
        count = queries.reports_to_review(user)  # one (state, area_path) range per scope area
        label = ngettext("%(n)d inspection report to review", "%(n)d inspection reports to review", count) % {
            "n": count
        }
        url = reverse("orgs:inspections") + "?state=submitted&year="
        items.append(WorkItem(label, count, url, "orgs"))
    for report in queries.reports_due(user):
        label = _("Annual report for %(year)d due %(due)s: %(org)s") % {
            "year": report.year,
            "due": report.due_on.isoformat(),
            "org": report.organization.name,
        }
        items.append(WorkItem(label, 1, reverse("orgs:inspection", args=[report.pk]), "orgs"))
    return items
