"""Dashboard sections of cases, volunteers and matching: which rollup figures the area dashboard shows.

Imported from the reports app's `ready()`. Each figure links to the list behind its number
(`drill`), filtered to the area's subtree and, where the list can, to the period. The figures
themselves are kept by the apps (`cases/kpis.py`, `volunteers/actions/base.py`,
`matching/actions.py`); this module only declares how the dashboard shows them.
"""

from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from gongzhi.cases import kpis
from gongzhi.core.dashboards import Breakdown, Figure, list_url, register_section
from gongzhi.matching import actions as matching_actions
from gongzhi.matching import permissions as matching_permissions
from gongzhi.volunteers import permissions as volunteer_permissions
from gongzhi.volunteers.actions import base as volunteer_figures


def _url(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{list_url(name)}?{query}" if query else list_url(name)


# --- cases ----------------------------------------------------------------------------------------
def cases_in_period(area, period_from, period_to, **extra):
    """The case list of the area's subtree, cases received in the months from..to."""
    return _url("cases:list", area=area.pk, **{"from": period_from, "to": period_to}, **extra)


def overdue_cases(area, period_from=None, period_to=None):
    """Open cases flagged overdue in the area's subtree (the list of today's overdue cases)."""
    return _url("cases:list", view="overdue", area=area.pk)


def _category_labels(codes):
    from gongzhi.cases.models import CaseCategory

    return dict(CaseCategory.objects.filter(code__in=list(codes)).values_list("code", "name"))


def _channel_labels(codes):
    from gongzhi.cases.models.cases import Channel

    return {code: str(Channel(code).label) for code in codes if code in Channel.values}


def _by_category(area, period_from, period_to, code):
    return cases_in_period(area, period_from, period_to, category=code)


def _by_channel(area, period_from, period_to, code):
    return cases_in_period(area, period_from, period_to, channel=code)


C = kpis.PREFIX
register_section(
    "cases",
    _("Cases"),
    [
        Figure(f"{C}recv", _("Cases received"), "count", drill=cases_in_period),
        Figure(f"{C}ontime", _("Cases overdue"), "count", drill=overdue_cases, part="shortfall"),
        Figure(f"{C}resp", _("Response rate"), "rate", drill=cases_in_period),
        Figure(f"{C}ontime", _("On-time resolution rate"), "rate", drill=cases_in_period),
        Figure(f"{C}res", _("Resolution rate"), "rate", drill=cases_in_period),
        Figure(f"{C}sat", _("Satisfaction rate"), "rate", drill=cases_in_period),
        Figure(f"{C}htime", _("Average handling time (working days)"), "average", drill=cases_in_period),
        Figure(f"{C}ret", _("Cases returned"), "count", drill=cases_in_period),
    ],
    order=40,
    capability=kpis.VIEW,
    breakdowns=[
        Breakdown(
            "category", _("Cases by category"), f"{C}recv.c.", labels=_category_labels, drill=_by_category
        ),
        Breakdown("channel", _("Cases by source"), f"{C}recv.ch.", labels=_channel_labels, drill=_by_channel),
    ],
)


# --- volunteers -----------------------------------------------------------------------------------
def volunteer_list(area, period_from=None, period_to=None):
    return _url("volunteers:volunteers", area=area.pk)


def volunteer_overview(area, period_from=None, period_to=None):
    return _url("volunteers:home", area=area.pk)


def volunteer_teams(area, period_from=None, period_to=None):
    """The team list of the area's subtree (it lists the teams as they are now)."""
    return _url("volunteers:teams", area=area.pk)


# ``volunteers.active_year`` counts a volunteer once per calendar year, in the month of the first
# service of that year: summed over the dashboard's default period (this year, January to now) it is
# the distinct number of volunteers who served. The volunteer list cannot filter by service dates, so
# the drill opens the area's volunteers.
register_section(
    "volunteers",
    _("Volunteers"),
    [
        Figure(volunteer_figures.TEAMS, _("Volunteer teams"), "stock", drill=volunteer_teams),
        Figure(volunteer_figures.REGISTERED, _("Registered volunteers"), "stock", drill=volunteer_list),
        Figure(
            volunteer_figures.ACTIVE_YEAR,
            _("Active volunteers (distinct, year to date)"),
            drill=volunteer_list,
        ),
        Figure(volunteer_figures.HOURS, _("Service hours"), drill=volunteer_overview),
    ],
    order=60,
    capability=volunteer_permissions.VIEW,
)


# --- matching -------------------------------------------------------------------------------------
def completed_projects(area, period_from=None, period_to=None):
    return _url("matching:projects", area=area.pk, state="completed")


def matched_projects(area, period_from=None, period_to=None):
    return _url("matching:projects", area=area.pk)


register_section(
    "matching",
    _("Resource matching"),
    [
        Figure(matching_actions.NEEDS_MET, _("Needs met"), drill=completed_projects),
        Figure(matching_actions.RESOURCES_USED, _("Resources used"), drill=matched_projects),
        Figure(matching_actions.PROJECTS_COMPLETED, _("Projects completed"), drill=completed_projects),
    ],
    order=70,
    capability=matching_permissions.VIEW,
)
