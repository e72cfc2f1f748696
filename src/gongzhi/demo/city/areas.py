"""The area tree of the city data set: the real districts, streets/towns and committees (2022 codes),
chosen by the plan, with synthetic compounds and grid cells under the committees."""

import math
from dataclasses import dataclass, field

from gongzhi.areas import paths
from gongzhi.areas.models import Area, AreaKind

from .. import divisions
from . import names
from .plan import spread

PLACED = ("area_id", "area_path", "district_id", "street_id", "community_id", "committee_id")
COLUMNS = (
    "id",
    "name",
    "kind",
    "parent_id",
    "path",
    "depth",
    "gb2260",
    "stat_code",
    "district_id",
    "street_id",
    "community_id",
    "committee_id",
    "is_demo",
)
ANCESTORS = ("district_id", "street_id", "community_id", "committee_id")
LEVEL = {
    "district": "district_id",
    "street": "street_id",
    "town": "street_id",
    "residents_committee": "committee_id",
    "village_committee": "committee_id",
}


@dataclass
class Node:
    id: int
    name: str
    kind: str
    path: str
    parent: "Node | None" = None
    code: str | None = None
    ancestors: dict = field(default_factory=dict)  # district_id … committee_id above this node
    children: list = field(default_factory=list)

    @property
    def scope(self) -> dict:
        """What a row placed in this area copies (areas/scoped.py): ancestors plus itself at its level."""
        ids = dict(self.ancestors)
        if self.kind in LEVEL:
            ids[LEVEL[self.kind]] = self.id
        return ids

    @property
    def placed(self) -> tuple:
        s = self.scope
        return (self.id, self.path, s["district_id"], s["street_id"], s["community_id"], s["committee_id"])

    @property
    def short(self) -> str:
        for suffix in ("居委会", "村委会", "居民委员会", "村民委员会"):
            if self.name.endswith(suffix):
                return self.name[: -len(suffix)]
        return self.name


@dataclass
class AreaSet:
    city: Node
    districts: list
    streets: list
    committees: list
    compounds: list
    grids: list
    by_id: dict

    def lineage(self, area_id: int) -> list[int]:
        """The area and its ancestors' ids, the area first."""
        out, node = [], self.by_id[area_id]
        while node is not None:
            out.append(node.id)
            node = node.parent
        return out


def choose(rng, plan) -> tuple[list[dict], list[dict]]:
    """The streets and committees of the plan: all at F = 1, else a deterministic choice by the seed
    of ceil(F × count) streets and ceil(F × count) committees under them."""
    streets, committees = divisions.streets(), divisions.committees()
    if plan.scale == 1:
        return list(streets), list(committees)
    under: dict = {}
    for c in committees:
        under.setdefault(c["streetCode"], []).append(c)
    order = list(streets)
    rng.shuffle(order)
    chosen, spare = order[: plan.streets], order[plan.streets :]
    # Enough committees under the chosen streets: swap the smallest for a larger spare one.
    while sum(len(under.get(s["code"], ())) for s in chosen) < plan.committees:
        smallest = min(chosen, key=lambda s: len(under.get(s["code"], ())))
        bigger = next(
            s for s in spare if len(under.get(s["code"], ())) > len(under.get(smallest["code"], ()))
        )
        chosen[chosen.index(smallest)] = bigger
        spare.remove(bigger)
    codes = {s["code"] for s in chosen}
    pool = [c for c in committees if c["streetCode"] in codes]
    picked = {c["code"] for c in rng.sample(pool, plan.committees)}
    return [s for s in streets if s["code"] in codes], [c for c in committees if c["code"] in picked]


def build(rng, plan, writer) -> AreaSet:
    streets, committees = choose(rng, plan)
    n_districts = len(divisions.districts())
    n_areas = 1 + n_districts + len(streets) + len(committees)
    ids = iter(writer.ids(Area, n_areas + plan["compounds"] + plan["grids"]))
    root_number = Area.objects.filter(parent__isnull=True).count() + 1
    sink = writer.sink(Area, COLUMNS)
    by_id: dict = {}

    def add(name, kind, parent, number, code=None) -> Node:
        path = (parent.path if parent else "") + paths.segment(number)
        ancestors = parent.scope if parent else dict.fromkeys(ANCESTORS)
        node = Node(next(ids), name, kind, path, parent, code, ancestors)
        if parent:
            parent.children.append(node)
        by_id[node.id] = node
        gb2260 = code if kind in ("city", "district") else None
        stat_code = code if kind not in ("city", "district", "compound", "grid") else None
        sink.add(
            node.id,
            name,
            kind,
            parent.id if parent else None,
            path,
            paths.depth(path),
            gb2260,
            stat_code,
            ancestors["district_id"],
            ancestors["street_id"],
            ancestors["community_id"],
            ancestors["committee_id"],
            True,
        )
        return node

    city = add("上海市", AreaKind.CITY, None, root_number, "310000")
    districts = {}
    for i, row in enumerate(divisions.districts(), start=1):
        districts[row["code"]] = add(row["name"], AreaKind.DISTRICT, city, i, row["code"])
    street_nodes, committee_nodes = {}, []
    counter: dict = {}
    for row in streets:
        parent = districts[row["areaCode"]]
        counter[parent.id] = counter.get(parent.id, 0) + 1
        kind = divisions.street_kind(row["name"])
        street_nodes[row["code"]] = add(row["name"], kind, parent, counter[parent.id], row["code"] + "000")
    for row in committees:
        parent = street_nodes[row["streetCode"]]
        counter[parent.id] = counter.get(parent.id, 0) + 1
        kind = divisions.committee_kind(row["code"])
        committee_nodes.append(add(row["name"], kind, parent, counter[parent.id], row["code"]))
    compounds, grids = [], []
    per_committee = spread(rng, plan["compounds"], len(committee_nodes), minimum=1)
    for committee, n in zip(committee_nodes, per_committee, strict=True):
        for k in range(1, n + 1):
            compounds.append(
                add(f"{committee.short}{names.compound(rng)}{k}区", AreaKind.COMPOUND, committee, k)
            )
    per_compound = spread(rng, plan["grids"], len(compounds), minimum=1)
    for compound, n in zip(compounds, per_compound, strict=True):
        for g in range(1, n + 1):
            grids.append(add(f"{compound.name}第{g}网格", AreaKind.GRID, compound, g))
    writer.flush(Area)
    return AreaSet(
        city=city,
        districts=list(districts.values()),
        streets=list(street_nodes.values()),
        committees=committee_nodes,
        compounds=compounds,
        grids=grids,
        by_id=by_id,
    )


def weights(rng, nodes, sigma: float = 0.6) -> list[float]:
    """Uneven sizes (log-normal): some committees are three times as busy as others."""
    return [math.exp(rng.gauss(0, sigma)) for _ in nodes]
