"""To-do items of the party app: report slips awaiting a receipt, petitions awaiting an answer."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gongzhi.core import policy
from gongzhi.core.workitems import WorkItem

from .models import Petition, ReportIn


def party_work(user) -> list[WorkItem]:
    ids = {i for kind, i in policy.body_scopes(user, "party.manage") if kind == "party_organization"}
    if not ids:
        return []
    items = []
    slips = ReportIn.objects.filter(receiving_id__in=ids, state=ReportIn.State.SUBMITTED).count()
    if slips:
        items.append(
            WorkItem(
                _("%(n)d report slips await a receipt") % {"n": slips}, slips, reverse("party:home"), "party"
            )
        )
    petitions = Petition.objects.filter(organization_id__in=ids, state=Petition.State.SUBMITTED).count()
    if petitions:
        items.append(
            WorkItem(
                _("%(n)d petitions await an answer") % {"n": petitions},
                petitions,
                reverse("party:petitions"),
                "party",
            )
        )
    return items
