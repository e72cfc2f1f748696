"""Every change in matching: publish and withdraw resources, publish and close needs, accept a pair into
a project, and run the project (plan, schedule, start, complete with results, cancel).

Capacity is consumed by a conditional update (`remaining >= quantity`), and a need is taken by a
conditional update (`state = open`), so two workers accepting at once never promise the same
capacity or the same need twice. Figures are appended as rollup deltas after commit.
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.models import RoleAssignment
from gongzhi.accounts.roles import ScopeKind
from gongzhi.areas.models import Area
from gongzhi.core import audit, policy, rollups

from . import matcher
from . import permissions as P
from .models import MatchedProject, Need, Resource
from .validation import check_kind, check_period, check_source, clean_text, positive_int

NEEDS_MET = "matching.needs_met"
RESOURCES_USED = "matching.resources_used"
PROJECTS_COMPLETED = "matching.projects_completed"

NEED_AREA_KINDS = {
    "street",
    "town",
    "community",
    "residents_committee",
    "village_committee",
    "compound",
    "grid",
}
PUBLISHER_MODELS = {
    Resource.Publisher.UNIT: ("orgs.StationedUnit", ScopeKind.STATIONED_UNIT),
    Resource.Publisher.ORGANIZATION: ("orgs.SocialOrganization", ScopeKind.SOCIAL_ORGANIZATION),
    Resource.Publisher.PARTY_ORGANIZATION: ("party.PartyOrganization", ScopeKind.PARTY_ORGANIZATION),
}

for _verb, _label in [
    ("resource.published", gettext_lazy("resource published")),
    ("resource.withdrawn", gettext_lazy("resource withdrawn")),
    ("need.published", gettext_lazy("need published")),
    ("need.closed", gettext_lazy("need closed")),
    ("match.accepted", gettext_lazy("resource–need pair accepted as a project")),
    ("project.updated", gettext_lazy("project plan or schedule changed")),
    ("project.started", gettext_lazy("project started")),
    ("project.completed", gettext_lazy("project completed")),
    ("project.cancelled", gettext_lazy("project cancelled")),
]:
    audit.register_verb(_verb, _label)


def _notice_kind():
    from gongzhi.notices.actions import register_kind

    return register_kind("matching.project", gettext_lazy("resource matched to a need"))


PROJECT_KIND = _notice_kind()


# --- figures ----------------------------------------------------------------------------------------
def _count_by(rows) -> dict:
    values: dict = {}
    for area_id, moment in rows:
        key = (area_id, rollups.period_of(moment))
        num, den = values.get(key, (0, 0))
        values[key] = (num + 1, den)
    return values


def _recompute_resources_used() -> dict:
    rows = MatchedProject.objects.exclude(state=MatchedProject.State.CANCELLED).values_list(
        "resource__area_id", "accepted_at"
    )
    return _count_by(rows)


def _recompute_completed() -> dict:
    rows = MatchedProject.objects.filter(state=MatchedProject.State.COMPLETED).values_list(
        "area_id", "completed_at"
    )
    return _count_by((a, m) for a, m in rows if m is not None)


def _recompute_needs_met() -> dict:
    rows = MatchedProject.objects.filter(state=MatchedProject.State.COMPLETED).values_list(
        "need__area_id", "completed_at"
    )
    return _count_by((a, m) for a, m in rows if m is not None)


rollups.register_figure(RESOURCES_USED, _recompute_resources_used)
rollups.register_figure(PROJECTS_COMPLETED, _recompute_completed)
rollups.register_figure(NEEDS_MET, _recompute_needs_met)


def _delta_after_commit(area_id: int, figure: str, moment, amount: int) -> None:
    period = rollups.period_of(moment)
    transaction.on_commit(lambda: rollups.add_delta(area_id, figure, period, amount))


# --- publishers -------------------------------------------------------------------------------------
def resolve_publisher(publisher_kind: str, publisher_id):
    """(the publishing body, its scope kind) — a ValidationError for unknown or unavailable bodies."""
    if publisher_kind not in PUBLISHER_MODELS:
        raise ValidationError(
            {"publisher_kind": _("Choose a stationed unit, a social organization or a party organization.")}
        )
    label, scope_kind = PUBLISHER_MODELS[publisher_kind]
    try:
        model = apps.get_model(label)
    except LookupError:
        raise ValidationError(
            {"publisher_kind": _("Party organizations cannot publish resources yet.")}
        ) from None
    try:
        body = model.objects.select_related("area").get(pk=int(publisher_id))
    except (model.DoesNotExist, TypeError, ValueError, OverflowError):
        raise ValidationError({"publisher_id": _("Unknown publisher.")}) from None
    if getattr(body, "is_active", True) is False or getattr(body, "status", "") == "deregistered":
        raise ValidationError({"publisher_id": _("This publisher is no longer active.")})
    return body, scope_kind


def publishers_for(user) -> list[tuple[str, int, str]]:
    """(publisher kind, id, name) of the bodies the user publishes for through a body assignment."""
    result = []
    for pub_kind, (label, scope_kind) in PUBLISHER_MODELS.items():
        ids = policy.body_ids(user, P.PUBLISH_RESOURCE, scope_kind) if user is not None else set()
        if not ids:
            continue
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for body in model.objects.filter(pk__in=ids).order_by("name"):
            result.append((str(pub_kind), body.pk, str(body)))
    return result


def publisher_user_ids(resource: Resource) -> list[int]:
    _label, scope_kind = PUBLISHER_MODELS[resource.publisher_kind]
    return list(
        RoleAssignment.objects.active()
        .filter(scope_kind=scope_kind, scope_id=resource.publisher_id)
        .values_list("user_id", flat=True)
        .distinct()
    )


def _require_publisher(actor, resource: Resource) -> None:
    body, scope_kind = resolve_publisher(resource.publisher_kind, resource.publisher_id)
    policy.require(actor, P.PUBLISH_RESOURCE, body=body, body_kind=scope_kind)


# --- resources --------------------------------------------------------------------------------------
def publish_resource(
    *,
    actor,
    publisher_kind: str,
    publisher_id,
    area: Area,
    kind: str,
    title: str,
    capacity,
    available_from,
    available_until,
    description: str = "",
    unit: str = "",
) -> Resource:
    """A body offers something (a venue, equipment, a service, volunteers, funds) to an area for a time."""
    body, scope_kind = resolve_publisher(publisher_kind, publisher_id)
    policy.require(actor, P.PUBLISH_RESOURCE, body=body, body_kind=scope_kind)
    errors: dict = {}
    if not isinstance(area, Area):
        errors["area"] = _("Choose the area the resource serves.")
    check_kind(errors, kind)
    title = clean_text(errors, "title", title, 160)
    description = clean_text(errors, "description", description, 5000, required=False)
    unit = clean_text(errors, "unit", unit, 20, required=False)
    capacity = positive_int(errors, "capacity", capacity)
    start, end = check_period(
        errors,
        "available_from",
        "available_until",
        available_from,
        available_until,
        _("Availability must end after it starts."),
    )
    if end and "available_until" not in errors and end <= timezone.now():
        errors["available_until"] = _("Availability must end in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        resource = Resource(
            publisher_kind=publisher_kind,
            publisher_id=body.pk,
            publisher_label=str(body)[:120],
            kind=kind,
            title=title,
            description=description,
            capacity=capacity,
            remaining=capacity,
            unit=unit,
            available_from=start,
            available_until=end,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        resource.set_area(area)
        resource.save()
        audit.record(
            actor,
            "resource.published",
            resource,
            details={"kind": kind, "capacity": capacity, "publisher": resource.publisher_label},
        )
    return resource


def withdraw_resource(*, actor, resource: Resource) -> Resource:
    """Stop offering the rest of a resource; projects already accepted keep what they hold."""
    _require_publisher(actor, resource)
    with transaction.atomic():
        changed = (
            Resource.objects.filter(pk=resource.pk)
            .exclude(state=Resource.State.WITHDRAWN)
            .update(state=Resource.State.WITHDRAWN)
        )
        if not changed:
            raise ValidationError({"state": _("This resource has already been withdrawn.")})
        resource.refresh_from_db()
        audit.record(actor, "resource.withdrawn", resource, details={"remaining": resource.remaining})
    return resource


# --- needs ------------------------------------------------------------------------------------------
def publish_need(
    *,
    actor,
    area: Area,
    kind: str,
    title: str,
    wanted_from,
    wanted_until,
    description: str = "",
    place: str = "",
    people_count=1,
    quantity=1,
    source_type: str = "",
    source_id=None,
) -> Need:
    """A committee or a resident says what is needed, where, when, for how many people."""
    errors: dict = {}
    if not isinstance(area, Area):
        raise ValidationError({"area": _("Choose the area of the need.")})
    policy.require(actor, P.PUBLISH_NEED, area=area)
    if area.kind not in NEED_AREA_KINDS:
        errors["area"] = _("Choose a street/town or a place inside one.")
    check_kind(errors, kind)
    title = clean_text(errors, "title", title, 160)
    description = clean_text(errors, "description", description, 5000, required=False)
    place = clean_text(errors, "place", place, 200, required=False)
    people_count = positive_int(errors, "people_count", people_count, default=1)
    quantity = positive_int(errors, "quantity", quantity, default=1)
    start, end = check_period(
        errors,
        "wanted_from",
        "wanted_until",
        wanted_from,
        wanted_until,
        _("The wanted period must end after it starts."),
    )
    source_type, source_id = check_source(errors, source_type or "", source_id)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        need = Need(
            kind=kind,
            title=title,
            description=description,
            place=place,
            wanted_from=start,
            wanted_until=end,
            people_count=people_count,
            quantity=quantity,
            created_by=actor if getattr(actor, "pk", None) else None,
            source_type=source_type,
            source_id=source_id,
        )
        need.set_area(area)
        need.save()
        audit.record(
            actor,
            "need.published",
            need,
            details={
                "kind": kind,
                "quantity": quantity,
                "source": f"{source_type}:{source_id}" if source_type else "",
            },
        )
    return need


def close_need(*, actor, need: Need) -> Need:
    """Close an open need nobody will serve (a matched need is closed by completing or cancelling its project)."""
    if not (
        policy.can(actor, P.MATCH, area=need.area) or (actor is not None and need.created_by_id == actor.pk)
    ):
        raise PermissionDenied(P.MATCH)
    with transaction.atomic():
        if not Need.objects.filter(pk=need.pk, state=Need.State.OPEN).update(state=Need.State.CLOSED):
            raise ValidationError({"state": _("Only an open need can be closed.")})
        need.refresh_from_db()
        audit.record(actor, "need.closed", need)
    return need


# --- accepting a pair -------------------------------------------------------------------------------
def accept_pair(
    *,
    actor,
    resource: Resource,
    need: Need,
    quantity=None,
    title: str = "",
    plan: str = "",
    starts_at=None,
    ends_at=None,
) -> MatchedProject:
    """A community worker accepts a proposed pair: it becomes a project holding the capacity it uses."""
    policy.require(actor, P.MATCH, area=need.area)
    resource.refresh_from_db()
    need.refresh_from_db()
    pair = matcher.score(resource, need)
    errors: dict = {}
    if need.state != Need.State.OPEN:
        errors["need"] = _("This need is no longer open.")
    if resource.state != Resource.State.PUBLISHED:
        errors["resource"] = _("This resource is no longer offered.")
    elif pair is None:
        errors["resource"] = _("This resource cannot serve this need (kind, place, time or capacity).")
    if errors:
        raise ValidationError(errors)
    quantity = positive_int(errors, "quantity", quantity, default=pair.quantity)
    title = clean_text(errors, "title", title, 160, required=False) or need.title
    plan = clean_text(errors, "plan", plan, 10000, required=False)
    start = max(resource.available_from, need.wanted_from) if starts_at is None else starts_at
    end = min(resource.available_until, need.wanted_until) if ends_at is None else ends_at
    start, end = check_period(
        errors, "starts_at", "ends_at", start, end, _("The project must end after it starts.")
    )
    if (
        start
        and end
        and "ends_at" not in errors
        and (start < resource.available_from or end > resource.available_until)
    ):
        errors["starts_at"] = _("The schedule must lie within the resource's availability.")
    if not errors and quantity > resource.remaining:
        errors["quantity"] = _("Only %(n)d remain of this resource.") % {"n": resource.remaining}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if not Need.objects.filter(pk=need.pk, state=Need.State.OPEN).update(state=Need.State.MATCHED):
            raise ValidationError({"need": _("This need has just been matched by someone else.")})
        taken = Resource.objects.filter(
            pk=resource.pk, state=Resource.State.PUBLISHED, remaining__gte=quantity
        ).update(remaining=F("remaining") - quantity)
        if not taken:
            raise ValidationError({"quantity": _("This capacity has just been promised to another need.")})
        Resource.objects.filter(pk=resource.pk, remaining=0, state=Resource.State.PUBLISHED).update(
            state=Resource.State.EXHAUSTED
        )
        project = MatchedProject(
            resource=resource,
            need=need,
            title=title,
            quantity=quantity,
            plan=plan,
            starts_at=start,
            ends_at=end,
            score=pair.score,
            score_reasons=pair.reasons,
            accepted_by=actor if getattr(actor, "pk", None) else None,
        )
        project.set_area(need.area)
        project.save()
        audit.record(
            actor,
            "match.accepted",
            project,
            details={
                "resource": resource.pk,
                "need": need.pk,
                "quantity": quantity,
                "score": str(pair.score),
            },
        )
        _delta_after_commit(resource.area_id, RESOURCES_USED, project.accepted_at, 1)
        _notify_parties(project, _("Your resource was matched: %(title)s") % {"title": project.title})
    resource.refresh_from_db()
    need.refresh_from_db()
    return project


def _notify_parties(project: MatchedProject, title: str) -> None:
    from django.urls import reverse

    from gongzhi.notices.actions import notify

    recipients = set(publisher_user_ids(project.resource))
    if project.need.created_by_id:
        recipients.add(project.need.created_by_id)
    if recipients:
        notify(
            actor=None,
            recipients=recipients,
            kind=PROJECT_KIND,
            title=title[:200],
            url=reverse("matching:project", args=[project.pk]),
        )


# --- running the project ----------------------------------------------------------------------------
def _locked_project(project: MatchedProject, states) -> MatchedProject:
    row = MatchedProject.objects.select_for_update().select_related("resource", "need").get(pk=project.pk)
    if row.state not in states:
        raise ValidationError(
            {
                "state": _("This cannot be done to a project that is %(state)s.")
                % {"state": row.get_state_display()}
            }
        )
    return row


LIVE = (MatchedProject.State.PLANNED, MatchedProject.State.RUNNING)


def update_project(*, actor, project: MatchedProject, title=None, plan=None, starts_at=None, ends_at=None):
    """Change the plan or the schedule (inside the resource's availability)."""
    policy.require(actor, P.MATCH, area=project.area)
    with transaction.atomic():
        row = _locked_project(project, LIVE)
        errors: dict = {}
        if title is not None:
            row.title = clean_text(errors, "title", title, 160)
        if plan is not None:
            row.plan = clean_text(errors, "plan", plan, 10000, required=False)
        start = row.starts_at if starts_at is None else starts_at
        end = row.ends_at if ends_at is None else ends_at
        start, end = check_period(
            errors, "starts_at", "ends_at", start, end, _("The project must end after it starts.")
        )
        res = row.resource
        if (
            start
            and end
            and "ends_at" not in errors
            and (start < res.available_from or end > res.available_until)
        ):
            errors["starts_at"] = _("The schedule must lie within the resource's availability.")
        if errors:
            raise ValidationError(errors)
        row.starts_at, row.ends_at = start, end
        row.save(update_fields=["title", "plan", "starts_at", "ends_at"])
        audit.record(actor, "project.updated", row, details={"starts_at": start, "ends_at": end})
    return row


def start_project(*, actor, project: MatchedProject) -> MatchedProject:
    policy.require(actor, P.MATCH, area=project.area)
    with transaction.atomic():
        row = _locked_project(project, (MatchedProject.State.PLANNED,))
        row.state = MatchedProject.State.RUNNING
        row.save(update_fields=["state"])
        audit.record(actor, "project.started", row)
    return row


def complete_project(*, actor, project: MatchedProject, results: str) -> MatchedProject:
    """Record the results; the need counts as met."""
    policy.require(actor, P.MATCH, area=project.area)
    errors: dict = {}
    results = clean_text(errors, "results", results, 10000)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = _locked_project(project, LIVE)
        row.state = MatchedProject.State.COMPLETED
        row.results = results
        row.completed_at = timezone.now()
        row.save(update_fields=["state", "results", "completed_at"])
        Need.objects.filter(pk=row.need_id).update(state=Need.State.MET)
        audit.record(actor, "project.completed", row)
        _delta_after_commit(row.area_id, PROJECTS_COMPLETED, row.completed_at, 1)
        _delta_after_commit(row.need.area_id, NEEDS_MET, row.completed_at, 1)
        _notify_parties(row, _("Project completed: %(title)s") % {"title": row.title})
    return row


def cancel_project(*, actor, project: MatchedProject, reason: str) -> MatchedProject:
    """Cancel: the capacity goes back to the resource and the need is open again."""
    policy.require(actor, P.MATCH, area=project.area)
    errors: dict = {}
    reason = clean_text(errors, "reason", reason, 1000)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = _locked_project(project, LIVE)
        row.state = MatchedProject.State.CANCELLED
        row.results = reason
        row.save(update_fields=["state", "results"])
        Resource.objects.filter(pk=row.resource_id).update(remaining=F("remaining") + row.quantity)
        Resource.objects.filter(pk=row.resource_id, state=Resource.State.EXHAUSTED).update(
            state=Resource.State.PUBLISHED
        )
        Need.objects.filter(pk=row.need_id, state=Need.State.MATCHED).update(state=Need.State.OPEN)
        audit.record(actor, "project.cancelled", row, details={"reason": reason, "released": row.quantity})
        _delta_after_commit(row.resource.area_id, RESOURCES_USED, row.accepted_at, -1)
    return row
