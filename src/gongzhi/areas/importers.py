"""The areas importer: new areas under existing ones (or under areas earlier in the same file)."""

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit
from gongzhi.core.imports import (
    Column,
    Importer,
    Row,
    choice,
    choice_synonyms,
    parse_bool,
    parse_date,
    register_importer,
    text,
)

from . import paths
from .actions import CREATE_ROOT, EDIT_AREAS, child_ancestor_ids, validate_area
from .models import Area, AreaKind

audit.register_verb("area.imported", gettext_lazy("area imported"))

KIND_WORDS = choice_synonyms(
    AreaKind,
    {
        "市": AreaKind.CITY,
        "区": AreaKind.DISTRICT,
        "县": AreaKind.DISTRICT,
        "街道": AreaKind.STREET,
        "镇": AreaKind.TOWN,
        "乡": AreaKind.TOWN,
        "社区": AreaKind.COMMUNITY,
        "居委会": AreaKind.RESIDENTS_COMMITTEE,
        "居民委员会": AreaKind.RESIDENTS_COMMITTEE,
        "村委会": AreaKind.VILLAGE_COMMITTEE,
        "村民委员会": AreaKind.VILLAGE_COMMITTEE,
        "小区": AreaKind.COMPOUND,
        "网格": AreaKind.GRID,
    },
)


def _code(value: str) -> str:
    if not value.isdigit() or len(value) not in (6, 12):
        raise ValidationError(_("A division code has 6 or 12 digits."))
    return value


@register_importer
class AreaImporter(Importer):
    kind = "areas"
    label = gettext_lazy("Areas")
    capability = EDIT_AREAS
    columns = [
        Column("name", "名称", "name", True, text(80), gettext_lazy("The area's name, e.g. 江中居委会.")),
        Column(
            "kind",
            "类型",
            "kind",
            True,
            choice(KIND_WORDS),
            gettext_lazy("市, 区, 街道, 镇, 社区, 居委会, 村委会, 小区 or 网格."),
        ),
        Column(
            "parent_code",
            "上级代码",
            "parent_code",
            False,
            _code,
            gettext_lazy("The parent's statistical or GB/T 2260 code (empty only for a city)."),
        ),
        Column(
            "parent_name",
            "上级名称",
            "parent_name",
            False,
            text(80),
            gettext_lazy(
                "For a parent without a code (a compound): its name, inside the area given by 上级代码."
            ),
        ),
        Column(
            "stat_code", "统计代码", "stat_code", False, _code, gettext_lazy("12-digit statistical code.")
        ),
        Column("gb2260", "国标代码", "gb2260", False, _code, gettext_lazy("6-digit GB/T 2260 code.")),
        Column("in_preparation", "筹建", "in_preparation", False, parse_bool, gettext_lazy("是 or 否.")),
        Column(
            "established_on", "成立日期", "established_on", False, parse_date, gettext_lazy("2024-03-15.")
        ),
    ]

    def __init__(self, actor):
        super().__init__(actor)
        self.by_code: dict[str, Area] = {}  # areas of this file, by code
        self.by_parent_name: dict[tuple[str, str], Area] = {}  # (parent path, name) → area of this file
        self.next_number: dict[str, int] = {}  # parent path → next free sibling number

    def _find_parent(self, code, name):
        if not code:
            return None
        parent = self.by_code.get(code)
        if parent is None:
            field = "gb2260" if len(code) == 6 else "stat_code"
            parent = Area.objects.filter(**{field: code}).first()
        if parent is None:
            raise ValidationError({"parent_code": _("No area has the code %(code)s.") % {"code": code}})
        if name:
            child = self.by_parent_name.get((parent.path, name))
            if child is None:
                child = (
                    Area.objects.subtree(parent, include_self=False)
                    .filter(name=name)
                    .order_by("path")
                    .first()
                )
            if child is None:
                raise ValidationError(
                    {
                        "parent_name": _("No area called %(name)s inside %(parent)s.")
                        % {"name": name, "parent": parent}
                    }
                )
            parent = child
        return parent

    def _allocate_path(self, parent: Area | None) -> str:
        """Sibling numbers for a whole file: the database's maximum once per parent, then counted here."""
        prefix = parent.path if parent else ""
        if prefix not in self.next_number:
            last = None
            if parent is None or parent.pk:
                siblings = Area.objects.filter(parent=parent) if parent else Area.objects.filter(parent=None)
                last = siblings.aggregate(m=Max("path"))["m"]
            self.next_number[prefix] = int(last[len(prefix) :]) + 1 if last else 1
        number = self.next_number[prefix]
        self.next_number[prefix] = number + 1
        return prefix + paths.segment(number)

    def validate_row(self, row: Row):
        v = row.values
        parent = self._find_parent(v["parent_code"], v["parent_name"])
        if parent is None and v["kind"] != AreaKind.CITY:
            raise ValidationError({"parent_code": _("Give the parent's code.")})
        if parent is None:
            self._check_root()
        else:
            self.require_area(parent, EDIT_AREAS, column="parent_code")
        for field in ("stat_code", "gb2260"):
            if v[field] and v[field] in self.by_code:
                raise ValidationError(
                    {field: _("Another row of this file has the code %(code)s.") % {"code": v[field]}}
                )
        validate_area(kind=v["kind"], parent=parent, gb2260=v["gb2260"], stat_code=v["stat_code"])
        key = (parent.path if parent else "", v["name"])
        if key in self.by_parent_name or (
            parent is not None and parent.pk and Area.objects.filter(parent=parent, name=v["name"]).exists()
        ):
            raise ValidationError({"name": _("An area with this name already exists under the same parent.")})
        area = Area(
            name=v["name"],
            kind=v["kind"],
            parent=parent,
            gb2260=v["gb2260"] or None,
            stat_code=v["stat_code"] or None,
            in_preparation=bool(v["in_preparation"]),
            established_on=v["established_on"],
        )
        area.path = self._allocate_path(parent)
        area.depth = paths.depth(area.path)
        self.by_parent_name[key] = area
        for code in (area.gb2260, area.stat_code):
            if code:
                self.by_code[code] = area
        return area

    def _check_root(self):
        from gongzhi.core import policy

        if not policy.can(self.actor, CREATE_ROOT):
            raise ValidationError({"parent_code": _("Only a city administrator may add a top-level area.")})

    def write(self, rows: list[Row]) -> int:
        areas = [r.prepared for r in rows]
        # Level by level, so every parent has its id before its children copy it.
        for depth in sorted({a.depth for a in areas}):
            level = [a for a in areas if a.depth == depth]
            for area in level:
                for key, value in child_ancestor_ids(area.parent).items():
                    setattr(area, key, value)
                area.parent = area.parent  # re-reads the parent's id, now that it is saved
            Area.objects.bulk_create(level, batch_size=1000)
        audit.record_bulk(self.actor, "area.imported", areas)
        return len(areas)
