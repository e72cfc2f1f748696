"""The registry of computed metrics: named figures of a subject over a period, each with its evidence.

Area subjects (communities, residents' committees) read the rollups (`core.rollups.read`, pending
deltas included): the case, volunteer and party figures (`party/figures.py`); organization subjects
read the orgs models (latest annual inspection result, evaluation grade); party organizations read the party models (participation of
their reported members, six-acts completion). Every metric returns a `Measure`: the value plus the
numerator, denominator and source it comes from, kept as the evidence of the score. A metric's
`basis` says in words (translated) how the value is computed; pages show it beside the numbers.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from gongzhi.core import rollups

from .models import SubjectKind

AREA = (SubjectKind.COMMUNITY, SubjectKind.COMMITTEE)
ORG = (SubjectKind.SOCIAL_ORGANIZATION,)
PARTY = (SubjectKind.PARTY_ORGANIZATION,)
TWO = Decimal("0.01")


@dataclass
class Period:
    """The round's period: months for the rollups and dates for the models."""

    year: int
    stage: str
    period_from: str  # YYYY-MM
    period_to: str

    @property
    def start(self) -> dt.date:
        return dt.date(int(self.period_from[:4]), int(self.period_from[5:]), 1)

    @property
    def end(self) -> dt.date:
        y, m = int(self.period_to[:4]), int(self.period_to[5:])
        return dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)


def _plain(number) -> str | None:
    """A number as plain text without trailing zeros ("45", "1989.5"), the same on every database."""
    if number is None:
        return None
    return format(Decimal(number).normalize(), "f")


@dataclass
class Measure:
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    source: str = (
        ""  # machine-readable origin: "rollup cases.sat 2026-01..2026-12", "orgs.AnnualInspection 7"
    )
    details: dict = field(default_factory=dict)

    def evidence(self, metric_key: str) -> dict:
        """The JSON snapshot stored with the score."""
        return {
            "metric": metric_key,
            "value": None if self.value is None else str(self.value),
            "numerator": _plain(self.numerator),
            "denominator": _plain(self.denominator),
            "source": self.source,
            **{k: v if isinstance(v, int | str) or v is None else str(v) for k, v in self.details.items()},
        }


@dataclass
class Metric:
    key: str
    label: object
    unit: str
    kinds: tuple
    basis: object
    compute: Callable


METRICS: dict[str, Metric] = {}


def register(key: str, label, unit: str, kinds, basis):
    """Declare a metric (import time): `compute(subject, period) -> Measure`."""

    def wrap(fn):
        METRICS[key] = Metric(key, label, unit, tuple(str(k) for k in kinds), basis, fn)
        return fn

    return wrap


def for_kind(kind: str) -> list[Metric]:
    return [m for m in METRICS.values() if str(kind) in m.kinds]


def measure(key: str, subject, period: Period) -> Measure:
    """The metric's value for an evaluation Subject over the period."""
    return METRICS[key].compute(subject, period)


def q2(value) -> Decimal:
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


def _ratio(num, den, source) -> Measure:
    """A percentage with two decimals; no value when there is nothing to divide by."""
    num, den = Decimal(num or 0), Decimal(den or 0)
    return Measure(q2(num * 100 / den) if den else None, num, den, source)


# --- area subjects: rollups ----------------------------------------------------------------------
def _rollup_rate(figure: str):
    def compute(subject, period: Period) -> Measure:
        num, den = rollups.read(
            subject.area, figure, period.period_from, period.period_to, include_pending=True
        )
        return _ratio(num, den, f"rollup {figure} {period.period_from}..{period.period_to}")

    return compute


register(
    "cases.sat",
    _("case satisfaction rate (%)"),
    "%",
    AREA,
    _("satisfied and basically satisfied answers ÷ satisfaction answers, from the case figures"),
)(_rollup_rate("cases.sat"))
register(
    "cases.ontime",
    _("on-time resolution rate (%)"),
    "%",
    AREA,
    _("cases resolved by their deadline ÷ cases that fell due, from the case figures"),
)(_rollup_rate("cases.ontime"))
register(
    "cases.res",
    _("resolution rate (%)"),
    "%",
    AREA,
    _("resolutions with the problem solved ÷ resolutions, from the case figures"),
)(_rollup_rate("cases.res"))
register(
    "cases.resp",
    _("response rate (%)"),
    "%",
    AREA,
    _("acceptances within the limit ÷ dispatches, from the case figures"),
)(_rollup_rate("cases.resp"))


@register(
    "volunteers.hours",
    _("volunteer service hours"),
    "h",
    AREA,
    _("service hours recorded in the period, from the volunteer figures"),
)
def _volunteer_hours(subject, period: Period) -> Measure:
    num, _den = rollups.read(
        subject.area, "volunteers.hours", period.period_from, period.period_to, include_pending=True
    )
    return Measure(
        q2(num), q2(num), None, f"rollup volunteers.hours {period.period_from}..{period.period_to}"
    )


# The party app's rollup figures (party/figures.py): members and reported members are stocks (summed
# from the beginning to the end of the period), active members count once per calendar year.
PARTY_BEGINNING = "0001-01"


def _party_stock(area, figure: str, period: Period):
    num, _den = rollups.read(area, figure, PARTY_BEGINNING, period.period_to, include_pending=True)
    return num


