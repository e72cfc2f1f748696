"""Core API: the audit log, filtered by area subtree, actor, object and date."""

import uuid
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from . import policy
from .api_schemas import ERRORS, PageOut, PageParams, paginate
from .queries import audit_events_for
from .strings import CleanStr

router = Router(tags=["core"])


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    actor_id: int | None = None
    verb: str
    object_type: str
    object_id: str
    object_repr: str
    area_id: int | None = None
    group_id: uuid.UUID
    details: dict


class AuditFilter(Schema):
    area: int | None = Field(None, ge=1, le=2**62)
    actor: int | None = Field(None, ge=1, le=2**62)
    object_type: CleanStr | None = Field(None, max_length=64)
    object_id: CleanStr | None = Field(None, max_length=64)
    since: date | None = None
    until: date | None = None


@router.get("/audit-events", response={200: PageOut[AuditEventOut], **ERRORS})
def list_audit_events(request, filters: Query[AuditFilter], params: Query[PageParams]):
    if not policy.can(request.user, "core.view_audit"):
        raise PermissionDenied
    tz = timezone.get_current_timezone()
    qs = audit_events_for(
        request.user,
        area_id=filters.area,
        actor_id=filters.actor,
        object_type=filters.object_type,
        object_id=filters.object_id,
        since=datetime.combine(filters.since, time.min, tzinfo=tz) if filters.since else None,
        until=datetime.combine(filters.until, time.max, tzinfo=tz) if filters.until else None,
    )
    return paginate(qs, params, ordering=("-created_at",), name="audit")
