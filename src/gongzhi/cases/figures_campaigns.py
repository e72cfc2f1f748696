"""Campaign figures in rollups (专项整治): targets locked, rectified, the rectification rate, rebounds.

A campaign's figures are counted where each target is (its area), in the month the campaign's
target list was locked — so a month's figures are those of the campaigns locked in it, and the
campaign board (`queries_field.board`) and the rollups show the same numbers:

- ``campaigns.locked``     targets on locked lists;
- ``campaigns.rectified``  rectification rate: targets rectified and verified (numerator) of the
                           targets locked (denominator); a rebound takes the target out again;
- ``campaigns.rebounds``   rebounds (反弹) reported at the targets.

Each target's contribution is a pure function of a snapshot (`target_cells`): the rebuild sums
them all, the subscribers add "after − before" for the target an action changed.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from gongzhi.core import dashboards, events, rollups

from .models import Campaign, CampaignTarget

LOCKED = "campaigns.locked"
RECTIFIED = "campaigns.rectified"
REBOUNDS = "campaigns.rebounds"
FIGURES = (LOCKED, RECTIFIED, REBOUNDS)


def target_snapshot(target, campaign=None) -> dict | None:
    campaign = campaign or target.campaign
    if campaign.state == Campaign.State.DRAFT or campaign.locked_at is None:
        return None
    return {
        "area_id": target.area_id,
        "period": rollups.period_of(campaign.locked_at),
        "rectified": target.state == CampaignTarget.State.RECTIFIED,
        "rebounds": target.rebound_count,
    }


def target_cells(snap: dict | None) -> dict:
    out: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    if not snap:
        return out
    area, period = snap["area_id"], snap["period"]
    out[(area, LOCKED, period)][0] += 1
    out[(area, RECTIFIED, period)][1] += 1
    if snap["rectified"]:
        out[(area, RECTIFIED, period)][0] += 1
    if snap["rebounds"]:
        out[(area, REBOUNDS, period)][0] += snap["rebounds"]
    return out


def add_difference(before: dict, after: dict) -> int:
    """Append after − before as deltas (unchanged cells skipped); return the deltas written."""
    written = 0
    for cell in set(before) | set(after):
        b, a = before.get(cell, (0, 0)), after.get(cell, (0, 0))
        if a[0] - b[0] or a[1] - b[1]:
            rollups.add_delta(cell[0], cell[1], cell[2], a[0] - b[0], a[1] - b[1])
            written += 1
    return written


@events.subscribe("campaign.locked")
def _on_locked(event):
    for snap in event["snapshots"]:
        add_difference({}, target_cells(snap))


@events.subscribe("campaign.target_changed")
def _on_target_changed(event):
    add_difference(target_cells(event["before"]), target_cells(event["after"]))


def compute_all() -> dict:
    out: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    rows = (
        CampaignTarget.objects.exclude(campaign__state=Campaign.State.DRAFT)
        .filter(campaign__locked_at__isnull=False)
        .values_list("area_id", "campaign__locked_at", "state", "rebound_count")
        .order_by()
    )
    for area_id, locked_at, state, rebounds in rows.iterator(chunk_size=2000):
        snap = {
            "area_id": area_id,
            "period": rollups.period_of(locked_at),
            "rectified": state == CampaignTarget.State.RECTIFIED,
            "rebounds": rebounds,
        }
        for key, (num, den) in target_cells(snap).items():
            out[key][0] += num
            out[key][1] += den
    return out


def _recompute(name: str):
    def recompute():
        return {(a, p): (v[0], v[1]) for (a, f, p), v in compute_all().items() if f == name}

    return recompute


for _name in FIGURES:
    rollups.register_figure(_name, _recompute(_name))


def _campaigns_url(area, period_from=None, period_to=None) -> str:
    return dashboards.list_url("cases_field:campaigns")


dashboards.register_section(
    "campaigns",
    _("Campaigns"),
    [
        dashboards.Figure(LOCKED, _("campaign problems locked"), "count", drill=_campaigns_url),
        dashboards.Figure(RECTIFIED, _("problems rectified"), "count", drill=_campaigns_url, part="numerator")
        if "part" in dashboards.Figure.__dataclass_fields__
        else dashboards.Figure(RECTIFIED, _("problems rectified"), "count", drill=_campaigns_url),
        dashboards.Figure(RECTIFIED, _("rectification rate"), "rate", drill=_campaigns_url),
        dashboards.Figure(REBOUNDS, _("rebounds"), "count", drill=_campaigns_url),
    ],
    order=75,
    capability="cases.campaigns.view",
)
