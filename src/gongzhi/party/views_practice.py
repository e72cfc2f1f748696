"""Party pages for members' practice: points rules and totals, manual points, a member's handbook for the
secretary, violations of the six don'ts and the member's response, assessments that hear the party
organization's opinion, members' pledges, and party-building projects with their progress board.

Thin views: parse, authorize through `permissions`/`policy`, call the action, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import policy

from . import actions
from . import forms_practice as F
from . import permissions as P
from . import queries_practice as Q
from .actions import practice_more
from .actions._common import member_of
from .models import (
    Assessment,
    PartyMember,
    PartyProject,
    Pledge,
    PointsScheme,
    ProjectMilestone,
    SixActsCommitment,
    Violation,
)
from .views import _apply, _org, _page, _year


def _managed_org(request, pk):
    org = _org(request, pk)
    if not P.can_manage(request.user, org):
        raise PermissionDenied(P.MANAGE)
    return org


def _me(request) -> PartyMember:
    me = member_of(request.user)
    if me is None:
        raise PermissionDenied(_("Only party members can open this page."))
    return me


# --- points -------------------------------------------------------------------------------------------
@login_required
def points(request, pk):
    """The organization's yearly totals (secretary view), each linking to the member's handbook."""
    org = _managed_org(request, pk)
    year = _year(request)
    page = _page(request, Q.points_members(org).select_related("person"), ("person__name",), "party.points")
    scheme = PointsScheme.objects.filter(organization=org, year=year).prefetch_related("rules").first()
    return render(
        request,
        "party/practice/points.html",
        {
            "org": org,
            "year": year,
            "scheme": scheme,
            "rows": Q.points_rows(page.items, year),
            "page": page,
            "query": f"year={year}",
        },
    )


@login_required
def points_rules(request, pk):
    org = _managed_org(request, pk)
    year = _year(request)
    scheme = PointsScheme.objects.filter(organization=org, year=year).prefetch_related("rules").first()
    form = F.SchemeForm(request.POST or None, initial=F.SchemeForm.initial_for(scheme))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.save_points_scheme(
                actor=request.user,
                organization=org,
                year=year,
                base_points=d["base_points"],
                manual_cap=d["manual_cap"],
                rules=form.rules(),
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("The points rules for %(year)d are saved.") % {"year": year})
            return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "party/practice/points_rules.html",
        {"org": org, "year": year, "form": form, "scheme": scheme},
    )


@login_required
def manual_points(request, pk):
    org = _managed_org(request, pk)
    form = F.ManualPointsForm(
        request.POST or None, members=Q.points_members(org), initial={"year": _year(request)}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            entry = actions.add_manual_points(
                actor=request.user, member=d["member"], year=d["year"], points=d["points"], reason=d["reason"]
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request,
                _("%(points)s points entered for %(name)s.") % {"points": entry.points, "name": d["member"]},
            )
            url = reverse("party:practice_member_handbook", args=[d["member"].pk])
            return redirect(f"{url}?year={d['year']}")
    return render(request, "party/practice/manual_points.html", {"org": org, "form": form})


@login_required
def member_handbook(request, pk):
    """A member's handbook as their secretary sees it (the member's own page is party:handbook)."""
    member = get_object_or_404(PartyMember.objects.select_related("person", "organization"), pk=pk)
    year = _year(request)
    if not Q.can_see_handbook(request.user, member, year):
        raise PermissionDenied(P.MANAGE)
    h = actions.handbook(member, year)
    commitment = SixActsCommitment.objects.filter(member=member, year=year).first()
    acts = commitment.records.order_by("act") if commitment else []
    return render(
        request,
        "party/practice/member_handbook.html",
        {"member": member, "h": h, "year": year, "commitment": commitment, "acts": acts},
    )


# --- violations of the six don'ts ---------------------------------------------------------------------
@login_required
def violations(request, pk):
    org = _managed_org(request, pk)
    form = F.ViolationForm(
        request.POST or None, members=Q.reported_members(org), initial={"occurred_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.record_violation(
                actor=request.user,
                member=d["member"],
                dont=d["dont"],
                occurred_on=d["occurred_on"],
                description=d["description"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("The violation is recorded; the member can respond to it."))
            return redirect("party:practice_violations", org.pk)
    page = _page(
        request,
        Violation.objects.filter(organization=org).select_related("member__person"),
        ("-occurred_on",),
        "party.violations",
    )
    return render(request, "party/practice/violations.html", {"org": org, "form": form, "page": page})


@login_required
def my_violations(request):
    me = _me(request)
    rows = list(me.violations.select_related("organization").order_by("-occurred_on", "-id")[:100])
    return render(request, "party/practice/my_violations.html", {"me": me, "rows": rows})


@login_required
def violation(request, pk):
    v = get_object_or_404(
        Violation.objects.select_related("member__person", "member__organization", "organization"), pk=pk
    )
    if not Q.can_see_violation(request.user, v):
        raise Http404
    is_member = v.member.person.user_id == request.user.pk
    form = F.ResponseForm(request.POST or None)
    if request.method == "POST":
        if not is_member:
            raise PermissionDenied(_("You can only do this for yourself."))
        if form.is_valid():
            try:
                actions.respond_to_violation(
                    actor=request.user, violation=v, response=form.cleaned_data["response"]
                )
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("Your response is recorded."))
                return redirect("party:practice_violation", v.pk)
    return render(
        request,
        "party/practice/violation.html",
        {"v": v, "form": form, "can_respond": is_member and not v.responded_at},
    )


# --- assessments (听取意见) -----------------------------------------------------------------------------
@login_required
def assessments(request):
    qs = Q.assessments_for(request.user)
    state = request.GET.get("state", "")
    if state in Assessment.State.values:
        qs = qs.filter(state=state)
    page = _page(request, qs, ("-requested_at",), f"party.assessments.{state}")
    can_request = Q.opinion_organizations_for(request.user).exists()
    return render(
        request,
        "party/practice/assessments.html",
        {
            "page": page,
            "state": state,
            "states": Assessment.State.choices,
            "can_request": can_request,
            "query": f"state={state}" if state else "",
        },
    )


@login_required
def assessment_new(request):
    orgs = Q.opinion_organizations_for(request.user)
    if not orgs.exists():
        raise PermissionDenied(P.ORGANIZE)
    form = F.AssessmentForm(
        request.POST or None, organizations=orgs, initial={"opinion_organization": request.GET.get("org")}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            a = actions.request_assessment_opinion(
                actor=request.user,
                opinion_organization=d["opinion_organization"],
                kind=d["kind"],
                leader_name=d["leader_name"],
                leader_position=d["leader_position"],
                unit_name=d["unit_name"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(
                request, _("The opinion of %(org)s is requested.") % {"org": a.opinion_organization}
            )
            return redirect("party:practice_assessment", a.pk)
    return render(request, "party/practice/assessment_new.html", {"form": form})


@login_required
def assessment(request, pk):
    a = get_object_or_404(Q.assessments_for(request.user), pk=pk)
    org = a.opinion_organization
    can_give = P.can_manage(request.user, org)
    can_organize = policy.can(request.user, P.ORGANIZE, area=org.area)
    step = request.POST.get("step") if request.method == "POST" else None
    forms = {
        "opinion": F.OpinionForm(request.POST if step == "opinion" else None),
        "waive": F.WaiveForm(request.POST if step == "waive" else None),
        "complete": F.ResultForm(request.POST if step == "complete" else None),
    }
    if step in forms:
        form = forms[step]
        allowed = can_give if step == "opinion" else can_organize
        if not allowed:
            raise PermissionDenied(P.MANAGE if step == "opinion" else P.ORGANIZE)
        if form.is_valid():
            value = next(iter(form.cleaned_data.values()))
            try:
                if step == "opinion":
                    actions.give_opinion(actor=request.user, assessment=a, opinion=value)
                    done = _("The opinion is recorded.")
                elif step == "waive":
                    actions.waive_opinion(actor=request.user, assessment=a, reason=value)
                    done = _("The opinion is formally waived.")
                else:
                    actions.complete_assessment(actor=request.user, assessment=a, result=value)
                    done = _("The assessment is completed.")
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, done)
                return redirect("party:practice_assessment", a.pk)
    open_ = a.state == Assessment.State.REQUESTED
    return render(
        request,
        "party/practice/assessment.html",
        {
            "a": a,
            "org": org,
            "forms": forms,
            "can_give": can_give and open_,
            "can_waive": can_organize and open_,
            "can_complete": can_organize and a.state != Assessment.State.COMPLETED,
        },
    )


# --- pledges (党员承诺) ---------------------------------------------------------------------------------
@login_required
def my_pledges(request):
    me = _me(request)
    form = F.PledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.make_pledge(
                actor=request.user,
                member=me,
                text_=form.cleaned_data["text"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Your pledge is made public within your organization."))
            return redirect("party:practice_my_pledges")
    rows = list(me.pledges.order_by("-created_at", "-id")[:100])
    return render(
        request,
        "party/practice/my_pledges.html",
        {
            "me": me,
            "form": form,
            "rows": rows,
            "today": timezone.localdate(),
            "fulfil_form": F.FulfilForm(),
            # A member without a grant for their own organization cannot open its pledges page.
            "org_visible": P.can_view(request.user, me.organization),
        },
    )


@login_required
def pledge(request, pk):
    """One pledge; its member (or the organization's committee) records the fulfilment here."""
    p = get_object_or_404(Pledge.objects.select_related("member__person", "member__organization"), pk=pk)
    is_member = p.member.person.user_id == request.user.pk
    manage = P.can_manage(request.user, p.member.organization)
    if not (is_member or manage or P.can_view(request.user, p.member.organization)):
        raise Http404
    form = F.FulfilForm(request.POST or None)
    if request.method == "POST":
        if not (is_member or manage):
            raise PermissionDenied(P.MANAGE)
        if form.is_valid():
            fulfil = practice_more.fulfil_own_pledge if is_member else actions.fulfil_pledge
            try:
                fulfil(actor=request.user, pledge=p, fulfilment=form.cleaned_data["fulfilment"])
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("The pledge is marked fulfilled."))
                return redirect("party:practice_pledge", p.pk)
    return render(
        request,
        "party/practice/pledge.html",
        {
            "p": p,
            "form": form,
            "can_fulfil": (is_member or manage) and not p.fulfilled_on,
            "today": timezone.localdate(),
            "org_visible": manage or P.can_view(request.user, p.member.organization),
        },
    )


