"""Rollups of the city data set, written in bulk with the same results as `core.rollups.rebuild()`.

`rebuild()` recomputes every figure and adds each cell to the area's and every ancestor's Rollup row
one UPDATE or INSERT at a time, and the cases' recompute walks every timeline with one query per case:
right for a repair, hours for two million cases. Here the case KPIs come from the same pure walk
(`cases.kpis.facts` and `figure_names`) over each timeline as it is generated, and every other
registered figure from its own recompute function; the cells are summed up the area tree in memory
and written with the bulk writer. A test compares the result with `core.rollups.rebuild()`.
"""

import time
import zoneinfo
from collections import defaultdict

from django.conf import settings

from gongzhi.cases import kpis
from gongzhi.core import rollups
from gongzhi.core.models import Rollup, RollupDelta

COLUMNS = ("id", "area_id", "period", "figure", "numerator", "denominator")


class Cells:
    """Per-area cells, emitted when an area is finished and then added to its parent's."""

    def __init__(self, writer, areas):
        self.writer, self.areas = writer, areas
        self.sink = writer.sink(Rollup, COLUMNS)
        self.pending: dict = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        self.written = 0
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.names: dict = {}  # (metric, category, lead, channel) → figure names; cleared per street

    def add_case(self, case, timeline, lead_key: str | None) -> None:
        cells = self.pending[case.area_id]
        zone, memo = self.zone, self.names
        for _ev, metric, moment, num, den in kpis.facts(case, timeline):
            if not num and not den:
                continue
            local = moment.astimezone(zone)  # rollups.period_of in the project's zone, without the lookup
            period = f"{local.year:04d}-{local.month:02d}"
            key = (metric, case.category.code, lead_key, case.channel)
            names = memo.get(key)
            if names is None:
                names = memo[key] = kpis.figure_names(metric, case, lead_key)
            for name in names:
                cell = cells[(name, period)]
                cell[0] += num
                cell[1] += den

    def finish(self, area) -> None:
        """Write the area's cells (its whole subtree's, once its children are finished) and pass them up."""
        if area.kind in ("street", "town"):
            self.names.clear()
        cells = self.pending.pop(area.id, None)
        if not cells:
            return
        up = self.pending[area.parent.id] if area.parent else None
        ids = iter(self.writer.ids(Rollup, len(cells)))
        for (figure, period), (num, den) in cells.items():
            self.sink.add(next(ids), area.id, period, figure, num, den)
            if up is not None:
                cell = up[(figure, period)]
                cell[0] += num
                cell[1] += den
        self.written += len(cells)


def clear_cases() -> None:
    Rollup.objects.filter(figure__startswith=kpis.PREFIX).delete()
    RollupDelta.objects.filter(figure__startswith=kpis.PREFIX).delete()


def rebuild_others(writer, areas, log=None) -> dict[str, int]:
    """Every registered figure except the case KPIs, from its recompute function; cells written per figure."""
    sink = writer.sink(Rollup, COLUMNS)
    out = {}
    for name in sorted(rollups.FIGURES):
        started = time.perf_counter()
        recompute = rollups.FIGURES[name]
        if name.startswith(kpis.PREFIX) or recompute is None:
            continue
        RollupDelta.objects.filter(figure=name).delete()
        Rollup.objects.filter(figure=name).delete()
        totals: dict = defaultdict(lambda: [0, 0])
        for (area_id, period), (num, den) in recompute().items():
            lineage = areas.lineage(area_id) if area_id in areas.by_id else [area_id]
            for target in lineage:
                cell = totals[(target, period)]
                cell[0] += num
                cell[1] += den
        cells = [(k, v) for k, v in totals.items() if v[0] or v[1]]
        ids = iter(writer.ids(Rollup, len(cells)))
        for (area_id, period), (num, den) in cells:
            sink.add(next(ids), area_id, period, name, num, den)
        out[name] = len(cells)
        seconds = time.perf_counter() - started
        if log and seconds > 2:
            log(f"    {name}: {seconds:.1f} s")
    writer.flush(Rollup)
    return out
