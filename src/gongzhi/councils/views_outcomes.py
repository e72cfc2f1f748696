"""Pages of votes, resolutions and public accountability, action items, agreements and proposals.

Thin: each page parses its input, asks visibility/policy, calls one action or query, and renders.
Elections have their pages in views_elections.py.
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
from .actions import proposals as pa
from .actions import votes as va
from .forms_outcomes import (
    ActionItemForm,
    AgreementForm,
    BallotForm,
    CommitmentFormSet,
    DecideProposalForm,
    DeliveryForm,
    MotionForm,
    ProgressForm,
    ProposalForm,
    ProposalSettingForm,
    ReasonForm,
    RecordBallotForm,
    RenewForm,
    SignForm,
)
from .models import ActionItem, AgendaItem, Agreement, Council, Motion, Proposal, Resolution


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


# --- proposals -------------------------------------------------------------------------------------------
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


# --- agreements ----------------------------------------------------------------------------------------
@login_required
def agreements(request):
    area = area_from_request(request, MANAGE)
    state = request.GET.get("state") or None
    if state not in Agreement.State.values:
        state = None
    page = page_of(
        request, q.agreements_in(area, state=state), q.AGREEMENT_ORDERING, f"agreements-{area.pk}-{state}"
    )
    q.delivery_status(page.items)
    return render(
        request,
        "councils/outcomes/agreements.html",
        {
            "area": area,
            "ancestors": area.ancestors(),
            "children": area.children.order_by("path")[:100],
            "page": page,
            "query": query_without_cursor(request),
            "state": state,
            "states": Agreement.State.choices,
        },
    )


@login_required
def agreement_create(request):
    area = area_from_request(request, MANAGE)
    form = AgreementForm(request.POST or None)
    formset = CommitmentFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        items = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        try:
            agreement = oa.create_agreement(actor=request.user, area=area, items=items, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _done(
                request, _("The agreement was drafted."), "councils_outcomes:agreement", agreement.pk
            )
    return render(
        request,
        "councils/outcomes/agreement_form.html",
        {"form": form, "formset": formset, "area": area},
        status=422 if (form.errors or formset.total_error_count()) else 200,
    )


@login_required
def agreement_detail(request, agreement_id):
    agreement = get_object_or_404(Agreement.objects.select_related("area", "renewal_of"), pk=agreement_id)
    if not oa.can_manage_agreement(request.user, agreement):
        raise Http404
    q.delivery_status([agreement])
    return render(
        request,
        "councils/outcomes/agreement.html",
        {
            "agreement": agreement,
            "deliveries": q.deliveries_of(agreement),
            "renewal": Agreement.objects.filter(renewal_of=agreement).first(),
            "sign_form": SignForm(),
            "delivery_form": DeliveryForm(items=agreement.commitments),
            "renew_form": RenewForm(),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def agreement_step(request, agreement_id, step):
    agreement = get_object_or_404(Agreement.objects.select_related("area"), pk=agreement_id)
    if not oa.can_manage_agreement(request.user, agreement):
        raise Http404
    forms_by_step = {"sign": SignForm, "deliver": DeliveryForm, "renew": RenewForm, "terminate": ReasonForm}
    if step not in forms_by_step:
        raise Http404
    kwargs = {"items": list(agreement.items.all())} if step == "deliver" else {}
    form = forms_by_step[step](request.POST, request.FILES, **kwargs)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("councils_outcomes:agreement", agreement.pk)
    data = form.cleaned_data
    try:
        if step == "sign":
            oa.sign_agreement(actor=request.user, agreement=agreement, **data)
            messages.success(request, _("The agreement is signed."))
        elif step == "deliver":
            item = agreement.items.get(pk=data.pop("item"))
            oa.record_delivery(actor=request.user, item=item, **data)
            messages.success(request, _("The delivery was recorded."))
        elif step == "renew":
            new = oa.renew_agreement(actor=request.user, agreement=agreement, **data)
            return _done(
                request,
                _("The renewal was drafted; sign it to put it in force."),
                "councils_outcomes:agreement",
                new.pk,
            )
        else:
            oa.terminate_agreement(actor=request.user, agreement=agreement, reason=data["reason"])
            messages.success(request, _("The agreement was terminated."))
    except ValidationError as exc:
        flash_errors(request, exc)
    return redirect("councils_outcomes:agreement", agreement.pk)