@login_required
def org_pledges(request, pk):
    org = _org(request, pk)
    today = timezone.localdate()
    qs = Q.pledges_of(org)
    show = request.GET.get("show", "")
    if show == "open":
        qs = qs.filter(fulfilled_on__isnull=True)
    elif show == "overdue":
        qs = qs.filter(fulfilled_on__isnull=True, due_on__lt=today)
    page = _page(request, qs, ("due_on",), f"party.pledges.{show}")
    return render(
        request,
        "party/practice/pledges.html",
        {"org": org, "page": page, "today": today, "show": show, "query": f"show={show}" if show else ""},
    )


# --- projects (党建项目化) -----------------------------------------------------------------------------
@login_required
def projects(request, pk):
    org = _org(request, pk)
    page = _page(request, Q.project_board(org), ("-created_at",), "party.projects")
    return render(
        request,
        "party/practice/projects.html",
        {
            "org": org,
            "page": page,
            "manage": P.can_manage(request.user, org),
            "joined": list(Q.participating_in(org).order_by("-created_at")[:50]),
        },
    )


@login_required
def project_new(request, pk):
    org = _managed_org(request, pk)
    form = F.ProjectForm(request.POST or None, participants=Q.participant_choices(org))
    milestones = F.MilestoneFormSet(request.POST or None, prefix="ms")
    if request.method == "POST" and form.is_valid() and milestones.is_valid():
        d = form.cleaned_data
        rows = [(m["title"], m["due_on"]) for m in milestones.cleaned_data if m.get("title")]
        try:
            project = actions.create_project(
                actor=request.user,
                organization=org,
                title=d["title"],
                goal=d["goal"],
                methods=d["methods"],
                participants=list(d["participants"]),
                milestones=rows,
            )
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("The project is created."))
            return redirect("party:practice_project", project.pk)
    return render(
        request, "party/practice/project_new.html", {"org": org, "form": form, "milestones": milestones}
    )


