"""Read side of the care pages and API: reception days and appointments (with the petition or case each
matter became), major-matter votes with their results, the deliberation month, and information sent to
an organization's members with its read receipts. Every list is one index range, never a scan."""

from django.db.models import Q
from django.utils import timezone

from .actions.care import RECEPTION_SOURCE
from .models import Deliberation, MajorMatter, PartyOrganization, ReceptionAppointment, ReceptionDay


def upcoming_receptions(*, organization: PartyOrganization | None = None, kind: str = "", now=None):
    """Reception days and counselling sessions that have not ended, soonest first (page by starts_at)."""
    qs = ReceptionDay.objects.filter(ends_at__gt=now or timezone.now()).select_related("organization")
    if organization is not None:
        qs = qs.filter(organization=organization)
    if kind in ReceptionDay.Kind.values:
        qs = qs.filter(kind=kind)
    return qs


def past_receptions(organization: PartyOrganization, now=None):
    return ReceptionDay.objects.filter(organization=organization, ends_at__lte=now or timezone.now())


def appointments(reception: ReceptionDay) -> list[ReceptionAppointment]:
    """The appointments of one reception day, each with `.case` (the case its matter became, or None)."""
    rows = list(
        ReceptionAppointment.objects.filter(reception=reception)
        .select_related("user", "petition")
        .order_by("booked_at", "id")
    )
    attach_cases(rows)
    return rows


def attach_cases(rows) -> None:
    from gongzhi.cases.models import Case

    if not rows:
        return
    # Through the reporter index (reporter_user, received_at): the appointments' own users only.
    cases = Case.objects.filter(
        reporter_user_id__in={r.user_id for r in rows},
        source_type=RECEPTION_SOURCE,
        source_id__in=[r.pk for r in rows],
    ).only("id", "number", "state", "source_id")
    by_source = {c.source_id: c for c in cases}
    for r in rows:
        r.case = by_source.get(r.pk)


def my_appointments(user, limit=50) -> list[ReceptionAppointment]:
    rows = list(
        ReceptionAppointment.objects.filter(user=user)
        .select_related("reception__organization", "petition")
        .order_by("-id")[:limit]
    )
    attach_cases(rows)
    return rows


def my_appointment(user, reception: ReceptionDay) -> ReceptionAppointment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ReceptionAppointment.objects.filter(reception=reception, user=user).first()


def major_matters(organization: PartyOrganization, limit=None):
    """The organization's major-matter votes, newest first, with the meeting and the motion's result."""
    qs = (
        MajorMatter.objects.filter(organization=organization)
        .select_related("meeting", "motion", "item")
        .order_by("-id")
    )
    return qs[:limit] if limit else qs


def deliberations(organization: PartyOrganization, year: int):
    """党员议事月 entries of one organization and year, by month ("YYYY-MM" sorts as text)."""
    return Deliberation.objects.filter(
        organization=organization, month__gte=f"{year:04d}-01", month__lte=f"{year:04d}-12"
    ).order_by("month")


def deliberation_years(organization: PartyOrganization) -> list[int]:
    months = Deliberation.objects.filter(organization=organization).values_list("month", flat=True)[:500]
    return sorted({int(m[:4]) for m in months if m[:4].isdigit()}, reverse=True)


def information(organization: PartyOrganization):
    """Notices sent to the organization's members: one range of the notices' (area_path, publish_at)
    index (a notice's area is its audience's area) narrowed to this audience."""
    from gongzhi.notices.models_bulletins import Audience, Notice

    return Notice.objects.filter(
        area_path=organization.area.path,
        audience_kind=Audience.PARTY_ORGANIZATION,
        audience_id=organization.pk,
    )


def notice_of(organization: PartyOrganization, notice_id):
    return information(organization).filter(pk=notice_id).first()


def readers(notice, *, read: bool):
    """The receipts of one notice: who has read it (read=True, with the time) or not yet."""
    from gongzhi.notices.models_bulletins import NoticeRecipient

    return NoticeRecipient.objects.filter(notice=notice, read_at__isnull=not read).select_related("user")


def read_counts(notices) -> dict[int, int]:
    """How many have read each notice (one indexed count per notice on (notice, read_at))."""
    from gongzhi.notices.models_bulletins import NoticeRecipient

    return {
        n.pk: NoticeRecipient.objects.filter(Q(notice=n) & Q(read_at__isnull=False)).count() for n in notices
    }
