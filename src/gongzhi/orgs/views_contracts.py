"""Service-contract pages: the list, a contract with its indicators, signing, reports, evaluation,
termination, and the OCDS export.

Thin: parse the form, authorize through the policy, call the action or query, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import Area
from gongzhi.core import policy
from gongzhi.core.forms import apply_errors

from . import ocds
from . import permissions as P
from . import queries_programs as Q
from .actions import contracts as C
from .actions import programs as A
from .forms_programs import (
    ContractForm,
    EvaluateForm,
    IndicatorFormSet,
    ReportValueForm,
    SignForm,
    TerminateForm,
)
from .models import ContractIndicator, ServiceContract, SocialOrganization
from .models.registry import OrgStatus
from .views_programs import _areas, _form_page, _get, _page, _query, _require_view


@login_required
def contract_list(request):
    _require_view(request)
    kind = request.GET.get("kind") if request.GET.get("kind") in ServiceContract.Kind.values else None
    state = request.GET.get("state") if request.GET.get("state") in ServiceContract.State.values else None
    page = _page(
        request, Q.contracts_for(request.user, kind=kind, state=state), Q.CONTRACT_ORDERING, "contracts"
    )
    return render(
        request,
        "orgs/programs/contract_list.html",
        {
            "page": page,
            "query": _query(request),
            "kind": kind,
            "state": state,
            "kinds": ServiceContract.Kind.choices,
            "states": ServiceContract.State.choices,
            "can_create": policy.can(request.user, P.MANAGE_PROGRAMS),
            "tab": "contracts",
        },
    )


@login_required
def contract_create(request):
    policy.require(request.user, P.MANAGE_PROGRAMS)
    form = ContractForm(
        request.POST or None,
        areas=_areas(request.user, P.MANAGE_PROGRAMS, ["district", "street", "town", "community"]),
        providers=SocialOrganization.objects.exclude(status=OrgStatus.DEREGISTERED).order_by("name"),
    )
    formset = IndicatorFormSet(request.POST or None, prefix="ind")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        indicators = [f.cleaned_data for f in formset if f.cleaned_data.get("name")]
        try:
            contract = C.create_contract(actor=request.user, indicators=indicators, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The contract was recorded as a draft."))
            return redirect("orgs_programs:contract", contract.pk)
    return _form_page(request, _("New service contract"), form, extra={"formset": formset})


def _contract(request, pk) -> ServiceContract:
    contract = _get(ServiceContract.objects.select_related("provider", "area"), pk)
    if not Q.can_view_contract(request.user, contract):
        raise PermissionDenied
    return contract


@login_required
def contract_detail(request, pk):
    contract = _contract(request, pk)
    manage = policy.can(request.user, P.MANAGE_PROGRAMS, area=contract.area)
    return render(
        request,
        "orgs/programs/contract_detail.html",
        {
            "contract": contract,
            "indicators": contract.indicators.all(),
            "manage": manage,
            "can_report": C.can_report(request.user, contract)
            and contract.state == ServiceContract.State.ACTIVE,
            "sign_form": SignForm(),
            "report_form": ReportValueForm(),
            "evaluate_form": EvaluateForm(),
            "terminate_form": TerminateForm(),
            "tab": "contracts",
        },
    )


def _contract_post(request, pk, form_class, call, success):
    contract = _contract(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(contract, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("orgs_programs:contract", contract.pk)
    return _form_page(request, contract.title, form, back=("orgs_programs:contract", contract.pk))


@login_required
@require_POST
def contract_sign(request, pk):
    return _contract_post(
        request,
        pk,
        SignForm,
        lambda c, d: C.sign_contract(actor=request.user, contract=c, signed_on=d["signed_on"]),
        _("The contract is in force."),
    )


@login_required
@require_POST
def contract_report(request, pk, indicator_id):
    contract = _contract(request, pk)
    indicator = _get(
        ContractIndicator.objects.filter(contract=contract).select_related(
            "contract__provider", "contract__area"
        ),
        indicator_id,
    )
    return _contract_post(
        request,
        pk,
        ReportValueForm,
        lambda c, d: C.report_indicator(actor=request.user, indicator=indicator, **d),
        _("The value was reported."),
    )


@login_required
@require_POST
def contract_evaluate(request, pk):
    return _contract_post(
        request,
        pk,
        EvaluateForm,
        lambda c, d: C.evaluate_contract(
            actor=request.user, contract=c, evaluation=d["evaluation"], note=d["note"]
        ),
        _("The evaluation was recorded."),
    )


@login_required
@require_POST
def contract_terminate(request, pk):
    return _contract_post(
        request,
        pk,
        TerminateForm,
        lambda c, d: C.terminate_contract(actor=request.user, contract=c, reason=d["reason"]),
        _("The contract was terminated."),
    )


@login_required
def contract_ocds(request):
    """The contracts the user may see (optionally of one area's subtree) as an OCDS release package."""
    _require_view(request)
    area = None
    if request.GET.get("area"):
        area = _get(Area.objects.all(), request.GET["area"])
        policy.require(request.user, A.VIEW_PROGRAMS, area=area)
    contracts = list(
        Q.contracts_for(request.user, area=area).prefetch_related("indicators").order_by("id")[:5000]
    )
    if not contracts:  # a release package holds at least one release
        messages.info(request, _("There are no contracts to export."))
        return redirect("orgs_programs:contracts")
    package = ocds.release_package(contracts, uri=request.build_absolute_uri())
    response = HttpResponse(ocds.dumps(package), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contracts-ocds.json"'
    return response