def _project(request, pk) -> PartyProject:
    project = get_object_or_404(
        PartyProject.objects.select_related("organization", "organization__area"), pk=pk
    )
    if not P.can_view(request.user, project.organization) and not any(
        P.can_view(request.user, o) for o in project.participants.all()
    ):
        raise Http404
    return project


def _project_ctx(request, project, **extra) -> dict:
    milestones = list(project.milestones.all())
    done = sum(1 for m in milestones if m.done_on)
    manage = P.can_manage(request.user, project.organization)
    return {
        "project": project,
        "milestones": milestones,
        "done": done,
        "total": len(milestones),
        "percent": round(100 * done / len(milestones)) if milestones else 0,
        "manage": manage and project.state != PartyProject.State.COMPLETED,
        "today": timezone.localdate(),
        **extra,
    }


@login_required
def project(request, pk):
    project = _project(request, pk)
    form = F.ProjectResultsForm(request.POST or None)
    if request.method == "POST":
        if not P.can_manage(request.user, project.organization):
            raise PermissionDenied(P.MANAGE)
        if form.is_valid():
            try:
                actions.complete_project(actor=request.user, project=project, **form.cleaned_data)
            except ValidationError as exc:
                _apply(form, exc)
            else:
                messages.success(request, _("The project is completed."))
                return redirect("party:practice_project", project.pk)
    ctx = _project_ctx(
        request,
        project,
        form=form,
        participants=list(project.participants.all()),
        # A participating unit's people see the project but not necessarily its owner's pages.
        owner_visible=P.can_view(request.user, project.organization),
    )
    return render(request, "party/practice/project.html", ctx)


@login_required
@require_POST
def milestone_done(request, pk):
    """Mark a milestone done (htmx: the milestones section is swapped in place)."""
    m = get_object_or_404(ProjectMilestone.objects.select_related("project__organization"), pk=pk)
    project = _project(request, m.project_id)
    error = None
    if m.done_on is None:
        try:
            actions.complete_milestone(
                actor=request.user, milestone=m, done_on=request.POST.get("done_on") or None
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
            if not request.htmx:
                messages.error(request, error)
    project.refresh_from_db()
    if request.htmx:
        return render(request, "party/practice/_milestones.html", _project_ctx(request, project, error=error))
    return redirect("party:practice_project", project.pk)
