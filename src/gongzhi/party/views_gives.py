"""Party pages for the three gives (三给) and unit report slips (单位报到): community tasks with sign-up
and completion, honour nominations with the eligibility check, seats on the community members'
representative meeting under the ≥ half rule, and units' report slips with the resources they offer.

Thin views: they parse, authorize through party/permissions.py, call the actions (actions/gives.py,
actions/reporting.py, actions/gives_more.py) and render; htmx swaps single rows where it helps."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.areas.models import subtree_q
from gongzhi.core import policy
from gongzhi.councils.actions.bodies import composition_report
from gongzhi.councils.models import Council, Seat

from . import actions
from . import permissions as P
from . import queries_gives as Q
from .actions import gives_more
from .actions._common import member_of
from .actions._common import organization as org_or_error
from .forms_gives import (
    CompleteForm,
    EndSeatForm,
    GiveSeatForm,
    LinkCouncilForm,
    NominationForm,
    ResourceFormSet,
    TaskForm,
    UnitReportForm,
    check_resource_rows,
)
from .models import CommunityTask, Honour, PartyOrganization, TaskSignup, UnitReport
from .views import _apply, _flash, _org, _page, _year


def _htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))


def _half_rule(exc: ValidationError) -> ValidationError:
    """The councils' composition refusal, led by a plain sentence in the user's language (the rule's
    label inside the councils' message is stored in the language of whoever declared it)."""
    if hasattr(exc, "error_dict") and "composition_rules" in exc.error_dict:
        detail = exc.message_dict.pop("composition_rules")
        lead = _(
            "Refused: units' representatives must remain no less than half of all representatives. "
            "Nothing was changed."
        )
        return ValidationError({**exc.message_dict, "composition_rules": [lead, *detail]})
    return exc


# --- landing ----------------------------------------------------------------------------------------
@login_required
def gives(request):
    """Everything of the three gives the signed-in user can do, in one place."""
    policy.require(request.user, P.VIEW)
    me = member_of(request.user)
    units = Q.unit_organizations_for(request.user, limit=20)
    return render(
        request,
        "party/gives/index.html",
        {
            "me": me,
            "my_tasks": list(Q.open_tasks_for_member(me).order_by("due_on", "id")[:10]) if me else [],
            "my_signups": list(
                TaskSignup.objects.filter(member=me).select_related("task").order_by("-id")[:10]
            )
            if me
            else [],
            "units": units,
            "managed": Q.managed_organizations(request.user, limit=30),
        },
    )


# --- tasks ------------------------------------------------------------------------------------------
@login_required
def open_tasks(request):
    """Open tasks for me as a member, or (?unit=ID) for a unit's party organization I act for."""
    unit = None
    if request.GET.get("unit"):
        try:
            unit = org_or_error(request.GET["unit"])
        except ValidationError:
            raise Http404 from None
        if not unit.is_unit_kind or not P.can_act_for_unit(request.user, unit):
            raise PermissionDenied(P.UNIT_ACT)
        qs = Q.open_tasks_for_unit(unit)
        signed = set(TaskSignup.objects.filter(unit_organization=unit).values_list("task_id", flat=True))
    else:
        me = member_of(request.user)
        if me is None:
            raise PermissionDenied(_("Only party members sign up for tasks themselves."))
        qs = Q.open_tasks_for_member(me)
        signed = set(TaskSignup.objects.filter(member=me).values_list("task_id", flat=True))
    page = _page(request, qs, ("due_on",), f"party.open_tasks.{unit.pk if unit else 'me'}")
    return render(
        request,
        "party/gives/open_tasks.html",
        {
            "unit": unit,
            "page": page,
            "signed": signed,
            "query": f"unit={unit.pk}" if unit else "",
        },
    )


@login_required
def org_tasks(request, pk):
    org = _org(request, pk)
    manage = P.can_manage(request.user, org)
    form = TaskForm(request.POST or None, initial={"audience": CommunityTask.Audience.BOTH})
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(P.MANAGE)
        if form.is_valid():
            try:
                task = actions.publish_task(actor=request.user, organization=org, **form.cleaned_data)
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Task published."))
                return redirect("party:gives_task", task.pk)
    qs = CommunityTask.objects.filter(organization=org).annotate(n_signups=Count("signups"))
    page = _page(request, qs, ("-id",), f"party.org_tasks.{org.pk}")
    return render(
        request, "party/gives/org_tasks.html", {"org": org, "manage": manage, "form": form, "page": page}
    )


def _task_audiences(task, *, units: bool) -> bool:
    wanted = CommunityTask.Audience.UNITS if units else CommunityTask.Audience.MEMBERS
    return task.audience in (wanted, CommunityTask.Audience.BOTH)


def _task_reaches(task, area_path: str, chain: list[int]) -> bool:
    return task.area_path in Q.path_prefixes(area_path) or task.organization_id in chain


def _task_context(user, task):
    """Who sees the task and what they may do on it; None when the user may not see it at all."""
    me = member_of(user)
    full = P.can_view(user, task.organization)
    units = [
        u
        for u in Q.unit_organizations_for(user, limit=50)
        if _task_audiences(task, units=True)
        and _task_reaches(task, u.area_path, [a.pk for a in u.ancestors()])
    ]
    member_reached = bool(
        me
        and _task_audiences(task, units=False)
        and _task_reaches(
            task, me.area_path, [me.organization_id, *(a.pk for a in me.organization.ancestors())]
        )
    )
    signups = task.signups.select_related("member__person", "unit_organization").order_by("id")
    mine = [
        s for s in signups if (me and s.member_id == me.pk) or s.unit_organization_id in {u.pk for u in units}
    ]
    if not (full or member_reached or units or mine):
        return None
    signed_units = {s.unit_organization_id for s in signups if s.unit_organization_id}
    is_open = task.state == CommunityTask.State.OPEN
    return {
        "task": task,
        "manage": P.can_manage(user, task.organization),
        "signups": list(signups) if full else mine,
        "full": full,
        "can_sign_up_me": bool(is_open and member_reached and not any(s.member_id == me.pk for s in signups)),
        "sign_up_units": [u for u in units if u.pk not in signed_units] if is_open else [],
        "complete_form": CompleteForm(),
    }


@login_required
def task(request, pk):
    t = get_object_or_404(CommunityTask.objects.select_related("organization", "area", "need"), pk=pk)
    ctx = _task_context(request.user, t)
    if ctx is None:
        raise Http404
    return render(request, "party/gives/task.html", ctx)


@login_required
@require_POST
def task_sign_up(request, pk):
    t = get_object_or_404(CommunityTask, pk=pk)
    try:
        if request.POST.get("unit_organization"):
            unit = org_or_error(request.POST["unit_organization"], "unit_organization")
            actions.sign_up_unit(actor=request.user, task=t, unit_organization=unit)
            messages.success(request, _("%(org)s signed up for the task.") % {"org": unit.name})
        else:
            me = member_of(request.user)
            if me is None:
                raise PermissionDenied(_("Only party members sign up for tasks themselves."))
            actions.sign_up_member(actor=request.user, task=t, member=me)
            messages.success(request, _("You signed up for the task."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("party:gives_task", t.pk)


@login_required
@require_POST
def task_close(request, pk):
    t = get_object_or_404(CommunityTask, pk=pk)
    try:
        gives_more.close_task(actor=request.user, task=t)
        messages.success(request, _("The task is closed for sign-up."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("party:gives_task", t.pk)


@login_required
@require_POST
def signup_complete(request, pk):
    s = get_object_or_404(TaskSignup.objects.select_related("task__organization"), pk=pk)
    form = CompleteForm(request.POST)
    error = None
    if form.is_valid():
        try:
            s = actions.complete_signup(actor=request.user, signup=s, note=form.cleaned_data["note"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        if not P.can_manage(request.user, s.task.organization):
            raise PermissionDenied(P.MANAGE)
        error = " ".join(e for errs in form.errors.values() for e in errs)
    if _htmx(request):
        s = TaskSignup.objects.select_related("member__person", "unit_organization", "task").get(pk=s.pk)
        ctx = {"s": s, "manage": True, "complete_form": form if error else CompleteForm(), "error": error}
        return render(request, "party/gives/_signup_row.html", ctx)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Completion recorded."))
    return redirect("party:gives_task", s.task_id)


# --- honours ----------------------------------------------------------------------------------------
def _managed_org(request, pk) -> PartyOrganization:
    org = get_object_or_404(PartyOrganization.objects.select_related("area", "parent"), pk=pk)
    if not P.can_manage(request.user, org):
        raise PermissionDenied(P.MANAGE)
    return org


def _nomination_form(request, org, data=None):
    q = (request.POST.get("q") if data is not None else request.GET.get("q")) or ""
    initial = {"year": timezone.localdate().year, "nominee": "organization"}
    if data is None:
        # The no-script member search submits the form by GET: keep what was typed.
        keep = ("title", "year", "nominee", "organization", "member", "citation")
        initial.update({k: v for k, v in request.GET.items() if k in keep})
    form = NominationForm(
        data,
        initial=initial,
        organizations=Q.nominee_organizations(org),
        members_qs=Q.nominee_members_qs(org),
        candidates=Q.search_members(org, q),
    )
    form.fields["organization"].widget.attrs.update(
        {
            "hx-get": reverse("party:gives_eligibility", args=[org.pk]),
            "hx-trigger": "change",
            "hx-target": "#eligibility",
            "hx-include": "[name=year]",
        }
    )
    return form, q


@login_required
def org_honours(request, pk):
    org = _managed_org(request, pk)
    form, q = _nomination_form(request, org, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            h = actions.nominate_honour(
                actor=request.user,
                awarded_by=org,
                year=d["year"],
                title=d["title"],
                organization=d["organization"],
                member=d["member"],
                citation=d["citation"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Nomination recorded: %(h)s.") % {"h": h})
            return redirect("party:gives_nominations", org.pk)
    qs = Honour.objects.filter(awarded_by=org).select_related("member__person", "organization")
    page = _page(request, qs, ("-id",), f"party.org_honours.{org.pk}")
    return render(request, "party/gives/honours.html", {"org": org, "form": form, "q": q, "page": page})


@login_required
@require_GET
def honour_eligibility(request, pk):
    """htmx: whether the chosen organization may be nominated for the year, with the reason if not."""
    org = _managed_org(request, pk)
    try:
        nominee = Q.nominee_organizations(org).get(pk=int(request.GET.get("organization") or 0))
    except (PartyOrganization.DoesNotExist, ValueError, OverflowError):
        nominee = None
    year = _year(request)
    ok, reason = actions.eligibility(nominee, year) if nominee else (None, "")
    return render(
        request,
        "party/gives/_eligibility.html",
        {"nominee": nominee, "ok": ok, "reason": reason, "year": year},
    )


@login_required
@require_GET
def honour_members(request, pk):
    """htmx: candidate members by the start of their name, within the organization's area."""
    org = _managed_org(request, pk)
    form, q = _nomination_form(request, org)
    return render(request, "party/gives/_member_choices.html", {"form": form, "q": q})


@login_required
@require_POST
def honour_award(request, pk):
    h = get_object_or_404(Honour, pk=pk)
    try:
        actions.award_honour(actor=request.user, honour=h)
        messages.success(request, _("Honour awarded and published."))
    except ValidationError as exc:
        _flash(request, exc)
    return redirect("party:gives_nominations", h.awarded_by_id)


# --- seats ------------------------------------------------------------------------------------------
def _working_committee(request, pk) -> PartyOrganization:
    org = _org(request, pk)
    if org.kind != PartyOrganization.Kind.WORKING_COMMITTEE:
        raise Http404
    return org


def _seats_page(request, org, *, give_form=None, link_form=None, end_errors=None, status=200):
    council = org.representative_council
    manage = P.can_manage(request.user, org)
    today = timezone.localdate()
    ctx = {
        "org": org,
        "council": council,
        "manage": manage,
        "give_form": give_form or GiveSeatForm(initial={"term_start": today, "represents": "unit"}),
        "end_form": EndSeatForm(initial={"on": today}),
        "end_errors": end_errors or {},
        "today": today,
    }
    if council is not None:
        ctx["share"] = Q.seat_share(council, today)
        ctx["composition"] = composition_report(council, today)
    elif manage:
        councils = Council.objects.filter(
            subtree_q("area_path", org.area_path), kind=Council.Kind.REPRESENTATIVE_ASSEMBLY
        ).order_by("name")
        ctx["link_form"] = link_form or LinkCouncilForm(councils=councils)
    return render(request, "party/gives/seats.html", ctx, status=status)


@login_required
def seats(request, pk):
    return _seats_page(request, _working_committee(request, pk))


@login_required
@require_POST
def seat_give(request, pk):
    org = _working_committee(request, pk)
    form = GiveSeatForm(request.POST)
    if form.is_valid():
        try:
            actions.give_seat(actor=request.user, organization=org, **form.cleaned_data)
        except ValidationError as exc:
            _apply(form, _half_rule(exc))
        else:
            messages.success(
                request, _("Seat given to %(name)s.") % {"name": form.cleaned_data["holder_name"]}
            )
            return redirect("party:gives_seats", org.pk)
    return _seats_page(request, org, give_form=form)


@login_required
@require_POST
def seat_end(request, pk, seat_pk):
    org = _working_committee(request, pk)
    seat = get_object_or_404(Seat, pk=seat_pk, council_id=org.representative_council_id or 0)
    form = EndSeatForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"on": _("Give a date.")})
        actions.end_given_seat(actor=request.user, organization=org, seat=seat, on=form.cleaned_data["on"])
    except ValidationError as exc:
        return _seats_page(request, org, end_errors={seat.pk: _half_rule(exc).messages})
    messages.success(
        request,
        _("The term of %(name)s ends on %(on)s.")
        % {
            "name": seat.holder_name,
            "on": form.cleaned_data["on"].isoformat(),
        },
    )
    return redirect("party:gives_seats", org.pk)


@login_required
@require_POST
def seats_link(request, pk):
    org = _working_committee(request, pk)
    if not P.can_manage(request.user, org):
        raise PermissionDenied(P.MANAGE)
    councils = Council.objects.filter(
        subtree_q("area_path", org.area_path), kind=Council.Kind.REPRESENTATIVE_ASSEMBLY
    )
    form = LinkCouncilForm(request.POST, councils=councils)
    if form.is_valid():
        try:
            actions.link_representative_council(
                actor=request.user, organization=org, council=form.cleaned_data["council"]
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request, _("The representative meeting is linked; units must hold at least half.")
            )
            return redirect("party:gives_seats", org.pk)
    return _seats_page(request, org, link_form=form)


@login_required
@require_POST
def seats_publish(request, pk):
    org = _working_committee(request, pk)
    try:
        gives_more.publish_representative_roster(actor=request.user, organization=org)
        messages.success(request, _("The roster is published; the ≥ half rule now applies to every change."))
    except ValidationError as exc:
        _flash(request, _half_rule(exc))
    return redirect("party:gives_seats", org.pk)


# --- unit report slips ------------------------------------------------------------------------------
def _unit_org(request, pk) -> PartyOrganization:
    org = get_object_or_404(PartyOrganization.objects.select_related("area", "parent"), pk=pk)
    if not org.is_unit_kind:
        raise Http404
    if not P.can_act_for_unit(request.user, org):
        raise PermissionDenied(P.UNIT_ACT)
    return org


def _apply_unit_report(form, formset, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, errors in exc.message_dict.items():
        parts = key.split(".")
        if parts[0] == "resources" and len(parts) == 3 and parts[1].isdigit():
            rows = [f for f in formset.forms if not f.is_blank()]
            i = int(parts[1])
            if i < len(rows):
                row = rows[i]
                row.add_error(parts[2] if parts[2] in row.fields else None, errors)
                continue
        form.add_error(key if key in form.fields else None, errors)


@login_required
def unit_report_new(request, pk):
    org = _unit_org(request, pk)
    receiving = Q.receiving_choices(org)
    post = request.POST if request.method == "POST" else None
    form = UnitReportForm(
        post,
        receiving=receiving,
        initial={"year": timezone.localdate().year, "receiving": receiving.first()},
    )
    formset = ResourceFormSet(post, prefix="res")
    if post is not None and form.is_valid():
        try:
            specs = check_resource_rows(formset)
            report = actions.submit_unit_report(
                actor=request.user, organization=org, resources=specs, **form.cleaned_data
            )
        except ValidationError as exc:
            if formset.is_bound and not formset.is_valid():
                form.add_error(None, exc.messages)
            else:
                _apply_unit_report(form, formset, exc)
        else:
            messages.success(
                request, _("The report slip has been sent to %(org)s.") % {"org": report.receiving}
            )
            return redirect("party:gives_unit_report", report.pk)
    earlier = (
        UnitReport.objects.filter(organization=org).select_related("receiving").order_by("-year", "-id")[:20]
    )
    return render(
        request,
        "party/gives/unit_report_form.html",
        {"org": org, "form": form, "formset": formset, "earlier": earlier},
    )


@login_required
def unit_reports(request, pk):
    """Slips received by a working or comprehensive committee, newest first, with the confirm button."""
    org = _managed_org(request, pk)
    qs = (
        UnitReport.objects.filter(receiving=org)
        .select_related("organization")
        .annotate(n_resources=Count("resources"))
    )
    state = request.GET.get("state")
    if state in UnitReport.State.values:
        qs = qs.filter(state=state)
    page = _page(request, qs, ("-id",), f"party.unit_reports.{org.pk}.{state or ''}")
    return render(
        request,
        "party/gives/unit_reports.html",
        {"org": org, "page": page, "state": state, "query": f"state={state}" if state else ""},
    )


def _can_see_unit_report(user, report: UnitReport) -> bool:
    return P.can_manage(user, report.receiving) or P.can_act_for_unit(user, report.organization)


@login_required
def unit_report(request, pk):
    r = get_object_or_404(UnitReport.objects.select_related("organization", "receiving"), pk=pk)
    if not _can_see_unit_report(request.user, r):
        raise Http404
    return render(
        request,
        "party/gives/unit_report.html",
        {
            "r": r,
            "resources": r.resources.order_by("id"),
            "can_confirm": r.state == UnitReport.State.SUBMITTED and P.can_manage(request.user, r.receiving),
        },
    )


@login_required
@require_POST
def unit_report_confirm(request, pk):
    r = get_object_or_404(UnitReport.objects.select_related("organization", "receiving"), pk=pk)
    error = None
    try:
        r = actions.confirm_unit_report(actor=request.user, report=r)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if _htmx(request):
        r.n_resources = r.resources.count()
        return render(request, "party/gives/_unit_report_row.html", {"r": r, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Report slip confirmed."))
    return redirect("party:gives_unit_report", r.pk)
