"""Council pages: bodies and rosters, meetings with agenda, invitations, registration, check-in, minutes,
calendars, and the public pages. Thin: parse, ask visibility/policy, call an action or a query, render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.forms import apply_errors, flash_errors
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from . import actions, ical, queries, visibility
from .actions.bodies import composition_report
from .forms import (
    CouncilForm,
    SeatForm,
)
from .models import AgendaItem, Council, FeedToken, Meeting, Seat


def _outcomes_templates() -> dict:
    """Councils B's optional fragments (votes on an item, resolutions of a meeting or body), when present."""
    found = {}
    for key, name in (
        ("outcomes_item_template", "councils/outcomes/_agenda_item.html"),
        ("outcomes_meeting_template", "councils/outcomes/_meeting.html"),
        ("outcomes_council_template", "councils/outcomes/_council.html"),
    ):
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found[key] = name
    return found


def _page(request, qs, ordering, name):
    paginator = KeysetPaginator(qs, ordering, page_size=30, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


def _council(request, council_id) -> Council:
    council = get_object_or_404(Council.objects.select_related("area", "clerk"), pk=council_id)
    if not visibility.can_see_council(request.user, council):
        raise PermissionDenied
    return council


def _meeting(request, meeting_id) -> Meeting:
    meeting = get_object_or_404(
        Meeting.objects.select_related("council", "council__area", "area"), pk=meeting_id
    )
    if not visibility.can_see_meeting(request.user, meeting):
        if not request.user.is_authenticated:
            raise Http404  # do not reveal that a non-public meeting exists
        raise PermissionDenied
    return meeting


def _item(request, item_id) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting", "meeting__council"), pk=item_id)
    if not visibility.can_see_meeting(request.user, item.meeting) or not visibility.can_see_item(
        request.user, item
    ):
        raise Http404  # a confidential item is not even confirmed to exist by id
    return item


def _manageable_areas(user):
    paths = policy.area_paths(user, actions.MANAGE)
    qs = Area.objects.filter(abolished_on__isnull=True).exclude(
        kind__in=["city", "district", "compound", "grid"]
    )
    if paths is None:
        return qs.order_by("path")[:300]
    from django.db.models import Q

    from gongzhi.areas.models import subtree_q

    q = Q(pk__in=[])
    for p in paths:
        q |= subtree_q("path", p)
    return qs.filter(q).order_by("path")


# --- councils -----------------------------------------------------------------------------------------
@login_required
def council_list(request):
    kind = request.GET.get("kind") or None
    qs = queries.councils_for(request.user, kind=kind if kind in Council.Kind.values else None)
    page = _page(request, qs, queries.COUNCIL_ORDERING, f"councils-{kind}")
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "councils/council_list.html",
        {
            "page": page,
            "kinds": Council.Kind.choices,
            "kind": kind,
            "query": query.urlencode(),
            "can_create": policy.can(request.user, actions.MANAGE),
        },
    )


def _council_form_data(form):
    data = dict(form.cleaned_data)
    data["clerk"] = data.get("clerk")
    return data


@login_required
def council_create(request):
    policy.require(request.user, actions.MANAGE)
    form = CouncilForm(request.POST or None, areas=_manageable_areas(request.user))
    if request.method == "POST" and form.is_valid():
        data = _council_form_data(form)
        try:
            council = actions.create_council(actor=request.user, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The council was created."))
            return redirect("councils:council", council.pk)
    return render(
        request,
        "councils/form.html",
        {"form": form, "title": _("New council")},
        status=422 if form.errors else 200,
    )


@login_required
def council_edit(request, council_id):
    council = _council(request, council_id)
    if not visibility.can_manage_roster(request.user, council):
        raise PermissionDenied
    import json

    initial = {f: getattr(council, f) for f in actions.bodies.COUNCIL_FIELDS if f != "clerk"}
    initial["area"] = council.area
    initial["clerk"] = council.clerk.username if council.clerk else ""
    initial["composition_rules"] = (
        json.dumps(council.composition_rules, ensure_ascii=False) if council.composition_rules else ""
    )
    form = CouncilForm(request.POST or None, initial=initial, areas=Area.objects.filter(pk=council.area_id))
    if request.method == "POST" and form.is_valid():
        data = _council_form_data(form)
        data.pop("area", None)
        try:
            actions.update_council(actor=request.user, council=council, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The council was saved."))
            return redirect("councils:council", council.pk)
    return render(
        request,
        "councils/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": council.name}},
        status=422 if form.errors else 200,
    )


@login_required
def council_detail(request, council_id):
    council = _council(request, council_id)
    current, future, past = queries.seats_by_term(council)
    upcoming = queries.meetings_for(request.user, council=council, upcoming=True).order_by("starts_at", "id")[
        :20
    ]
    page = _page(
        request,
        queries.meetings_for(request.user, council=council, upcoming=False),
        queries.MEETING_ORDERING,
        f"council-{council.pk}-past",
    )
    return render(
        request,
        "councils/council_detail.html",
        {
            "council": council,
            "current": current,
            "future": future,
            "past": past,
            "composition": composition_report(council),
            "upcoming": upcoming,
            "page": page,
            "can_manage": visibility.can_manage(request.user, council),
            "can_roster": visibility.can_manage_roster(request.user, council),
            "seat_form": SeatForm(initial={"term_start": timezone.localdate()}),
        },
    )


