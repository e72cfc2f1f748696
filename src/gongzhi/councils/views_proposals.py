"""Pages of residents' proposals: the list by area, submitting, supporting, deciding, and the area's threshold."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.forms import apply_errors, flash_errors

from . import queries_outcomes as q
from . import visibility
from .actions import MANAGE
from .actions import proposals as pa
from .forms_outcomes import DecideProposalForm, ProposalForm, ProposalSettingForm
from .models import Council, Proposal
from .views_outcomes import _done, area_from_request, page_of, query_without_cursor


@login_required
def proposals(request):
    area = area_from_request(request, pa.PROPOSE)
    state = request.GET.get("state") or None
    if state not in Proposal.State.values:
        state = None
    page = page_of(
        request, q.proposals_in(area, state=state), q.PROPOSAL_ORDERING, f"proposals-{area.pk}-{state}"
    )
    setting = pa.setting_for(area)
    return render(
        request,
        "councils/outcomes/proposals.html",
        {
            "area": area,
            "ancestors": area.ancestors(),
            "children": area.children.order_by("path")[:100],
            "page": page,
            "query": query_without_cursor(request),
            "state": state,
            "states": Proposal.State.choices,
            "setting": setting,
            "threshold": setting.support_threshold if setting else pa.DEFAULT_THRESHOLD,
            "can_manage": q.can_manage_area(request.user, area),
            "supported": q.supported_ids(request.user, page.items),
        },
    )


def _proposal_areas(user):
    paths = policy.area_paths(user, pa.PROPOSE)
    qs = Area.objects.filter(kind__in=list(pa.PROPOSAL_AREA_KINDS), abolished_on__isnull=True)
    if paths is None:
        return qs.order_by("path")[:200]
    from gongzhi.areas.models import subtree_q

    cond = None
    for p in paths:
        cond = subtree_q("path", p) if cond is None else cond | subtree_q("path", p)
    return qs.filter(cond).order_by("path")[:200] if cond is not None else qs.none()


@login_required
def proposal_create(request):
    areas = Area.objects.filter(pk__in=[a.pk for a in _proposal_areas(request.user)])
    form = ProposalForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = pa.submit_proposal(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _done(
                request, _("Your proposal was submitted."), "councils_outcomes:proposal", proposal.pk
            )
    return render(
        request,
        "councils/outcomes/form.html",
        {"form": form, "title": _("New proposal"), "cancel": "councils_outcomes:proposals"},
        status=422 if form.errors else 200,
    )


def _visible_proposal(request, proposal_id) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related("area", "proposer", "agenda_item__meeting"), pk=proposal_id
    )
    user = request.user
    if not (policy.can(user, pa.PROPOSE, area=proposal.area) or proposal.proposer_id == user.pk):
        raise Http404
    return proposal


@login_required
def proposal_detail(request, proposal_id):
    proposal = _visible_proposal(request, proposal_id)
    manage = q.can_manage_area(request.user, proposal.area)
    return render(
        request,
        "councils/outcomes/proposal.html",
        {
            "proposal": proposal,
            "supported": proposal.pk in q.supported_ids(request.user, [proposal]),
            "is_proposer": proposal.proposer_id == request.user.pk,
            "can_manage": manage,
            "decide_form": DecideProposalForm() if manage else None,
            "share": q.percent(min(proposal.support_count, proposal.threshold), proposal.threshold),
            "share_value": min(100, proposal.support_count * 100 // max(proposal.threshold, 1)),
        },
    )


@login_required
@require_POST
def proposal_step(request, proposal_id, step):
    proposal = _visible_proposal(request, proposal_id)
    try:
        if step == "support":
            proposal = pa.support_proposal(actor=request.user, proposal=proposal)
            messages.success(request, _("Your support was counted."))
            if proposal.state == Proposal.State.SCHEDULED:
                messages.info(request, _("The proposal reached its threshold and is on the agenda."))
        elif step == "withdraw":
            pa.withdraw_proposal(actor=request.user, proposal=proposal)
            messages.success(request, _("The proposal was withdrawn."))
        elif step == "decide":
            form = DecideProposalForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    {"outcome": _("Say what was decided, or why the proposal is not taken up.")}
                )
            pa.decide_proposal(actor=request.user, proposal=proposal, **form.cleaned_data)
            messages.success(request, _("The outcome was recorded and the proposer told."))
        else:
            raise Http404
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("councils_outcomes:proposal", proposal.pk)


@login_required
def proposal_setting(request):
    area = area_from_request(request, MANAGE)
    setting = pa.setting_for(area)
    own = setting if setting is not None and setting.area_id == area.pk else None
    councils = Council.objects.filter(
        pk__in=visibility.council_queryset_for(request.user).values("pk"), is_active=True
    )
    councils = councils.filter(area__path__in=[a.path for a in area.ancestors()] + [area.path]).order_by(
        "name"
    )
    form = ProposalSettingForm(
        request.POST or None,
        councils=councils,
        initial={
            "support_threshold": own.support_threshold if own else pa.DEFAULT_THRESHOLD,
            "council": own.council if own else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            pa.save_proposal_setting(actor=request.user, area=area, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The proposal threshold was saved."))
            return redirect(f"{request.path}?area={area.pk}")
    return render(
        request,
        "councils/outcomes/form.html",
        {
            "form": form,
            "title": _("Proposal threshold for %(area)s") % {"area": area.name},
            "area": area,
            "cancel": "councils_outcomes:proposals",
        },
        status=422 if form.errors else 200,
    )
