"""Queued intake API (/api/v1/cases/intake/): accept a report at once (202), follow it by its token.

For the 12345 hotline bridge and other clients that send reports in bursts: the report is checked
as POST /api/v1/cases/ checks it, stored as a ticket in one INSERT, and received as a case by a
worker moments later (cases.actions.intake_queue). POST /api/v1/cases/ stays synchronous.
"""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from gongzhi.core.api_schemas import ERRORS
from gongzhi.core.strings import CleanStr

from . import queries
from .actions import intake_queue
from .api import CaseIn
from .models import IntakeTicket

router = Router(tags=["cases"])


class QueuedCaseIn(CaseIn):
    auto_dispatch: bool = Field(True, description="Queued reports are always routed by the rules.")


class TicketOut(Schema):
    token: str
    state: str = Field(..., description="pending, done (received as a case) or rejected.")
    submitted_at: datetime
    processed_at: datetime | None = None
    case_id: int | None = None
    case_number: str | None = None
    errors: dict[str, list[str]] = Field({}, description="Why a rejected report was not received.")
    status_url: str


def _ticket_out(ticket: IntakeTicket) -> dict:
    case = ticket.case if ticket.case_id else None
    return {
        "token": ticket.token,
        "state": ticket.state,
        "submitted_at": ticket.submitted_at,
        "processed_at": ticket.processed_at,
        "case_id": ticket.case_id,
        "case_number": case.number if case else None,
        "errors": ticket.errors or {},
        "status_url": reverse("api:case_ticket", kwargs={"token": ticket.token}),
    }


@router.post("/", response={202: TicketOut, **ERRORS}, url_name="case_queue")
def queue_case(request, payload: QueuedCaseIn):
    """Check a report and queue it: 202 with a token; GET the status_url for the case number."""
    data = payload.dict()
    data.pop("auto_dispatch")
    area_id = data.pop("area_id")
    ticket = intake_queue.accept_report(actor=request.auth, area=area_id, **data)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # Without a broker the drain ran inline on commit: the ticket is a case (or rejected) already.
        ticket.refresh_from_db(fields=["state", "case", "errors", "processed_at"])
    return Status(202, _ticket_out(ticket))


@router.get("/{token}", response={200: TicketOut, **ERRORS}, url_name="case_ticket")
def get_ticket(request, token: CleanStr):
    """A queued report's state; only the account that sent it sees it."""
    return _ticket_out(queries.get_ticket_for_user(request.auth, token))