@login_required
def seat_add(request, council_id):
    council = _council(request, council_id)
    if not visibility.can_manage_roster(request.user, council):
        raise PermissionDenied
    form = SeatForm(request.POST or None, initial={"term_start": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_seat(actor=request.user, council=council, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The seat was added."))
            return redirect("councils:council", council.pk)
    return render(
        request,
        "councils/form.html",
        {"form": form, "title": _("New seat on %(name)s") % {"name": council.name}},
        status=422 if form.errors else 200,
    )


@login_required
def seat_edit(request, seat_id):
    seat = get_object_or_404(
        Seat.objects.select_related("council", "council__area", "holder_user"), pk=seat_id
    )
    if not visibility.can_manage_roster(request.user, seat.council):
        raise PermissionDenied
    initial = {
        f: getattr(seat, f)
        for f in (
            "holder_name",
            "position",
            "represents",
            "represents_label",
            "tenure",
            "term_start",
            "term_end",
            "may_vote",
        )
    }
    initial["holder_user"] = seat.holder_user.username if seat.holder_user else ""
    form = SeatForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_seat(actor=request.user, seat=seat, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The seat was saved."))
            return redirect("councils:council", seat.council_id)
    return render(
        request,
        "councils/form.html",
        {"form": form, "title": _("Edit seat")},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def seat_end(request, seat_id):
    seat = get_object_or_404(Seat.objects.select_related("council"), pk=seat_id)
    try:
        actions.end_seat(actor=request.user, seat=seat, on=timezone.localdate())
        messages.success(request, _("The term was ended today."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("councils:council", seat.council_id)


@login_required
@require_POST
def roster_publish(request, council_id):
    council = _council(request, council_id)
    try:
        actions.publish_roster(actor=request.user, council=council)
        messages.success(
            request, _("The roster was published; its composition rules now hold on every change.")
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("councils:council", council.pk)


# --- calendars ------------------------------------------------------------------------------------------
def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def meeting_ics(request, meeting_id):
    meeting = _meeting(request, meeting_id)
    url = request.build_absolute_uri(reverse("councils:meeting", args=[meeting.pk]))
    return _ics_response(ical.meeting_ics(request.user, meeting, url), f"meeting-{meeting.pk}.ics")


@login_required
def calendar_page(request):
    token = FeedToken.objects.filter(user=request.user).first()
    meetings = queries.my_meetings(request.user).order_by("starts_at", "id")[:100]
    councils = queries.councils_for(request.user).order_by("name")[:100]
    return render(
        request, "councils/calendar.html", {"token": token, "meetings": meetings, "councils": councils}
    )


@login_required
@require_POST
def feed_reset(request):
    actions.reset_feed_token(actor=request.user)
    messages.success(request, _("Your calendar feed has a new address; the old one no longer works."))
    return redirect("councils:calendar")


def _feed_user(key):
    token = FeedToken.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        raise Http404
    return token.user


def feed_mine(request, key):
    user = _feed_user(key)
    meetings = queries.my_meetings(user, upcoming=False).filter(
        starts_at__gte=timezone.now() - dt.timedelta(days=180)
    )
    body = ical.feed_ics(
        user,
        meetings.order_by("starts_at", "id")[:500],
        _("My council meetings"),
        lambda m: request.build_absolute_uri(reverse("councils:meeting", args=[m.pk])),
    )
    return _ics_response(body, "my-meetings.ics")


def feed_council(request, key, council_id):
    user = _feed_user(key)
    council = get_object_or_404(Council, pk=council_id)
    if not visibility.can_see_council(user, council):
        raise Http404
    meetings = queries.meetings_for(user, council=council).filter(
        starts_at__gte=timezone.now() - dt.timedelta(days=180)
    )
    body = ical.feed_ics(
        user,
        meetings.order_by("starts_at", "id")[:500],
        council.name,
        lambda m: request.build_absolute_uri(reverse("councils:meeting", args=[m.pk])),
    )
    return _ics_response(body, f"council-{council.pk}.ics")


# --- public pages (no login) -----------------------------------------------------------------------------
def public_council(request, council_id):
    council = get_object_or_404(Council.objects.select_related("area"), pk=council_id, is_public=True)
    upcoming = (
        queries.public_meetings(council=council)
        .filter(ends_at__gte=timezone.now())
        .order_by("starts_at", "id")[:20]
    )
    page = _page(
        request,
        queries.public_meetings(council=council).filter(ends_at__lt=timezone.now()),
        queries.MEETING_ORDERING,
        f"public-{council.pk}",
    )
    current, _future, _past = queries.seats_by_term(council)
    return render(
        request,
        "councils/public_council.html",
        {"council": council, "upcoming": upcoming, "page": page, "seats": current, **_outcomes_templates()},
    )


def public_meeting(request, meeting_id):
    meeting = get_object_or_404(Meeting.objects.select_related("council", "area"), pk=meeting_id)
    if not visibility.is_public_meeting(meeting):
        raise Http404
    anonymous = queries._Anonymous()
    agenda = visibility.agenda_for(anonymous, meeting)
    return render(
        request,
        "councils/public_meeting.html",
        {
            "meeting": meeting,
            "agenda": agenda,
            "minutes": queries.minutes_for(None, meeting, public=True),
            **_outcomes_templates(),
        },
    )


def public_council_ics(request, council_id):
    council = get_object_or_404(Council, pk=council_id, is_public=True)
    meetings = queries.public_meetings(council=council).filter(
        starts_at__gte=timezone.now() - dt.timedelta(days=180)
    )
    body = ical.feed_ics(
        queries._Anonymous(),
        meetings.order_by("starts_at", "id")[:500],
        council.name,
        lambda m: request.build_absolute_uri(reverse("councils:public_meeting", args=[m.pk])),
    )
    return _ics_response(body, f"council-{council.pk}-public.ics")
