"""Election pages: list by area, calling an election, the roll with corrections, candidates, ballots, results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.forms import apply_errors, flash_errors

from . import queries_outcomes as q
from .actions import MANAGE
from .actions import elections as ea
from .forms_outcomes import ElectionBallotForm, ElectionForm, NominateForm, RollCorrectionForm, VetForm
from .models import Candidate, Election, VoterRollEntry
from .views_outcomes import area_from_request, page_of, query_without_cursor


def _election(request, election_id) -> Election:
    election = get_object_or_404(Election.objects.select_related("area"), pk=election_id)
    user = request.user
    manage = policy.can(user, MANAGE, area=election.area)
    voter = (
        VoterRollEntry.objects.filter(election=election, user=user).exists()
        if user.is_authenticated
        else False
    )
    public = election.state == Election.State.PUBLISHED
    if not (manage or voter or public):
        raise Http404
    election.can_manage = manage
    return election


@login_required
def elections(request):
    area = area_from_request(request, MANAGE)
    page = page_of(request, q.elections_in(area), q.ELECTION_ORDERING, f"elections-{area.pk}")
    return render(
        request,
        "councils/outcomes/elections.html",
        {
            "area": area,
            "ancestors": area.ancestors(),
            "children": area.children.order_by("path")[:100],
            "page": page,
            "query": query_without_cursor(request),
        },
    )


@login_required
def election_create(request):
    area = area_from_request(request, MANAGE)
    areas = Area.objects.filter(
        pk__in=area.subtree().filter(kind__in=list(ea.ELECTION_AREA_KINDS)).values("pk")[:300]
    )
    form = ElectionForm(request.POST or None, areas=areas.order_by("path"))
    if request.method == "POST" and form.is_valid():
        try:
            election = ea.create_election(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The election was called; build the voter roll next."))
            return redirect("councils_outcomes:election", election.pk)
    return render(
        request,
        "councils/outcomes/form.html",
        {"form": form, "title": _("Call an election"), "area": area, "cancel": "councils_outcomes:elections"},
        status=422 if form.errors else 200,
    )


def _candidates(election):
    return list(election.candidates.filter(state=Candidate.State.PUBLISHED).order_by("name", "id"))


def _trail(election):
    events = list(q.trail(election))
    for e in events:
        e.label = q.verb_label(e.verb)
    return events


def election_detail(request, election_id):
    election = _election(request, election_id)
    own = None
    if request.user.is_authenticated:
        own = VoterRollEntry.objects.filter(election=election, user=request.user, included=True).first()
    return render(
        request,
        "councils/outcomes/election.html",
        {
            "election": election,
            "summary": q.roll_summary(election),
            "candidates": q.results(election),
            "trail": _trail(election) if election.can_manage else None,
            "nominate_form": NominateForm(),
            "vet_form": VetForm(),
            "ballot_form": ElectionBallotForm(candidates=_candidates(election)),
            "online_form": ElectionBallotForm(candidates=_candidates(election), in_person=False),
            "own_entry": own,
            "has_voted": own is not None and hasattr(own, "ballot"),
        },
    )


@login_required
def election_roll(request, election_id):
    election = _election(request, election_id)
    if not election.can_manage:
        raise Http404
    form = RollCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ea.correct_roll(actor=request.user, election=election, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The roll was corrected."))
            return redirect("councils_outcomes:election_roll", election.pk)
    group = (request.GET.get("group") or "").strip()[:40]
    qs = VoterRollEntry.objects.filter(election=election).select_related("person")
    if group:
        qs = qs.filter(group_label=group)
    page = page_of(request, qs, ("id",), f"roll-{election.pk}-{group}")
    return render(
        request,
        "councils/outcomes/election_roll.html",
        {
            "election": election,
            "page": page,
            "query": query_without_cursor(request),
            "form": form,
            "group": group,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def election_vote(request, election_id):
    election = _election(request, election_id)
    in_person = bool(request.POST.get("voter"))
    form = ElectionBallotForm(request.POST, candidates=_candidates(election), in_person=in_person)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("councils_outcomes:election", election.pk)
    try:
        ea.cast_election_ballot(
            actor=request.user,
            election=election,
            candidates=form.cleaned_data["candidates"],
            voter=form.cleaned_data.get("voter") if in_person else None,
        )
    except ValidationError as exc:
        flash_errors(request, exc)
    else:
        messages.success(request, _("The ballot was recorded."))
    return redirect("councils_outcomes:election", election.pk)


@login_required
@require_POST
def candidate_vet(request, election_id, candidate_id):
    election = _election(request, election_id)
    candidate = get_object_or_404(Candidate, pk=candidate_id, election=election)
    form = VetForm(request.POST)
    if form.is_valid():
        try:
            ea.vet_candidate(actor=request.user, candidate=candidate, **form.cleaned_data)
        except ValidationError as exc:
            flash_errors(request, exc)
        else:
            messages.success(request, _("The candidate was vetted."))
    return redirect("councils_outcomes:election", election.pk)


STEPS = {
    "build-roll": (ea.build_roll, gettext_lazy("The roll was built from the area's residents.")),
    "publish-roll": (ea.publish_roll, gettext_lazy("The voter roll is published.")),
    "publish-candidates": (ea.publish_candidates, gettext_lazy("The candidates are published.")),
    "open": (ea.open_election, gettext_lazy("Voting is open.")),
    "count": (ea.count_election, gettext_lazy("The ballots were counted.")),
    "publish-results": (ea.publish_results, gettext_lazy("The results are published.")),
}


@login_required
@require_POST
def election_step(request, election_id, step):
    election = _election(request, election_id)
    try:
        if step == "nominate":
            form = NominateForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"person": _("Give the id of a person on the roll.")})
            ea.nominate_candidate(actor=request.user, election=election, **form.cleaned_data)
            messages.success(request, _("The candidate was nominated."))
        elif step in STEPS:
            action, message = STEPS[step]
            action(actor=request.user, election=election)
            messages.success(request, message)
        else:
            raise Http404
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("councils_outcomes:election", election.pk)
