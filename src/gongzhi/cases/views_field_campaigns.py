"""Field pages for campaigns: the list, a campaign's board and targets, locking, closing and re-inspection.

Thin views, as in views_field (whose area and paging helpers they share).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import AreaKind
from gongzhi.core import policy
from gongzhi.core.forms import apply_errors
from gongzhi.people.models import Dwelling

from . import forms_field as forms
from . import queries_field
from .actions import campaigns
from .models import Campaign, CampaignTarget
from .views_field import _current_area, _nav, _page, _query


@login_required
def campaign_list(request):
    area = _current_area(request, campaigns.VIEW)
    qs = queries_field.campaigns_for(request.user, area, campaigns.VIEW)
    page = _page(request, qs, ("-year",), f"campaigns-{area.pk}")
    due = (
        campaigns.reinspections_due_for(request.user).select_related(
            "campaign", "dwelling", "dwelling__area"
        )[:50]
        if policy.can(request.user, campaigns.REINSPECT)
        else []
    )
    return render(
        request,
        "cases/field/campaign_list.html",
        {
            **_nav(request, area, campaigns.VIEW),
            "page": page,
            "query": _query(request),
            "due": due,
            "can_manage": policy.can(request.user, campaigns.MANAGE, area=area),
        },
    )


@login_required
def campaign_create(request):
    area = _current_area(request, campaigns.MANAGE)
    form = forms.CampaignForm(
        request.POST or None, initial={"year": timezone.localdate().year, "reinspection_days": 30}
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.create_campaign(actor=request.user, area=area, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The campaign was created; add its targets, then lock the list."))
            return redirect("cases_field:campaign", campaign.pk)
    return render(
        request,
        "cases/field/form.html",
        {"form": form, "area": area, "title": _("New campaign"), "back": "cases_field:campaigns"},
        status=422 if form.errors else 200,
    )


def _campaign_for(request, campaign_id, capability) -> Campaign:
    campaign = get_object_or_404(Campaign.objects.select_related("area", "category"), pk=campaign_id)
    if policy.can(request.user, capability, area=campaign.area):
        return campaign
    # Staff of a committee or grid inside the campaign's area see (and re-inspect) their part of it.
    paths = policy.area_paths(request.user, capability) or []
    if capability != campaigns.MANAGE and any(p.startswith(campaign.area_path) for p in paths):
        return campaign
    raise PermissionDenied(capability)


def _campaign_context(request, campaign, **extra):
    targets = campaign.targets.select_related("dwelling", "dwelling__area", "case", "area")
    if not policy.can(request.user, campaigns.VIEW, area=campaign.area):
        targets = queries_field.in_area(targets, request.user, campaigns.VIEW, None)
    state = request.GET.get("state")
    if state in CampaignTarget.State.values:
        targets = targets.filter(state=state)
    page = _page(request, targets, ("id",), f"targets-{campaign.pk}-{state}")
    compounds = (
        campaign.area.subtree().filter(kind=AreaKind.COMPOUND, abolished_on__isnull=True).order_by("path")
    )
    can_manage = policy.can(request.user, campaigns.MANAGE, area=campaign.area)
    return {
        "campaign": campaign,
        "board": queries_field.board(campaign),
        "page": page,
        "query": _query(request),
        "state_filter": state,
        "states": CampaignTarget.State.choices,
        "can_manage": can_manage,
        "can_reinspect": policy.can(request.user, campaigns.REINSPECT),
        "today": timezone.localdate(),
        "target_form": extra.get("target_form")
        or (forms.TargetForm(compounds=compounds[:500]) if can_manage else None),
        "reinspection_form": forms.ReinspectionForm(),
        "rebound_form": forms.ReboundForm(),
        "error_target": extra.get("error_target"),
    }


@login_required
def campaign_detail(request, campaign_id):
    campaign = _campaign_for(request, campaign_id, campaigns.VIEW)
    return render(request, "cases/field/campaign_detail.html", _campaign_context(request, campaign))


@login_required
@require_POST
def campaign_add_target(request, campaign_id):
    from gongzhi.people import actions as people_actions

    campaign = _campaign_for(request, campaign_id, campaigns.MANAGE)
    compounds = campaign.area.subtree().filter(kind=AreaKind.COMPOUND, abolished_on__isnull=True)
    form = forms.TargetForm(request.POST, compounds=compounds)
    if form.is_valid():
        d = form.cleaned_data
        try:
            dwelling = Dwelling.objects.filter(
                area=d["compound"], building=d["building"], unit=d["unit"], room=d["room"]
            ).first()
            if dwelling is None:
                dwelling = people_actions.create_dwelling(
                    actor=request.user,
                    area=d["compound"],
                    building=d["building"],
                    unit=d["unit"],
                    room=d["room"],
                )
            campaigns.add_target(
                actor=request.user, campaign=campaign, dwelling=dwelling, found_by=d["found_by"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Target added."))
            return redirect("cases_field:campaign", campaign.pk)
    return render(
        request,
        "cases/field/campaign_detail.html",
        _campaign_context(request, campaign, target_form=form),
        status=422,
    )


@login_required
@require_POST
def campaign_lock(request, campaign_id):
    campaign = _campaign_for(request, campaign_id, campaigns.MANAGE)
    try:
        campaigns.lock_campaign(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The list is locked; a case was raised and routed for each target."))
    return redirect("cases_field:campaign", campaign.pk)


@login_required
@require_POST
def campaign_close(request, campaign_id):
    campaign = _campaign_for(request, campaign_id, campaigns.MANAGE)
    try:
        campaigns.close_campaign(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The campaign was closed."))
    return redirect("cases_field:campaign", campaign.pk)


def _target_for(request, target_id) -> CampaignTarget:
    target = get_object_or_404(CampaignTarget.objects.select_related("area", "campaign"), pk=target_id)
    policy.require(request.user, campaigns.REINSPECT, area=target.area)
    return target


@login_required
@require_POST
def target_reinspect(request, target_id):
    target = _target_for(request, target_id)
    form = forms.ReinspectionForm(request.POST)
    if form.is_valid():
        try:
            campaigns.record_reinspection(actor=request.user, target=target, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The re-inspection was recorded."))
    else:
        messages.error(request, _("Choose the result of the re-inspection."))
    return redirect("cases_field:campaign", target.campaign_id)


@login_required
@require_POST
def target_rebound(request, target_id):
    target = _target_for(request, target_id)
    form = forms.ReboundForm(request.POST)
    if form.is_valid():
        try:
            campaigns.report_rebound(actor=request.user, target=target, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The rebound was recorded and a new case raised."))
    else:
        messages.error(request, _("Say what was found."))
    return redirect("cases_field:campaign", target.campaign_id)
