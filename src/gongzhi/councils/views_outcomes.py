"""Pages of votes, resolutions and public accountability, and action items; the helpers all outcome pages share.

Thin: each page parses its input, asks visibility/policy, calls one action or query, and renders.
Proposals have their pages in views_proposals.py, agreements in views_agreements.py, elections in
views_elections.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts.models import User
from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.forms import apply_errors, flash_errors
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from . import queries_outcomes as q
from . import visibility
from .actions import MANAGE
from .actions import outcomes as oa
from .actions import votes as va
from .forms_outcomes import ActionItemForm, BallotForm, MotionForm, ProgressForm, ReasonForm, RecordBallotForm
from .models import ActionItem, AgendaItem, Council, Motion, Resolution


# --- helpers -------------------------------------------------------------------------------------------
def page_of(request, qs, ordering, name):
    paginator = KeysetPaginator(qs, ordering, page_size=30, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


def query_without_cursor(request) -> str:
    query = request.GET.copy()
    query.pop("cursor", None)
    return query.urlencode()


def area_from_request(request, capability=None) -> Area:
    """?area=id (inside the user's scope when a capability is asked), else the user's first scope area,
    else the root of the tree (public pages)."""
    raw = request.GET.get("area") or request.POST.get("area_id")
    if raw:
        try:
            area = Area.objects.get(pk=int(raw))
        except (Area.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        if capability:
            policy.require(request.user, capability, area=area)
        return area
    paths = policy.area_paths(request.user, capability or MANAGE) if request.user.is_authenticated else []
    if paths:
        area = Area.objects.filter(path=paths[0]).first()
        if area is not None:
            return area
    if capability and not policy.can(request.user, capability):
        raise PermissionDenied
    area = Area.objects.filter(parent__isnull=True).order_by("path").first()
    if area is None:
        raise Http404
    return area


def _done(request, message, to, *args):
    messages.success(request, message)
    return redirect(to, *args)


# --- public accountability -----------------------------------------------------------------------------
def accountability(request):
    area = area_from_request(request)
    page = page_of(
        request, q.resolutions_for(request.user, area=area), q.RESOLUTION_ORDERING, f"acc-{area.pk}"
    )
    q.with_items(page.items)
    councils = visibility.council_queryset_for(request.user).filter(area=area).order_by("name")[:50]
    return render(
        request,
        "councils/outcomes/accountability.html",
        {
            "area": area,
            "ancestors": area.ancestors(),
            "children": area.children.order_by("path")[:100],
            "councils": councils,
            "page": page,
            "query": query_without_cursor(request),
        },
    )


def council_accountability(request, council_id):
    council = get_object_or_404(Council.objects.select_related("area"), pk=council_id)
    if not visibility.can_see_council(request.user, council):
        raise Http404
    page = page_of(
        request,
        q.resolutions_for(request.user, council=council),
        q.RESOLUTION_ORDERING,
        f"acc-c-{council.pk}",
    )
    q.with_items(page.items)
    return render(
        request,
        "councils/outcomes/accountability.html",
        {"area": council.area, "council": council, "page": page, "query": query_without_cursor(request)},
    )


def resolution_detail(request, resolution_id):
    resolution = get_object_or_404(
        Resolution.objects.select_related("council", "area", "meeting", "motion"), pk=resolution_id
    )
    if not q.can_see_resolution(request.user, resolution):
        raise Http404
    q.with_items([resolution])
    manage = request.user.is_authenticated and oa.can_manage_resolution(request.user, resolution)
    for item in resolution.items:
        item.update_rows = q.updates_of(item)
        item.can_report = request.user.is_authenticated and oa.can_report_progress(request.user, item)
    return render(
        request,
        "councils/outcomes/resolution.html",
        {
            "resolution": resolution,
            "can_manage": manage,
            "item_form": ActionItemForm() if manage else None,
            "progress_form": ProgressForm(),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def action_item_add(request, resolution_id):
    resolution = get_object_or_404(Resolution, pk=resolution_id)
    form = ActionItemForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        username = data.pop("owner_username", "")
        try:
            owner_user = User.objects.filter(username=username, is_active=True).first() if username else None
            if username and owner_user is None:
                raise ValidationError({"owner_username": _("No active account has this user name.")})
            oa.add_action_item(actor=request.user, resolution=resolution, owner_user=owner_user, **data)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            return _done(
                request, _("The action item was added."), "councils_outcomes:resolution", resolution.pk
            )
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("councils_outcomes:resolution", resolution.pk)


@login_required
@require_POST
def action_item_progress(request, item_id):
    item = get_object_or_404(ActionItem.objects.select_related("resolution"), pk=item_id)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            oa.report_progress(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("Progress recorded."))
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("councils_outcomes:resolution", item.resolution_id)


@login_required
@require_POST
def action_item_cancel(request, item_id):
    item = get_object_or_404(ActionItem, pk=item_id)
    try:
        oa.cancel_action_item(actor=request.user, item=item, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The action item was cancelled."))
    return redirect("councils_outcomes:resolution", item.resolution_id)


@login_required
def my_actions(request):
    qs = q.my_action_items(request.user)
    page = page_of(request, qs, ("due_on",), f"my-actions-{request.user.pk}")
    return render(
        request, "councils/outcomes/my_actions.html", {"page": page, "query": query_without_cursor(request)}
    )


# --- motions and ballots ------------------------------------------------------------------------------
def _visible_item(request, item_id) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting", "meeting__council"), pk=item_id)
    if not visibility.can_see_meeting(request.user, item.meeting) or not visibility.can_see_item(
        request.user, item
    ):
        raise Http404
    return item


def item_votes(request, item_id):
    item = _visible_item(request, item_id)
    council = item.meeting.council
    manage = request.user.is_authenticated and visibility.can_manage(request.user, council)
    form = MotionForm(request.POST or None, initial={"threshold": council.default_threshold})
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                motion = va.create_motion(actor=request.user, item=item, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return _done(request, _("The motion was tabled."), "councils_outcomes:motion", motion.pk)
    return render(
        request,
        "councils/outcomes/item_votes.html",
        {
            "item": item,
            "meeting": item.meeting,
            "motions": q.motions_for(request.user, item),
            "form": form if manage else None,
        },
        status=422 if form.errors else 200,
    )


def _visible_motion(request, motion_id) -> Motion:
    motion = get_object_or_404(
        Motion.objects.select_related("item", "item__meeting", "item__meeting__council"), pk=motion_id
    )
    if not q.can_see_motion(request.user, motion):
        raise Http404
    return motion


def motion_detail(request, motion_id):
    motion = _visible_motion(request, motion_id)
    council = motion.item.meeting.council
    manage = request.user.is_authenticated and visibility.can_manage(request.user, council)
    mine = va.my_ballot(request.user, motion)
    options = va.ballot_options(request.user, motion)
    record_seats = []
    if manage and motion.state == Motion.State.OPEN and not motion.secret:
        voted = {b["seat_id"] for b in q.ballots_shown(motion)}
        record_seats = [s for s in va.voting_seats(motion.item.meeting) if s.pk not in voted]
    return render(
        request,
        "councils/outcomes/motion.html",
        {
            "motion": motion,
            "item": motion.item,
            "meeting": motion.item.meeting,
            "can_manage": manage,
            "my_ballot": mine,
            "options": options,
            "ballot_form": BallotForm(),
            "record_form": RecordBallotForm(seats=record_seats) if record_seats else None,
            "ballots": q.ballots_shown(motion),
            "tally": q.tally_view(motion),
            "resolution": Resolution.objects.filter(motion=motion).first(),
        },
    )


@login_required
@require_POST
def motion_vote(request, motion_id):
    motion = _visible_motion(request, motion_id)
    choice = request.POST.get("choice", "")
    seat = request.POST.get("seat") or None
    change = request.POST.get("change") == "1"
    try:
        if change:
            va.change_ballot(actor=request.user, motion=motion, choice=choice, seat=seat)
        else:
            va.cast_ballot(actor=request.user, motion=motion, choice=choice, seat=int(seat) if seat else None)
    except ValidationError as exc:
        flash_errors(request, exc)
    except ValueError:
        messages.error(request, _("Choose a seat."))
    else:
        messages.success(request, _("Your ballot was changed.") if change else _("Your ballot was cast."))
    return redirect("councils_outcomes:motion", motion.pk)


@login_required
@require_POST
def motion_transition(request, motion_id, step):
    motion = _visible_motion(request, motion_id)
    action = {"open": va.open_voting, "close": va.close_voting}.get(step)
    if action is None:
        raise Http404
    try:
        motion = action(actor=request.user, motion=motion)
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        if step == "open":
            messages.success(request, _("Voting is open."))
        else:
            messages.success(
                request, _("Voting closed: the motion %(result)s.") % {"result": motion.get_result_display()}
            )
    return redirect("councils_outcomes:motion", motion.pk)
