"""The registry importer ("orgs"): social organizations, upserted by USCC, with their status history."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.areas.models import Area, AreaKind
from gongzhi.core import audit, pii
from gongzhi.core.imports import (
    Column,
    Importer,
    Row,
    choice,
    choice_synonyms,
    parse_date,
    register_importer,
    text,
)

from .. import permissions as P
from ..models import OrgStatusChange, SocialOrganization
from ..models.registry import USCC_PREFIX, Grade, OrgForm, OrgStatus, OrgType, Subtype
from ..validation import check_subtype, clean_uscc
from .common import BATCH, parse_uscc

audit.register_verb("org.imported", gettext_lazy("organization imported"))

GRADE_VALIDITY_YEARS = 5

TYPE_WORDS = choice_synonyms(
    OrgType,
    {
        "社会团体": OrgType.SOCIAL_GROUP,
        "社团": OrgType.SOCIAL_GROUP,
        "民办非企业单位": OrgType.NON_ENTERPRISE_UNIT,
        "民非": OrgType.NON_ENTERPRISE_UNIT,
        "社会服务机构": OrgType.NON_ENTERPRISE_UNIT,
        "基金会": OrgType.FOUNDATION,
    },
)
SUBTYPE_WORDS = choice_synonyms(
    Subtype,
    {
        "专业性": Subtype.PROFESSIONAL,
        "联合性": Subtype.FEDERATIVE,
        "学术性": Subtype.ACADEMIC,
        "行业性": Subtype.TRADE,
        "教育": Subtype.EDUCATION,
        "民政": Subtype.CIVIL_AFFAIRS,
        "卫生": Subtype.HEALTH,
        "文化": Subtype.CULTURE,
        "科技": Subtype.SCIENCE,
        "体育": Subtype.SPORTS,
        "劳动": Subtype.LABOUR,
        "法律": Subtype.LAW,
        "其他": Subtype.OTHER,
        "公募": Subtype.PUBLIC_FUNDRAISING,
        "非公募": Subtype.NON_PUBLIC_FUNDRAISING,
    },
)
STATUS_WORDS = choice_synonyms(
    OrgStatus,
    {
        "登记": OrgStatus.REGISTERED,
        "成立": OrgStatus.REGISTERED,
        "变更": OrgStatus.CHANGED,
        "注销": OrgStatus.DEREGISTERED,
    },
)
FORM_WORDS = choice_synonyms(
    OrgForm,
    {
        "普通": OrgForm.ORDINARY,
        "孵化器": OrgForm.INCUBATOR,
        "支持型组织": OrgForm.INCUBATOR,
        "社工服务社": OrgForm.SOCIAL_WORK_AGENCY,
        "社工机构": OrgForm.SOCIAL_WORK_AGENCY,
        "社区服务社": OrgForm.COMMUNITY_SERVICE_AGENCY,
        "社会企业": OrgForm.SOCIAL_ENTERPRISE,
        "志愿者组织": OrgForm.VOLUNTEER_GROUP,
    },
)
GRADE_WORDS = (
    {g: g for g in Grade.values}
    | {g.lower(): g for g in Grade.values}
    | {f"{n}A级": f"{n}A" for n in range(1, 6)}
)


class AreaByCode:
    """Areas by GB/T 2260 (6 digits) or statistical (12 digits) code, each looked up once per file."""

    def __init__(self):
        self.cache: dict[str, Area | None] = {}

    def __call__(self, code: str) -> Area:
        if code not in self.cache:
            field = "gb2260" if len(code) == 6 else "stat_code"
            self.cache[code] = (
                Area.objects.filter(**{field: code}).first()
                if len(code) in (6, 12) and code.isdigit()
                else None
            )
        area = self.cache[code]
        if area is None:
            raise ValidationError({"area_code": _("No area has the code %(code)s.") % {"code": code}})
        return area


def _later(on: dt.date, years: int) -> dt.date:
    try:
        return on.replace(year=on.year + years)
    except ValueError:  # 29 February
        return on.replace(year=on.year + years, day=28)


@register_importer
class OrganizationImporter(Importer):
    kind = "orgs"
    label = gettext_lazy("Social organizations")
    capability = P.IMPORT
    columns = [
        Column("name", "名称", "name", True, text(120), gettext_lazy("The registered name.")),
        Column(
            "uscc",
            "统一社会信用代码",
            "uscc",
            True,
            parse_uscc,
            gettext_lazy(
                "18 characters; type the column as text. Rows with a code already registered update that organization."
            ),
        ),
        Column(
            "org_type",
            "类型",
            "org_type",
            True,
            choice(TYPE_WORDS),
            gettext_lazy("社会团体, 民办非企业单位 or 基金会."),
        ),
        Column(
            "subtype",
            "子类型",
            "subtype",
            True,
            choice(SUBTYPE_WORDS),
            gettext_lazy(
                "专业性/联合性/学术性/行业性; 教育/民政/卫生/文化/科技/体育/劳动/法律/其他; 公募/非公募."
            ),
        ),
        Column(
            "registered_on",
            "登记日期",
            "registered_on",
            True,
            parse_date,
            gettext_lazy("2024-03-15; not in the future."),
        ),
        Column(
            "area_code",
            "区域代码",
            "area_code",
            True,
            text(12),
            gettext_lazy("The district's 6-digit or the street/town's or community's 12-digit code."),
        ),
        Column(
            "status",
            "状态",
            "status",
            False,
            choice(STATUS_WORDS),
            gettext_lazy("登记, 变更 or 注销; empty: 登记."),
        ),
        Column(
            "deregistered_on",
            "注销日期",
            "deregistered_on",
            False,
            parse_date,
            gettext_lazy("Required when the status is 注销."),
        ),
        Column(
            "form",
            "组织形式",
            "form",
            False,
            choice(FORM_WORDS),
            gettext_lazy("普通, 孵化器, 社工服务社, 社区服务社, 社会企业, 志愿者组织."),
        ),
        Column("address", "地址", "address", False, text(200)),
        Column("legal_representative", "法定代表人", "legal_representative", False, text(60)),
        Column(
            "legal_rep_id_number", "法定代表人身份证号", "legal_rep_id_number", False, pii.validate_id_number
        ),
        Column("legal_rep_phone", "法定代表人电话", "legal_rep_phone", False, pii.normalize_phone),
        Column("business_scope", "业务范围", "business_scope", False, text(4000)),
        Column("supervising_unit", "业务主管单位", "supervising_unit", False, text(120)),
        Column("contact_person", "联系人", "contact_person", False, text(60)),
        Column("contact_phone", "联系电话", "contact_phone", False, text(30)),
        Column(
            "evaluation_grade",
            "评估等级",
            "evaluation_grade",
            False,
            choice(GRADE_WORDS),
            gettext_lazy("1A to 5A."),
        ),
        Column(
            "grade_awarded_on",
            "评估日期",
            "grade_awarded_on",
            False,
            parse_date,
            gettext_lazy("Required with a grade; valid five years."),
        ),
    ]
    OPTIONAL = (
        "form",
        "address",
        "legal_representative",
        "legal_rep_id_number",
        "legal_rep_phone",
        "business_scope",
        "supervising_unit",
        "contact_person",
        "contact_phone",
    )

    def __init__(self, actor):
        super().__init__(actor)
        self.area_by_code = AreaByCode()
        self.seen: dict[str, int] = {}
        self.today = timezone.localdate()

    def validate_row(self, row: Row):
        v = row.values
        check_subtype(v["org_type"], v["subtype"])
        # parse_uscc already checked the check character; only the type prefix is left
        if not v["uscc"].startswith(USCC_PREFIX[v["org_type"]]):
            clean_uscc(v["uscc"], v["org_type"])  # raises the message naming the expected prefix
        first = self.seen.setdefault(v["uscc"], row.number)
        if first != row.number:
            raise ValidationError({"uscc": _("The same code is on row %(row)d.") % {"row": first}})
        area = self.area_by_code(v["area_code"])
        if area.kind in {AreaKind.COMPOUND, AreaKind.GRID, AreaKind.CITY}:
            raise ValidationError(
                {"area_code": _("An organization is registered in a district, street/town or community.")}
            )
        self.require_area(area, column="area_code")
        errors = {}
        for key in ("registered_on", "deregistered_on", "grade_awarded_on"):
            if v[key] and v[key] > self.today:
                errors[key] = _("The date cannot be in the future.")
        status = v["status"] or OrgStatus.REGISTERED
        if status == OrgStatus.DEREGISTERED and not v["deregistered_on"]:
            errors["deregistered_on"] = _("Give the deregistration date.")
        if v["deregistered_on"] and v["deregistered_on"] < v["registered_on"]:
            errors["deregistered_on"] = _("Deregistration cannot precede registration.")
        if bool(v["evaluation_grade"]) != bool(v["grade_awarded_on"]):
            errors["grade_awarded_on"] = _("Give both the grade and the date it was awarded.")
        if errors:
            raise ValidationError(errors)
        data = {
            "name": v["name"],
            "uscc": v["uscc"],
            "org_type": v["org_type"],
            "subtype": v["subtype"],
            "registered_on": v["registered_on"],
            "status": status,
            "area": area,
        }
        for key in self.OPTIONAL:
            if v[key] is not None:
                data[key] = v[key]
        if status == OrgStatus.DEREGISTERED:
            data["deregistered_on"] = data["status_changed_on"] = v["deregistered_on"]
        if v["evaluation_grade"]:
            data["evaluation_grade"] = v["evaluation_grade"]
            data["grade_awarded_on"] = v["grade_awarded_on"]
            data["grade_valid_until"] = _later(v["grade_awarded_on"], GRADE_VALIDITY_YEARS)
        return data

    def check_rows(self, rows):
        """Existing organizations by USCC (the upserts): the actor must hold their areas too."""
        self.existing: dict[str, SocialOrganization] = {}
        codes = [r.prepared["uscc"] for r in rows]
        for i in range(0, len(codes), BATCH):
            for org in SocialOrganization.objects.filter(uscc__in=codes[i : i + BATCH]).select_related(
                "area"
            ):
                self.existing[org.uscc] = org
        errors = []
        for row in rows:
            org = self.existing.get(row.prepared["uscc"])
            if org is None:
                continue
            try:
                self.require_area(org.area, column="uscc")
            except ValidationError:
                errors.append((row.number, "uscc", _("This code is registered outside your areas.")))
                continue
            if org.status == OrgStatus.DEREGISTERED and row.prepared["status"] != OrgStatus.DEREGISTERED:
                errors.append((row.number, "status", _("A deregistered organization cannot be changed.")))
        return errors

    def write(self, rows) -> int:
        existing = getattr(self, "existing", {})
        new, changed, history = [], [], []
        user = self.actor if getattr(self.actor, "pk", None) else None
        for row in rows:
            data = dict(row.prepared)
            area = data.pop("area")
            org = existing.get(data["uscc"])
            if org is None:
                org = SocialOrganization(**data)
                org.set_area(area)
                new.append(org)
                continue
            diff = {}
            if area.pk != org.area_id:
                diff["area"] = [org.area.name, area.name]
                org.set_area(area)
            for key, value in data.items():
                if key == "status":
                    continue
                old = getattr(org, key)
                if old != value:
                    masked = key in ("legal_rep_id_number", "legal_rep_phone")
                    diff[key] = ["***", "***"] if masked else [str(old), str(value)]
                    setattr(org, key, value)
            if data["status"] == OrgStatus.DEREGISTERED and org.status != OrgStatus.DEREGISTERED:
                org.status = OrgStatus.DEREGISTERED
                history.append(
                    OrgStatusChange(
                        organization=org,
                        status=OrgStatus.DEREGISTERED,
                        effective_on=data["deregistered_on"],
                        note=_("Imported."),
                        recorded_by=user,
                    )
                )
            elif diff:
                org.status, org.status_changed_on = OrgStatus.CHANGED, timezone.localdate()
                history.append(
                    OrgStatusChange(
                        organization=org,
                        status=OrgStatus.CHANGED,
                        effective_on=org.status_changed_on,
                        note=_("Imported."),
                        changes=diff,
                        recorded_by=user,
                    )
                )
            if diff or org.status == OrgStatus.DEREGISTERED:
                org._import_diff = diff
                changed.append(org)
        SocialOrganization.objects.bulk_create(new, batch_size=BATCH)
        for org in new:
            history.append(
                OrgStatusChange(
                    organization=org,
                    status=OrgStatus.REGISTERED,
                    effective_on=org.registered_on,
                    recorded_by=user,
                )
            )
            if org.status == OrgStatus.DEREGISTERED:
                history.append(
                    OrgStatusChange(
                        organization=org,
                        status=OrgStatus.DEREGISTERED,
                        effective_on=org.deregistered_on,
                        note=_("Imported."),
                        recorded_by=user,
                    )
                )
        if changed:
            fields = [
                f.name
                for f in SocialOrganization._meta.concrete_fields
                if not f.primary_key and f.name not in ("created_at", "is_demo")
            ]
            for org in changed:
                org.updated_at = timezone.now()
            SocialOrganization.objects.bulk_update(changed, fields, batch_size=BATCH)
        OrgStatusChange.objects.bulk_create(history, batch_size=BATCH)
        audit.record_bulk(
            self.actor,
            "org.imported",
            [*new, *changed],
            details=lambda o: {"uscc": o.uscc, "changes": getattr(o, "_import_diff", None) or "new"},
        )
        return len(new) + len(changed)
