"""The annual-inspection importer ("inspections"): reports upserted by USCC and year, optionally
with the review result."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit
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
from ..actions.inspection import MONEY_FIELDS, STAFF_FIELDS
from ..models import AnnualInspection, SocialOrganization
from ..validation import check_staff
from .common import BATCH, parse_count, parse_money, parse_uscc, parse_year

audit.register_verb("inspection.imported", gettext_lazy("annual report imported"))

RESULT_WORDS = choice_synonyms(
    AnnualInspection.Result,
    {"合格": "qualified", "基本合格": "basically_qualified", "不合格": "unqualified"},
)
STAFF_HEADERS = [
    ("staff_total", "从业人员总数", "staff_total"),
    ("full_time", "专职", "full_time"),
    ("part_time", "兼职", "part_time"),
    ("contract_labour", "劳动合同", "contract_labour"),
    ("contract_rehired_retiree", "离退休返聘", "contract_rehired_retiree"),
    ("contract_enterprise_employee", "企事业单位在职", "contract_enterprise_employee"),
    ("contract_other_unit_part_time", "其他单位兼职", "contract_other_unit_part_time"),
    ("contract_civil_servant", "国家机关在职", "contract_civil_servant"),
    ("contract_other", "其他合同", "contract_other"),
    ("age_35_or_under", "35岁及以下", "age_35_or_under"),
    ("age_36_to_50", "36至50岁", "age_36_to_50"),
    ("age_51_to_60", "51至60岁", "age_51_to_60"),
    ("age_over_60", "60岁以上", "age_over_60"),
    ("edu_high_school_or_below", "高中及以下", "edu_high_school_or_below"),
    ("edu_college_or_bachelor", "大专及本科", "edu_college_or_bachelor"),
    ("edu_master_or_above", "硕士及以上", "edu_master_or_above"),
    ("returned_from_abroad", "留学归国", "returned_from_abroad"),
    ("social_worker_certified", "社工证书", "social_worker_certified"),
    ("other_certified", "其他职业资格", "other_certified"),
]
MONEY_HEADERS = [
    ("net_assets", "净资产", "net_assets"),
    ("total_income", "总收入", "total_income"),
    ("total_expenditure", "总支出", "total_expenditure"),
]


@register_importer
class InspectionImporter(Importer):
    kind = "inspections"
    label = gettext_lazy("Annual-inspection data")
    capability = P.REVIEW_INSPECTION
    columns = [
        Column(
            "uscc",
            "统一社会信用代码",
            "uscc",
            True,
            parse_uscc,
            gettext_lazy("The organization's code (it must be registered)."),
        ),
        Column("year", "年度", "year", True, parse_year, gettext_lazy("The year reported on.")),
        Column(
            "due_on", "截止日期", "due_on", False, parse_date, gettext_lazy("Empty: 31 May of the next year.")
        ),
        *[Column(k, zh, en, True, parse_count) for k, zh, en in STAFF_HEADERS],
        *[
            Column(k, zh, en, True, parse_money, gettext_lazy("Yuan, not negative."))
            for k, zh, en in MONEY_HEADERS
        ],
        Column("activities", "活动情况", "activities", False, text(20000)),
        Column("party_building", "党建情况", "party_building", False, text(20000)),
        Column(
            "result",
            "年检结论",
            "result",
            False,
            choice(RESULT_WORDS),
            gettext_lazy("合格, 基本合格 or 不合格; empty: submitted, not yet reviewed."),
        ),
        Column(
            "result_reason",
            "结论说明",
            "result_reason",
            False,
            text(2000),
            gettext_lazy("Required unless 合格."),
        ),
    ]

    def __init__(self, actor):
        super().__init__(actor)
        self.seen: dict[tuple, int] = {}

    def validate_row(self, row: Row):
        v = row.values
        key = (v["uscc"], v["year"])
        first = self.seen.setdefault(key, row.number)
        if first != row.number:
            raise ValidationError(
                {"year": _("The same organization and year are on row %(row)d.") % {"row": first}}
            )
        check_staff({f: v[f] for f in STAFF_FIELDS})
        if v["result"] and v["result"] != AnnualInspection.Result.QUALIFIED and not v["result_reason"]:
            raise ValidationError({"result_reason": _("Give the reason for this result.")})
        return dict(v)

    def check_rows(self, rows):
        codes = sorted({r.prepared["uscc"] for r in rows})
        self.orgs: dict[str, SocialOrganization] = {}
        for i in range(0, len(codes), BATCH):
            for org in SocialOrganization.objects.filter(uscc__in=codes[i : i + BATCH]).select_related(
                "area"
            ):
                self.orgs[org.uscc] = org
        self.existing: dict[tuple, AnnualInspection] = {}
        ids = [o.pk for o in self.orgs.values()]
        for i in range(0, len(ids), BATCH):
            for ins in AnnualInspection.objects.filter(organization_id__in=ids[i : i + BATCH]):
                self.existing[(ins.organization_id, ins.year)] = ins
        errors = []
        for row in rows:
            org = self.orgs.get(row.prepared["uscc"])
            if org is None:
                errors.append((row.number, "uscc", _("No organization is registered with this code.")))
                continue
            try:
                self.require_area(org.area, column="uscc")
            except ValidationError:
                errors.append((row.number, "uscc", _("This organization is outside your areas.")))
                continue
            if row.prepared["year"] < org.registered_on.year:
                errors.append((row.number, "year", _("The organization was not registered in that year.")))
            found = self.existing.get((org.pk, row.prepared["year"]))
            if found is not None and found.state == AnnualInspection.State.REVIEWED:
                errors.append((row.number, "year", _("This report has already been reviewed.")))
        return errors

    def write(self, rows) -> int:
        now = timezone.now()
        user = self.actor if getattr(self.actor, "pk", None) else None
        new, changed = [], []
        for row in rows:
            v = row.prepared
            org = self.orgs[v["uscc"]]
            ins = self.existing.get((org.pk, v["year"]))
            if ins is None:
                ins = AnnualInspection(organization=org, org_type=org.org_type, year=v["year"])
                ins.set_area(org.area)
                new.append(ins)
            else:
                changed.append(ins)
            ins.due_on = v["due_on"] or ins.due_on or dt.date(v["year"] + 1, 5, 31)
            for field in [*STAFF_FIELDS, *MONEY_FIELDS]:
                setattr(ins, field, v[field])
            ins.activities = v["activities"] or ins.activities or ""
            ins.party_building = v["party_building"] or ins.party_building or ""
            ins.submitted_at = ins.submitted_at or now
            ins.submitted_by = ins.submitted_by or user
            if v["result"]:
                ins.state = AnnualInspection.State.REVIEWED
                ins.result, ins.result_reason = v["result"], v["result_reason"] or ""
                ins.reviewed_at, ins.reviewed_by = now, user
            else:
                ins.state = AnnualInspection.State.SUBMITTED
        AnnualInspection.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            fields = [
                "due_on",
                *STAFF_FIELDS,
                *MONEY_FIELDS,
                "activities",
                "party_building",
                "submitted_at",
                "submitted_by",
                "state",
                "result",
                "result_reason",
                "reviewed_at",
                "reviewed_by",
            ]
            AnnualInspection.objects.bulk_update(changed, fields, batch_size=BATCH)
        audit.record_bulk(
            self.actor, "inspection.imported", [*new, *changed], details=lambda i: {"year": i.year}
        )
        return len(new) + len(changed)
