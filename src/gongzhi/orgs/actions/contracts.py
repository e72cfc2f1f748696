"""Service-contract actions: government purchase of services and hosting of centres, from draft to
signing, indicator reports, evaluation or termination. One verb-named function per state change; each
checks the policy and writes one audit event (the verbs and capabilities are registered in programs.py).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, events, policy

from .. import permissions as P
from ..models import ContractIndicator, ServiceContract
from .programs import CONTRACT_AREA_KINDS, REPORT_CONTRACT, _active_org, _money, _period, _text


def create_contract(
    *,
    actor,
    area,
    kind,
    title,
    provider,
    budget,
    starts_on,
    ends_on,
    centre_name="",
    description="",
    indicators=(),
    is_demo=False,
) -> ServiceContract:
    """A street/town (or district) buys a service or entrusts a centre to an organization.

    `indicators` are dicts with name, target and an optional unit.
    """
    policy.require(actor, P.MANAGE_PROGRAMS, area=area)
    if area.kind not in CONTRACT_AREA_KINDS:
        raise ValidationError({"area": _("A contract is made by a district, street/town or community.")})
    if kind not in ServiceContract.Kind.values:
        raise ValidationError({"kind": _("Choose purchase of services or hosting of a centre.")})
    title = _text("title", title)
    centre_name = (centre_name or "").strip()
    if kind == ServiceContract.Kind.HOSTING and not centre_name:
        raise ValidationError({"centre_name": _("Name the centre that is hosted.")})
    _active_org("provider", provider)
    budget = _money("budget", budget)
    _period("starts_on", starts_on, "ends_on", ends_on)
    rows = []
    for i, ind in enumerate(indicators or []):
        name = (ind.get("name") or "").strip()
        if not name:
            raise ValidationError({"indicators": _("Indicator %(n)d needs a name.") % {"n": i + 1}})
        target = _money("indicators", ind.get("target"))
        rows.append(ContractIndicator(name=name, unit=(ind.get("unit") or "").strip(), target=target))
    with transaction.atomic():
        contract = ServiceContract(
            kind=kind,
            title=title,
            provider=provider,
            centre_name=centre_name,
            description=description or "",
            budget=budget,
            starts_on=starts_on,
            ends_on=ends_on,
            is_demo=is_demo,
        )
        contract.set_area(area)
        contract.full_clean(exclude=["area_path"])
        contract.save()
        for row in rows:
            row.contract = contract
        ContractIndicator.objects.bulk_create(rows)
        audit.record(
            actor,
            "contract.created",
            contract,
            details={"kind": kind, "provider": provider.pk, "budget": budget, "indicators": len(rows)},
        )
    return contract


def sign_contract(*, actor, contract, signed_on) -> ServiceContract:
    policy.require(actor, P.MANAGE_PROGRAMS, area=contract.area)
    if signed_on is None or signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("Enter a date that is not in the future.")})
    if signed_on > contract.ends_on:
        raise ValidationError({"signed_on": _("A contract cannot be signed after its period ends.")})
    with transaction.atomic():
        if not ServiceContract.objects.filter(pk=contract.pk, state=ServiceContract.State.DRAFT).update(
            state=ServiceContract.State.ACTIVE, signed_on=signed_on, updated_at=timezone.now()
        ):
            raise ValidationError(_("Only a draft contract can be signed."))
        contract.refresh_from_db()
        audit.record(actor, "contract.signed", contract, details={"signed_on": signed_on})
        events.publish("contract.signed", contract_id=contract.pk)
    return contract


def can_report(actor, contract) -> bool:
    return policy.can(actor, P.MANAGE_PROGRAMS, area=contract.area) or policy.can(
        actor, REPORT_CONTRACT, body=contract.provider
    )


def report_indicator(*, actor, indicator, reported, reported_on) -> ContractIndicator:
    """The provider (or an official) reports the value reached for an indicator of a contract in force."""
    contract = indicator.contract
    if not can_report(actor, contract):
        raise PermissionDenied(REPORT_CONTRACT)
    value = _money("reported", reported)
    if reported_on is None or reported_on > timezone.localdate():
        raise ValidationError({"reported_on": _("Enter a date that is not in the future.")})
    if reported_on < contract.starts_on:
        raise ValidationError({"reported_on": _("A value cannot be reported before the contract starts.")})
    with transaction.atomic():
        locked = ServiceContract.objects.select_for_update().get(pk=contract.pk)
        if locked.state != ServiceContract.State.ACTIVE:
            raise ValidationError(_("Values are reported while the contract is in force."))
        row = ContractIndicator.objects.select_for_update().get(pk=indicator.pk)
        row.reported, row.reported_on = value, reported_on
        row.save(update_fields=["reported", "reported_on"])
        ServiceContract.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
        audit.record(
            actor, "contract.indicator_reported", locked, details={"indicator": row.name, "reported": value}
        )
    return row


def evaluate_contract(*, actor, contract, evaluation, note="") -> ServiceContract:
    """Record the evaluation result; the contract is then completed."""
    policy.require(actor, P.MANAGE_PROGRAMS, area=contract.area)
    if evaluation not in ServiceContract.Evaluation.values:
        raise ValidationError({"evaluation": _("Choose excellent, good, pass or fail.")})
    if evaluation == ServiceContract.Evaluation.FAIL and not (note or "").strip():
        raise ValidationError({"evaluation_note": _("Say why the contract failed its evaluation.")})
    with transaction.atomic():
        if not ServiceContract.objects.filter(pk=contract.pk, state=ServiceContract.State.ACTIVE).update(
            state=ServiceContract.State.COMPLETED,
            evaluation=evaluation,
            evaluation_note=note or "",
            updated_at=timezone.now(),
        ):
            raise ValidationError(_("Only a contract in force can be evaluated."))
        contract.refresh_from_db()
        audit.record(actor, "contract.evaluated", contract, details={"evaluation": evaluation})
    return contract


def terminate_contract(*, actor, contract, reason, terminated_on: dt.date | None = None) -> ServiceContract:
    policy.require(actor, P.MANAGE_PROGRAMS, area=contract.area)
    reason = _text("evaluation_note", reason)
    with transaction.atomic():
        if not ServiceContract.objects.filter(
            pk=contract.pk, state__in=[ServiceContract.State.DRAFT, ServiceContract.State.ACTIVE]
        ).update(state=ServiceContract.State.TERMINATED, evaluation_note=reason, updated_at=timezone.now()):
            raise ValidationError(_("This contract has already ended."))
        contract.refresh_from_db()
        audit.record(
            actor,
            "contract.terminated",
            contract,
            details={"reason": reason, "terminated_on": terminated_on or timezone.localdate()},
        )
    return contract


__all__ = [
    "create_contract",
    "evaluate_contract",
    "report_indicator",
    "sign_contract",
    "terminate_contract",
]