@register(
    "party.report_rate",
    _("party members' report rate (%)"),
    "%",
    AREA,
    _("in-service party members living here who reported in ÷ in-service party members living here"),
)
def _report_rate(subject, period: Period) -> Measure:
    reported = _party_stock(subject.area, "party.reported", period)
    members = _party_stock(subject.area, "party.members", period)
    return _ratio(reported, members, f"rollup party.reported / party.members ..{period.period_to}")


@register(
    "party.participation_rate",
    _("reported members' participation rate (%)"),
    "%",
    AREA,
    _("reported party members with a recorded service in the period ÷ reported party members"),
)
def _participation_rate(subject, period: Period) -> Measure:
    active, _den = rollups.read(
        subject.area, "party.active", period.period_from, period.period_to, include_pending=True
    )
    reported = _party_stock(subject.area, "party.reported", period)
    return _ratio(
        active, reported, f"rollup party.active {period.period_from}..{period.period_to} / party.reported"
    )


@register(
    "party.sixacts_rate",
    _("six-acts completion of members living here (%)"),
    "%",
    AREA,
    _("six-acts commitments of the year with all six acts done ÷ commitments, by members' home area"),
)
def _area_six_acts(subject, period: Period) -> Measure:
    num, den = rollups.read(
        subject.area, "party.sixacts", period.period_from, period.period_to, include_pending=True
    )
    return _ratio(num, den, f"rollup party.sixacts {period.period_from}..{period.period_to}")


# --- social organizations: the orgs models ---------------------------------------------------------
INSPECTION_POINTS = {"qualified": Decimal(100), "basically_qualified": Decimal(60), "unqualified": Decimal(0)}
GRADE_POINTS = {"5A": 100, "4A": 80, "3A": 60, "2A": 40, "1A": 20}


@register(
    "orgs.inspection",
    _("annual inspection result"),
    "pt",
    ORG,
    _(
        "the latest reviewed annual inspection up to the year: qualified 100, basically qualified 60, unqualified 0"
    ),
)
def _inspection(subject, period: Period) -> Measure:
    from gongzhi.orgs.models import AnnualInspection

    row = (
        AnnualInspection.objects.filter(
            organization_id=subject.social_organization_id,
            state=AnnualInspection.State.REVIEWED,
            year__lte=period.year,
        )
        .order_by("-year")
        .first()
    )
    if row is None or row.result not in INSPECTION_POINTS:
        return Measure(None, source="orgs.AnnualInspection none")
    return Measure(
        INSPECTION_POINTS[row.result],
        source=f"orgs.AnnualInspection {row.pk}",
        details={"inspection_year": row.year, "result": row.result},
    )


@register(
    "orgs.grade",
    _("evaluation grade"),
    "pt",
    ORG,
    _("the evaluation grade valid at the end of the period: 5A 100, 4A 80, 3A 60, 2A 40, 1A 20, none 0"),
)
def _grade(subject, period: Period) -> Measure:
    org = subject.social_organization
    valid = bool(org.evaluation_grade) and (
        org.grade_valid_until is None or org.grade_valid_until >= period.end
    )
    if not valid:
        return Measure(Decimal(0), source="orgs.SocialOrganization.evaluation_grade none")
    return Measure(
        Decimal(GRADE_POINTS[org.evaluation_grade]),
        source="orgs.SocialOrganization.evaluation_grade",
        details={"grade": org.evaluation_grade, "valid_until": str(org.grade_valid_until or "")},
    )


# --- party organizations: the party models ------------------------------------------------------------
def _reported_member_ids(org) -> set[int]:
    from django.db.models import Q

    from gongzhi.party.models import ReportIn

    return set(
        ReportIn.objects.filter(state=ReportIn.State.ACCEPTED)
        .filter(Q(member__workplace_organization=org) | Q(member__organization=org))
        .values_list("member_id", flat=True)
    )


@register(
    "party.org_participation",
    _("participation of the organization's reported members (%)"),
    "%",
    PARTY,
    _("its reported members with a recorded service in the period ÷ its reported members"),
)
def _org_participation(subject, period: Period) -> Measure:
    from gongzhi.party.models import ServiceRecord

    member_ids = _reported_member_ids(subject.party_organization)
    active = (
        ServiceRecord.objects.filter(member_id__in=member_ids, served_on__range=(period.start, period.end))
        .values("member_id")
        .distinct()
        .count()
    )
    return _ratio(active, len(member_ids), f"party.ServiceRecord {period.start}..{period.end}")


@register(
    "party.six_acts",
    _("six-acts completion (%)"),
    "%",
    PARTY,
    _("six-acts commitments of the year with all six acts done ÷ commitments"),
)
def _six_acts(subject, period: Period) -> Measure:
    from django.db.models import Count

    from gongzhi.party.models import SixActsCommitment

    rows = list(
        SixActsCommitment.objects.filter(organization=subject.party_organization, year=period.year)
        .annotate(done=Count("records__act", distinct=True))
        .values_list("done", flat=True)
    )
    complete = sum(1 for done in rows if done >= 6)
    return _ratio(complete, len(rows), f"party.SixActsCommitment {period.year}")
