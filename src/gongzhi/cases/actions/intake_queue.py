"""Queued intake (受理队列): accept a report as one row now, receive it as a case in a worker.

`accept_report` checks the report exactly as `receive_case` does (every field, the reporter's right
to report there) and stores an `IntakeTicket`: one INSERT, so the hotline and Open311 clients are
answered in milliseconds even in a burst. After commit it asks for a drain; `drain_queue` (a Celery
task when a broker is configured, inline otherwise, and a sweep job that catches anything left)
claims waiting tickets with SKIP LOCKED, so several workers can drain side by side, and receives each
as a case in its own transaction, with the ticket's submission time as the case's received time. A
ticket whose report no longer passes (a category retired meanwhile) is rejected with the reasons.
"""

import logging
import secrets

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, sweeps, tasks
from gongzhi.people.models import Dwelling

from ..models import IntakeTicket
from . import common
from .intake import check_report, receive_case

logger = logging.getLogger(__name__)

DRAIN_FLAG = "gongzhi:cases:intake-drain"
# A drain asked for while one is running is not queued twice; a worker that died holding the flag
# lets it expire, and the sweep drains what it left.
DRAIN_FLAG_SECONDS = 120
DRAIN_TASK = "gongzhi.cases.actions.intake_queue.drain_queue"

audit.register_verb("case.intake_rejected", gettext_lazy("queued report rejected"))


def new_token() -> str:
    return secrets.token_hex(16)


def accept_report(
    *,
    actor,
    category,
    area,
    channel,
    title,
    description,
    address="",
    latitude=None,
    longitude=None,
    coordinate_system="wgs84",
    reporter_name="",
    reporter_phone="",
    anonymous=False,
    urgent=False,
    dwelling=None,
    attributes=None,
    source_type="",
    source_id=None,
    token="",
) -> IntakeTicket:
    """Check a report and queue it; raises ValidationError / PermissionDenied with nothing written."""
    found = check_report(
        actor=actor,
        category=category,
        area=area,
        channel=channel,
        title=title,
        description=description,
        address=address,
        latitude=latitude,
        longitude=longitude,
        coordinate_system=coordinate_system,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        anonymous=anonymous,
        dwelling=dwelling,
        attributes=attributes,
    )
    lat, lng = found["coords"]
    payload = {
        "category": found["category"].pk,
        "area": found["area"].pk,
        "title": found["title"],
        "description": found["description"],
        "address": found["address"],
        # Already WGS-84: the drain must not convert them again.
        "latitude": None if lat is None else str(lat),
        "longitude": None if lng is None else str(lng),
        "reporter_name": "" if anonymous else found["reporter_name"],
        "anonymous": bool(anonymous),
        "urgent": bool(urgent),
        "dwelling": getattr(dwelling, "pk", None),
        "attributes": found.get("attributes", {}),
        "source_type": source_type or "",
        "source_id": source_id,
    }
    ticket = IntakeTicket(
        token=token or new_token(),
        submitted_at=common.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        channel=channel,
        payload=payload,
        reporter_phone=found["phone"] or None,
    )
    ticket.save()  # the one statement of the request
    transaction.on_commit(request_drain)
    return ticket


def request_drain() -> None:
    """Ask for a drain unless one is already asked for or running (the flag lives in the shared cache)."""
    if cache.add(DRAIN_FLAG, "1", DRAIN_FLAG_SECONDS):
        tasks.run_task(DRAIN_TASK)


def drain_queue() -> dict:
    """Receive waiting tickets as cases until none is left: {"received": n, "rejected": m}."""
    counts = {"received": 0, "rejected": 0}
    try:
        while True:
            outcome = _take_one()
            if outcome is not None:
                counts[outcome] += 1
                continue
            # Lower the flag, then look once more: a ticket committed while the flag was up did not
            # ask for a drain of its own, and must not wait for the sweep.
            cache.delete(DRAIN_FLAG)
            if not IntakeTicket.objects.filter(state=IntakeTicket.State.PENDING).exists():
                return counts
            if not cache.add(DRAIN_FLAG, "1", DRAIN_FLAG_SECONDS):
                return counts  # another drain has taken over
    except Exception:
        # The ticket being received stays waiting (its transaction rolled back) for the next drain.
        cache.delete(DRAIN_FLAG)
        logger.exception("intake drain stopped")
        raise


def _take_one() -> str | None:
    """Claim the oldest waiting ticket nobody else holds and receive it; None when the queue is empty."""
    with transaction.atomic():
        ticket = (
            IntakeTicket.objects.select_for_update(skip_locked=True)
            .filter(state=IntakeTicket.State.PENDING)
            .order_by("id")
            .first()
        )
        if ticket is None:
            return None
        try:
            with transaction.atomic():
                case = _receive(ticket)
        except (ValidationError, PermissionDenied) as exc:
            ticket.state = IntakeTicket.State.REJECTED
            ticket.errors = _reasons(exc)
            audit.record(
                ticket.actor, "case.intake_rejected", None, details={"token": ticket.token, **ticket.errors}
            )
        else:
            ticket.state = IntakeTicket.State.DONE
            ticket.case = case
        ticket.processed_at = common.now()
        ticket.save(update_fields=["state", "errors", "case", "processed_at"])
        return "received" if ticket.state == IntakeTicket.State.DONE else "rejected"


def _receive(ticket: IntakeTicket):
    data = dict(ticket.payload)
    dwelling_id = data.pop("dwelling", None)
    dwelling = Dwelling.objects.filter(pk=dwelling_id).first() if dwelling_id else None
    if dwelling_id and dwelling is None:
        raise ValidationError({"dwelling": _("The dwelling no longer exists.")})
    actor = ticket.actor
    if ticket.actor_id and (actor is None or not actor.is_active):
        raise PermissionDenied(_("The account that sent the report is no longer active."))
    return receive_case(
        actor=actor,
        channel=ticket.channel,
        reporter_phone=ticket.reporter_phone or "",
        dwelling=dwelling,
        open311_token=ticket.token,
        received_at=ticket.submitted_at,
        **data,
    )


def _reasons(exc) -> dict:
    if isinstance(exc, PermissionDenied):
        return {"actor": [_("You may not report a case there.")]}
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"report": [str(m) for m in exc.messages]}


@sweeps.register("cases.intake_queue")
def sweep_intake_queue(now=None) -> dict:
    """Receive what the drains left: a worker that died, a broker that was down."""
    return drain_queue()


__all__ = ["accept_report", "drain_queue", "request_drain"]
