"""Meeting pages: scheduling, agenda and papers, invitations, registration, check-in and minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import apply_errors, flash_errors

from . import actions, queries, visibility
from .forms import AgendaItemForm, CheckInForm, InviteForm, MeetingForm, MinutesForm, PaperForm
from .models import AgendaPaper, Invitation, Meeting, MinutesSection
from .views import _council, _item, _meeting, _outcomes_templates, _page


# --- meetings --------------------------------------------------------------------------------------------
@login_required
def meeting_list(request):
    upcoming = request.GET.get("when") != "past"
    qs = queries.meetings_for(request.user, upcoming=upcoming)
    page = _page(
        request,
        qs,
        queries.UPCOMING_ORDERING if upcoming else queries.MEETING_ORDERING,
        f"meetings-{upcoming}",
    )
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(
        request,
        "councils/meeting_list.html",
        {"page": page, "upcoming": upcoming, "query": query.urlencode()},
    )


def _meeting_form_data(form):
    data = dict(form.cleaned_data)
    data["capacity"] = data.get("capacity")
    data["online_link"] = data.get("online_link") or ""
    return data


@login_required
def meeting_create(request, council_id):
    council = _council(request, council_id)
    if not visibility.can_manage(request.user, council):
        raise PermissionDenied
    initial = {}
    for key in ("kind", "subject_type", "subject_id", "subject_label", "title"):
        if request.GET.get(key):
            initial[key] = request.GET[key]
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = actions.create_meeting(actor=request.user, council=council, **_meeting_form_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("The meeting was created as a draft; add the agenda, then schedule it.")
            )
            return redirect("councils:meeting", meeting.pk)
    return render(
        request,
        "councils/form.html",
        {"form": form, "title": _("New meeting of %(name)s") % {"name": council.name}},
        status=422 if form.errors else 200,
    )


@login_required
def meeting_edit(request, meeting_id):
    meeting = _meeting(request, meeting_id)
    if not visibility.can_manage(request.user, meeting.council):
        raise PermissionDenied
    fields = (
        "kind",
        "title",
        "subject_type",
        "subject_id",
        "subject_label",
        "place",
        "online_link",
        "capacity",
        "registration_open",
        "is_public",
    )
    initial = {f: getattr(meeting, f) for f in fields}
    initial["starts_at"] = timezone.localtime(meeting.starts_at)
    initial["ends_at"] = timezone.localtime(meeting.ends_at)
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_meeting(actor=request.user, meeting=meeting, **_meeting_form_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("councils:meeting", meeting.pk)
    return render(
        request,
        "councils/form.html",
        {"form": form, "title": _("Edit meeting")},
        status=422 if form.errors else 200,
    )


def meeting_detail(request, meeting_id):
    meeting = _meeting(request, meeting_id)
    if not request.user.is_authenticated:
        return redirect("councils:public_meeting", meeting.pk)
    user = request.user
    can_manage = visibility.can_manage(user, meeting.council)
    show_minutes = can_manage or meeting.minutes_state == Meeting.MinutesState.PUBLISHED
    agenda = visibility.agenda_for(user, meeting)
    visible_ids = [row["pk"] for row in agenda if not row["hidden"]]
    papers = {}
    for paper in AgendaPaper.objects.filter(item_id__in=visible_ids).order_by("id"):
        papers.setdefault(paper.item_id, []).append(paper)
    for row in agenda:
        row["papers"] = papers.get(row["pk"], [])
    day = visibility.meeting_day(meeting)
    seats = queries.current_seats(meeting.council, day)
    context = {
        "meeting": meeting,
        "council": meeting.council,
        "agenda": agenda,
        "can_manage": can_manage,
        "quorum": queries.quorum_status(meeting),
        "invitation": queries.invitation_of(user, meeting),
        "registration": queries.registration_of(user, meeting),
        "attended": queries.attendance_by(user, meeting),
        "minutes": queries.minutes_for(user, meeting) if show_minutes else [],
        "show_minutes": show_minutes,
        "full": meeting.capacity is not None and meeting.registered_count >= meeting.capacity,
        "is_seat_holder": visibility.seat_on(user, meeting.council_id, day) is not None,
        **_outcomes_templates(),
    }
    if can_manage:
        context.update(
            {
                "invitations": queries.invitations_of(meeting),
                "attendance": queries.attendance_of(meeting),
                "item_form": AgendaItemForm(),
                "invite_form": InviteForm(),
                "checkin_form": CheckInForm(seats=seats, proxies=meeting.council.proxies_allowed),
            }
        )
    return render(request, "councils/meeting_detail.html", context)


def _meeting_post(request, meeting_id, func, success, **kwargs):
    meeting = _meeting(request, meeting_id)
    try:
        func(actor=request.user, meeting=meeting, **kwargs)
        messages.success(request, success)
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("councils:meeting", meeting.pk)


@login_required
@require_POST
def meeting_schedule(request, meeting_id):
    return _meeting_post(
        request, meeting_id, actions.schedule_meeting, _("The meeting was scheduled and the members invited.")
    )


@login_required
@require_POST
def meeting_cancel(request, meeting_id):
    return _meeting_post(
        request,
        meeting_id,
        actions.cancel_meeting,
        _("The meeting was cancelled."),
        reason=request.POST.get("reason", "")[:500],
    )


@login_required
@require_POST
def meeting_held(request, meeting_id):
    return _meeting_post(request, meeting_id, actions.mark_held, _("The meeting was marked as held."))


@login_required
@require_POST
def meeting_register(request, meeting_id):
    return _meeting_post(request, meeting_id, actions.register_for_meeting, _("You are registered."))


@login_required
@require_POST
def meeting_unregister(request, meeting_id):
    return _meeting_post(
        request, meeting_id, actions.cancel_registration, _("Your registration was cancelled.")
    )


@login_required
@require_POST
def meeting_check_in(request, meeting_id):
    """Self check-in, or (for the clerk) the check-in form with a seat or a name."""
    meeting = _meeting(request, meeting_id)
    kwargs = {}
    if "seat" in request.POST or "name" in request.POST:
        if not visibility.can_manage(request.user, meeting.council):
            raise PermissionDenied
        form = CheckInForm(
            request.POST,
            seats=queries.current_seats(meeting.council, visibility.meeting_day(meeting)),
            proxies=meeting.council.proxies_allowed,
        )
        if not form.is_valid():
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
            return redirect("councils:meeting", meeting.pk)
        kwargs = {k: v for k, v in form.cleaned_data.items() if v}
    try:
        attendance = actions.check_in(actor=request.user, meeting=meeting, **kwargs)
        messages.success(request, _("%(name)s is checked in.") % {"name": attendance.name})
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("councils:meeting", meeting.pk)


@login_required
@require_POST
def meeting_invite(request, meeting_id):
    meeting = _meeting(request, meeting_id)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            actions.invite(
                actor=request.user,
                meeting=meeting,
                user=form.cleaned_data["username"],
                name=form.cleaned_data["name"],
                party_label=form.cleaned_data["party_label"],
            )
            messages.success(request, _("The invitation was recorded."))
        except ValidationError as exc:
            flash_errors(request, exc)
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("councils:meeting", meeting.pk)


@login_required
@require_POST
def invitation_answer(request, invitation_id):
    invitation = get_object_or_404(Invitation, pk=invitation_id, user=request.user)
    try:
        actions.answer_invitation(
            actor=request.user, invitation=invitation, response=request.POST.get("response", "")
        )
        messages.success(request, _("Your answer was recorded."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("councils:meeting", invitation.meeting_id)


# --- agenda ---------------------------------------------------------------------------------------------
@login_required
def item_add(request, meeting_id):
    meeting = _meeting(request, meeting_id)
    if not visibility.can_manage(request.user, meeting.council):
        raise PermissionDenied
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        named = data.pop("named")
        try:
            actions.add_agenda_item(actor=request.user, meeting=meeting, named_users=named, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The item was added to the agenda."))
            return redirect("councils:meeting", meeting.pk)
    return render(
        request,
        "councils/form.html",
        {"form": form, "title": _("New agenda item")},
        status=422 if form.errors else 200,
    )


@login_required
def item_edit(request, item_id):
    item = _item(request, item_id)
    if not visibility.can_manage(request.user, item.meeting.council):
        raise PermissionDenied
    initial = {
        f: getattr(item, f)
        for f in ("title", "description", "duration_minutes", "order", "category", "audience")
    }
    initial["named"] = ", ".join(item.named_users.values_list("username", flat=True))
    form = AgendaItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        named = data.pop("named")
        try:
            actions.update_agenda_item(actor=request.user, item=item, named_users=named, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("councils:meeting", item.meeting_id)
    return render(
        request,
        "councils/form.html",
        {"form": form, "title": _("Edit agenda item")},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def item_remove(request, item_id):
    item = _item(request, item_id)
    try:
        actions.remove_agenda_item(actor=request.user, item=item)
        messages.success(request, _("The item was removed."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("councils:meeting", item.meeting_id)


@login_required
def paper_add(request, item_id):
    item = _item(request, item_id)
    if not visibility.can_manage(request.user, item.meeting.council):
        raise PermissionDenied
    form = PaperForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_paper(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The paper was added."))
            return redirect("councils:meeting", item.meeting_id)
    return render(
        request,
        "councils/form.html",
        {"form": form, "title": _("Add a paper"), "multipart": True},
        status=422 if form.errors else 200,
    )


def paper_download(request, paper_id):
    paper = get_object_or_404(
        AgendaPaper.objects.select_related("item", "item__meeting", "item__meeting__council"), pk=paper_id
    )
    _item(request, paper.item_id)  # the paper inherits its item's audience
    return FileResponse(
        paper.file.open("rb"), as_attachment=True, filename=paper.file.name.rsplit("/", 1)[-1]
    )


# --- minutes --------------------------------------------------------------------------------------------
@login_required
def minutes_edit(request, meeting_id):
    meeting = _meeting(request, meeting_id)
    if not visibility.can_manage(request.user, meeting.council):
        raise PermissionDenied
    items = visibility.visible_items(request.user, meeting)
    sections = dict(MinutesSection.objects.filter(item__in=items).values_list("item_id", "text"))
    form = MinutesForm(
        request.POST or None, items=items, sections=sections, initial={"text": meeting.minutes_text}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.draft_minutes(
                actor=request.user, meeting=meeting, text=form.cleaned_data["text"], sections=form.sections()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The minutes were saved as a draft."))
            return redirect("councils:meeting", meeting.pk)
    return render(
        request,
        "councils/minutes_form.html",
        {"form": form, "meeting": meeting},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def minutes_approve(request, meeting_id):
    return _meeting_post(request, meeting_id, actions.approve_minutes, _("The minutes were approved."))


@login_required
@require_POST
def minutes_publish(request, meeting_id):
    return _meeting_post(request, meeting_id, actions.publish_minutes, _("The minutes were published."))
