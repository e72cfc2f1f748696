"""Pages of co-construction agreements between the community and a unit: the list by area, drafting,
signing, deliveries, renewal and termination."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core.forms import apply_errors, flash_errors

from . import queries_outcomes as q
from .actions import MANAGE
from .actions import outcomes as oa
from .forms_outcomes import AgreementForm, CommitmentFormSet, DeliveryForm, ReasonForm, RenewForm, SignForm
from .models import Agreement
from .views_outcomes import _done, area_from_request, page_of, query_without_cursor


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
