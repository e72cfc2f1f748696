"""The matcher: pure ranking of resource–need pairs, with the reason for every point of the score.

No database access here: callers pass objects (models or anything with the same attributes) and get
scored pairs back, so the ranking is tested on scenarios directly.

    score = kind (40, required) + place (≤ 30) + time overlap (≤ 20) + remaining capacity (≤ 10)

- kind: a pair is proposed only when the resource's kind is the kind the need asks for;
- place: 30 when the resource serves the need's area (its area is the need's area or above it);
  otherwise "nearby": 30 minus 10 for every level one goes up from the need's area to the lowest
  area the two share (sibling committees: 20; two streets of one district: 10; another district: 0);
- time: 20 × the share of the need's wanted period that the resource's availability covers;
  no overlap at all → not proposed;
- capacity: 10 when what remains covers the quantity needed, else 10 × remaining / needed;
  nothing remaining → not proposed.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from gongzhi.areas.paths import SEGMENT

KIND_POINTS = Decimal(40)
PLACE_POINTS = Decimal(30)
PLACE_STEP = Decimal(10)
TIME_POINTS = Decimal(20)
CAPACITY_POINTS = Decimal(10)
CENT = Decimal("0.01")


@dataclass
class Pair:
    resource: object
    need: object
    score: Decimal
    reasons: list = field(default_factory=list)
    quantity: int = 0  # what the pair would use: min(needed, remaining)

    def as_dict(self) -> dict:
        return {
            "resource_id": self.resource.pk,
            "need_id": self.need.pk,
            "score": str(self.score),
            "quantity": self.quantity,
            "reasons": self.reasons,
        }


def _reason(factor: str, points: Decimal, text: str) -> dict:
    return {"factor": factor, "points": str(points.quantize(CENT, rounding=ROUND_HALF_UP)), "text": text}


def levels_apart(resource_path: str, need_path: str) -> int | None:
    """0 when the resource serves the need's area (same area or above it); else how many levels one
    goes up from the need's area to the lowest area both share; None when they share nothing."""
    if need_path.startswith(resource_path):
        return 0
    common = 0
    for i in range(0, min(len(resource_path), len(need_path)), SEGMENT):
        if resource_path[i : i + SEGMENT] != need_path[i : i + SEGMENT]:
            break
        common = i + SEGMENT
    if common == 0:
        return None
    return (len(need_path) - common) // SEGMENT


def overlap_share(res_from, res_until, need_from, need_until) -> Decimal:
    """Share (0–1) of the need's wanted period covered by the resource's availability."""
    start, end = max(res_from, need_from), min(res_until, need_until)
    wanted = (need_until - need_from).total_seconds()
    if end <= start or wanted <= 0:
        return Decimal(0)
    return min(Decimal(1), Decimal((end - start).total_seconds()) / Decimal(wanted))


def score(resource, need) -> Pair | None:
    """The scored pair, or None when the resource cannot serve the need at all."""
    if resource.kind != need.kind or resource.remaining <= 0:
        return None
    reasons = [_reason("kind", KIND_POINTS, _("Offers the kind of help asked for."))]
    total = KIND_POINTS

    apart = levels_apart(resource.area_path, need.area_path)
    if apart is None:
        return None
    place = max(Decimal(0), PLACE_POINTS - PLACE_STEP * apart)
    if apart == 0:
        text = _("Serves the need's area.")
    elif place:
        text = _("Nearby: %(n)d level(s) away from the need's area.") % {"n": apart}
    else:
        text = _("Far away: %(n)d levels from the need's area.") % {"n": apart}
    reasons.append(_reason("place", place, text))
    total += place

    share = overlap_share(
        resource.available_from, resource.available_until, need.wanted_from, need.wanted_until
    )
    if not share:
        return None
    time_points = TIME_POINTS * share
    percent = (share * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    reasons.append(
        _reason("time", time_points, _("Available for %(p)s%% of the wanted period.") % {"p": percent})
    )
    total += time_points

    needed = max(1, int(need.quantity))
    usable = min(needed, int(resource.remaining))
    if usable >= needed:
        cap_points = CAPACITY_POINTS
        text = _("Enough capacity left: %(r)d for %(n)d needed.") % {"r": resource.remaining, "n": needed}
    else:
        cap_points = CAPACITY_POINTS * Decimal(usable) / Decimal(needed)
        text = _("Covers only %(r)d of %(n)d needed.") % {"r": usable, "n": needed}
    reasons.append(_reason("capacity", cap_points, text))
    total += cap_points
    return Pair(resource, need, total.quantize(CENT, rounding=ROUND_HALF_UP), reasons, usable)


def _order(pair: Pair):
    # Best score first; ties: the resource whose availability ends sooner (use it before it lapses),
    # then the lower ids, so the ranking is stable.
    return (-pair.score, pair.resource.available_until, pair.resource.pk, pair.need.pk)


def rank(need, resources) -> list[Pair]:
    """The resources that can serve one need, best first."""
    pairs = [p for p in (score(r, need) for r in resources) if p is not None]
    return sorted(pairs, key=_order)


def propose(needs, resources) -> list[Pair]:
    """Every possible pair, best first."""
    pairs = [p for n in needs for r in resources if (p := score(r, n)) is not None]
    return sorted(pairs, key=_order)


def best_pairs(needs, resources) -> list[Pair]:
    """A greedy assignment: take the best remaining pair, give each need one resource, and consume the
    resource's capacity so the same capacity is never promised twice (re-scoring what is left)."""
    remaining = {r.pk: int(r.remaining) for r in resources}
    taken_needs: set = set()
    chosen: list[Pair] = []
    while True:
        candidates = []
        for need in needs:
            if need.pk in taken_needs:
                continue
            for res in resources:
                if remaining[res.pk] <= 0:
                    continue
                view = _Remaining(res, remaining[res.pk])
                pair = score(view, need)
                if pair is not None:
                    pair.resource = res
                    candidates.append(pair)
        if not candidates:
            return chosen
        best = min(candidates, key=_order)
        chosen.append(best)
        taken_needs.add(best.need.pk)
        remaining[best.resource.pk] -= best.quantity


class _Remaining:
    """A resource seen with less remaining capacity (for best_pairs), without touching the original."""

    def __init__(self, resource, remaining: int):
        self._resource = resource
        self.remaining = remaining

    def __getattr__(self, name):
        return getattr(self._resource, name)
