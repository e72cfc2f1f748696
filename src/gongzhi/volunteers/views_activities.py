"""Volunteer activity pages: list, create, detail (sign-up, code check-in, organizer check-in, hours)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import policy
from gongzhi.core.forms import apply_errors, flash_errors

from . import actions, queries
from . import permissions as P
from .forms import ActivityForm
from .models import Activity, SignUp, VolunteerTeam
from .views import current_area, get_or_404, list_context, page_of, render_form, split


# --- activities ------------------------------------------------------------------------------------------------
@login_required
def activity_list(request):
    area = current_area(request)
    state = request.GET.get("state") if request.GET.get("state") in Activity.State.values else None
    qs = queries.activities_for(request.user, area, state=state)
    page = page_of(request, qs, queries.ACTIVITY_ORDERING, f"vact-{area.pk}-{state}")
    context = list_context(request, area, page, "activities")
    context.update({"state": state, "states": Activity.State.choices})
    return render(request, "volunteers/activity_list.html", context)


@login_required
def activity_create(request):
    area = current_area(request, P.MANAGE)
    team = None
    if request.GET.get("team"):
        team = policy.get_object_for_user(
            request.user, VolunteerTeam.objects.select_related("area"), request.GET["team"], P.MANAGE
        )
    point = None
    if request.GET.get("point"):
        from .models import NeighbourhoodPoint

        point = policy.get_object_for_user(
            request.user, NeighbourhoodPoint.objects.select_related("area"), request.GET["point"], P.MANAGE
        )
    form = ActivityForm(
        request.POST or None,
        link_choices=[(k, v) for k, v in actions.LINK_LABELS.items()],
        initial={"kind": Activity.Kind.GATHERING if point else Activity.Kind.SERVICE, "publish": True},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["skills_wanted"] = split(data["skills_wanted"])
        try:
            activity = actions.create_activity(
                actor=request.user, area=area, team=team, neighbourhood_point=point, **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The activity was created."))
            return redirect("volunteers:activity", activity.pk)
    organizer = team.name if team else (point.name if point else area.name)
    return render_form(
        request, form, _("New activity · %(org)s") % {"org": organizer}, area, "volunteers:activities"
    )


def _activity_for(request, activity_id) -> tuple[Activity, bool]:
    """The activity and whether the user is staff for it; volunteers see published ones they may join."""
    activity = get_or_404(Activity, activity_id, "area", "team", "neighbourhood_point")
    if policy.can(request.user, P.VIEW, area=activity.area):
        return activity, True
    volunteer = actions.own_volunteer(request.user)
    if (
        volunteer
        and activity.state != Activity.State.DRAFT
        and actions.activities._can_see(volunteer, activity)
    ):
        return activity, False
    raise PermissionDenied


@login_required
def activity_detail(request, activity_id):
    activity, staff = _activity_for(request, activity_id)
    can_manage = staff and policy.can(request.user, P.MANAGE, area=activity.area)
    own = actions.own_volunteer(request.user)
    my_signup = None
    if own:
        my_signup = (
            SignUp.objects.filter(activity=activity, volunteer=own)
            .exclude(state=SignUp.State.CANCELLED)
            .first()
        )
    signups = []
    if staff:
        signups = list(
            activity.signups.select_related("volunteer__person").order_by("state", "id")[
                : activity.capacity + 200
            ]
        )
        for s in signups:
            s.hours_checked = actions.attended_hours(s) if s.checked_out_at else None
    recorded = set(activity.records.filter(voided=False).values_list("volunteer_id", flat=True))
    return render(
        request,
        "volunteers/activity_detail.html",
        {
            "activity": activity,
            "staff": staff,
            "can_manage": can_manage,
            "can_record": staff and policy.can(request.user, P.RECORD_HOURS, area=activity.area),
            "signups": signups,
            "recorded": recorded,
            "own": own,
            "my_signup": my_signup,
            "free": max(activity.capacity - activity.taken, 0),
            "link_label": actions.LINK_LABELS.get(activity.link_type, ""),
        },
    )


def _run(request, func, success, **kwargs):
    try:
        func(actor=request.user, **kwargs)
    except ValidationError as exc:
        flash_errors(request, exc)
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def activity_action(request, activity_id, op):
    activity, _staff = _activity_for(request, activity_id)
    if op == "publish":
        _run(request, actions.publish_activity, _("The activity was published."), activity=activity)
    elif op == "cancel":
        _run(
            request,
            actions.cancel_activity,
            _("The activity was cancelled."),
            activity=activity,
            reason=request.POST.get("reason", "")[:200],
        )
    elif op == "signup":
        _run(
            request,
            actions.sign_up,
            _("You are signed up. Check in at the place with the code shown there."),
            activity=activity,
        )
    elif op in ("checkin", "checkout"):
        func = actions.check_in_with_code if op == "checkin" else actions.check_out_with_code
        done = _("You are checked in.") if op == "checkin" else _("You are checked out. Thank you!")
        _run(request, func, done, activity=activity, code=request.POST.get("code", "")[:6])
    elif op == "record":
        hours = {}
        for key, value in request.POST.items():
            if key.startswith("hours_") and value.strip():
                hours[key[6:]] = value.strip()
        try:
            hours = {int(k): v for k, v in hours.items()}
        except ValueError:
            raise Http404 from None
        _run(
            request,
            actions.record_activity_hours,
            _("Service hours were recorded; the activity is done."),
            activity=activity,
            hours=hours,
        )
    else:
        raise Http404
    return redirect("volunteers:activity", activity.pk)


@login_required
@require_POST
def signup_action(request, signup_id, op):
    signup = get_or_404(SignUp, signup_id, "activity__area", "volunteer__person")
    ops = {
        "confirm": (actions.confirm_sign_up, _("The sign-up was confirmed.")),
        "checkin": (actions.check_in, _("Checked in.")),
        "checkout": (actions.check_out, _("Checked out.")),
        "cancel": (actions.cancel_sign_up, _("The sign-up was cancelled.")),
    }
    if op not in ops:
        raise Http404
    func, success = ops[op]
    _run(request, func, success, signup=signup)
    if signup.volunteer.person.user_id == request.user.pk and op == "cancel":
        return redirect("volunteers:me")
    return redirect("volunteers:activity", signup.activity_id)
