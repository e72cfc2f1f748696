"""Core pages: the role home page with the to-do inbox, and the audit log."""

import json
from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import GRANTABLE

from . import audit, policy, workitems
from .forms import AuditFilterForm
from .paging import InvalidCursor, KeysetPaginator
from .queries import audit_events_for


@login_required
def home(request):
    assignments = (
        RoleAssignment.objects.active()
        .filter(user=request.user)
        .select_related("area")
        .order_by("role", "id")
    )
    can_grant = any(a.role in GRANTABLE for a in assignments)
    return render(
        request,
        "core/home.html",
        {
            "assignments": assignments,
            "work_items": workitems.for_user(request.user),
            "can_grant": can_grant,
            "can_audit": policy.can(request.user, "core.view_audit"),
        },
    )


@login_required
def audit_log(request):
    policy.require(request.user, "core.view_audit")
    form = AuditFilterForm(request.GET or None)
    page = None
    if form.is_valid() or not request.GET:
        data = form.cleaned_data if request.GET else {}
        tz = timezone.get_current_timezone()
        qs = audit_events_for(
            request.user,
            area_id=data.get("area").pk if data.get("area") else None,
            actor_id=data.get("actor").pk if data.get("actor") else None,
            object_type=data.get("object_type") or None,
            object_id=data.get("object_id") or None,
            since=datetime.combine(data["since"], time.min, tzinfo=tz) if data.get("since") else None,
            until=datetime.combine(data["until"], time.max, tzinfo=tz) if data.get("until") else None,
        )
        try:
            page = KeysetPaginator(qs, ("-created_at",), page_size=50, name="audit").page(
                request.GET.get("cursor")
            )
        except InvalidCursor:
            messages.error(request, _("The page link is not valid; showing the first page."))
            page = KeysetPaginator(qs, ("-created_at",), page_size=50, name="audit").page(None)
    if page is not None:
        for event in page.items:
            event.verb_label = audit.VERBS.get(event.verb, event.verb)
            event.details_json = json.dumps(event.details, ensure_ascii=False, sort_keys=True)
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, "core/audit.html", {"form": form, "page": page, "query": query.urlencode()})
