"""Annual inspection (年检) / annual report: staff as category counts, finances, result and review."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.scoped import AreaScoped

from .registry import SocialOrganization

# The staff categories, in groups that must each add up to the staff total.
STAFF_GROUPS = {
    "tenure": ["full_time", "part_time"],
    "contract": [
        "contract_labour",
        "contract_rehired_retiree",
        "contract_enterprise_employee",
        "contract_other_unit_part_time",
        "contract_civil_servant",
        "contract_other",
    ],
    "age": ["age_35_or_under", "age_36_to_50", "age_51_to_60", "age_over_60"],
    "education": ["edu_high_school_or_below", "edu_college_or_bachelor", "edu_master_or_above"],
}
# Counts that are a part of the total but need not add up to it.
STAFF_SUBSETS = ["returned_from_abroad", "social_worker_certified", "other_certified"]


def _count(label):
    return models.PositiveIntegerField(label, default=0)


class AnnualInspection(AreaScoped):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for correction")
        REVIEWED = "reviewed", _("reviewed")
        EXEMPT = "exempt", _("exempt")

    class Result(models.TextChoices):
        QUALIFIED = "qualified", _("qualified")
        BASICALLY_QUALIFIED = "basically_qualified", _("basically qualified")
        UNQUALIFIED = "unqualified", _("unqualified")

    organization = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    org_type = models.CharField(max_length=24, editable=False)  # copied for statistics without a join
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    due_on = models.DateField(_("due date"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result = models.CharField(_("result"), max_length=20, choices=Result.choices, blank=True)
    result_reason = models.TextField(_("reason for the result"), blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    exempt_reason = models.CharField(_("reason for exemption"), max_length=200, blank=True)

    staff_total = _count(_("staff in total"))
    full_time = _count(_("full-time"))
    part_time = _count(_("part-time"))
    contract_labour = _count(_("labour contract"))
    contract_rehired_retiree = _count(_("re-employed retirees"))
    contract_enterprise_employee = _count(_("employed by an enterprise or institution"))
    contract_other_unit_part_time = _count(_("part-time from another unit"))
    contract_civil_servant = _count(_("serving civil servants"))
    contract_other = _count(_("other"))
    age_35_or_under = _count(_("35 or under"))
    age_36_to_50 = _count(_("36–50"))
    age_51_to_60 = _count(_("51–60"))
    age_over_60 = _count(_("over 60"))
    edu_high_school_or_below = _count(_("high school or below"))
    edu_college_or_bachelor = _count(_("college or bachelor's degree"))
    edu_master_or_above = _count(_("master's degree or above"))
    returned_from_abroad = _count(_("returned from study abroad (half a year or more)"))
    social_worker_certified = _count(_("social-worker certificate holders"))
    other_certified = _count(_("other professional qualifications"))

    net_assets = models.DecimalField(
        _("net assets (yuan)"), max_digits=16, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    total_income = models.DecimalField(
        _("total income (yuan)"),
        max_digits=16,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    total_expenditure = models.DecimalField(
        _("total expenditure (yuan)"),
        max_digits=16,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    activities = models.TextField(_("activities"), blank=True)
    party_building = models.TextField(_("party building"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    class Meta:
        verbose_name = _("annual inspection")
        verbose_name_plural = _("annual inspections")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="inspection_one_per_year")
        ]
        indexes = [
            models.Index(fields=["year", "state", "area_path"], name="inspection_year_state_area"),
            models.Index(fields=["year", "due_on", "id"], name="inspection_year_due"),
        ]

    def __str__(self):
        return f"{self.organization} {self.year}"

    @property
    def scope_kind(self):
        return None
