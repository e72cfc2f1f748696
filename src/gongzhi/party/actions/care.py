"""Care actions the supervision module lacks: a matter raised at a reception day (or a counselling
appointment) received as a case of the cases app, and information to an organization's members sent
as a notice of the notices app with read receipts.

The reception itself (schedule, book, matter → petition) lives in `supervision.py`; the case and the
notice are written by their own apps' actions, so their rules (intake validation, numbering, routing,
audiences, receipts) are enforced once.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, policy

from ..models import PartyOrganization, Petition, ReceptionAppointment
from ._common import require_manage

# Case.source_type of a case opened from a reception appointment (source_id: the appointment).
RECEPTION_SOURCE = "party.reception"
# The face-to-face channel: the resident raised the matter in person.
RECEPTION_CHANNEL = "visit"

audit.register_verb("reception.matter_to_case", gettext_lazy("reception matter received as a case"))


def case_for(appointment: ReceptionAppointment):
    """The case opened from this appointment, if any (found through the reporter's index, not a scan)."""
    from gongzhi.cases.models import Case

    return (
        Case.objects.filter(
            reporter_user_id=appointment.user_id, source_type=RECEPTION_SOURCE, source_id=appointment.pk
        )
        .only("id", "number", "state")
        .first()
    )


@transaction.atomic
def track_matter_as_petition(
    *, actor, appointment: ReceptionAppointment, kind=Petition.Kind.OPINION
) -> Petition:
    """The matter becomes a petition (supervision.raise_matter_as_petition, which audits it) unless it
    was already received as a case: a matter is tracked once."""
    from .supervision import raise_matter_as_petition

    appt = ReceptionAppointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
    existing = case_for(appt)
    if existing is not None:
        raise ValidationError(
            {
                "appointment": _("This matter is already received as case %(number)s.")
                % {"number": existing.number}
            }
        )
    return raise_matter_as_petition(actor=actor, appointment=appt, kind=kind)


@transaction.atomic
def raise_matter_as_case(*, actor, appointment: ReceptionAppointment, category, area=None, urgent=False):
    """A matter raised at a reception becomes a case (received, numbered and routed by the cases app);
    the resident who raised it follows it as its reporter. A matter is tracked once: as a petition or
    as a case."""
    from gongzhi.cases import permissions as case_permissions
    from gongzhi.cases.actions.intake import receive_case, resolve_area

    appt = (
        ReceptionAppointment.objects.select_for_update(of=("self",))
        .select_related("reception__organization__area", "user")
        .get(pk=appointment.pk)
    )
    org = appt.reception.organization
    require_manage(actor, org)
    if appt.petition_id:
        raise ValidationError({"appointment": _("This matter is already tracked as a petition.")})
    existing = case_for(appt)
    if existing is not None:
        raise ValidationError(
            {
                "appointment": _("This matter is already received as case %(number)s.")
                % {"number": existing.number}
            }
        )
    place = resolve_area(area or org.area)
    # The party action has authorized the secretary; the case is received in their name when they may
    # report cases there, otherwise as the system's (the party audit event names them either way).
    case_actor = actor if actor is None or policy.can(actor, case_permissions.REPORT, area=place) else None
    case = receive_case(
        actor=case_actor,
        category=category,
        area=place,
        channel=RECEPTION_CHANNEL,
        title=appt.matter[:120],
        description=appt.matter,
        reporter_user=appt.user,
        urgent=bool(urgent),
        source_type=RECEPTION_SOURCE,
        source_id=appt.pk,
    )
    audit.record(
        actor,
        "reception.matter_to_case",
        case,
        area=org.area,
        details={"appointment": appt.pk, "case": case.pk, "number": case.number},
    )
    return case


def inform_members(*, actor, organization: PartyOrganization, title, body, expires_at=None, publish_at=None):
    """知情: information to the members of one organization — a bulletin of the notices app, read
    receipts required. The notices app decides who may send to the organization's members and
    records the audit event (notice.created)."""
    from gongzhi.notices import bulletins
    from gongzhi.notices.models_bulletins import Audience, Notice

    notice = bulletins.publish_notice(
        actor=actor,
        kind=Notice.Kind.BULLETIN,
        title=title,
        body=body,
        audience_kind=Audience.PARTY_ORGANIZATION,
        audience_id=organization.pk,
        publish_at=publish_at,
        expires_at=expires_at,
        receipts_required=True,
        is_public=False,
    )
    return notice


def can_inform(user, organization: PartyOrganization) -> bool:
    from gongzhi.notices import bulletins

    return policy.can(user, bulletins.PUBLISH, body=organization, body_kind="party_organization")
