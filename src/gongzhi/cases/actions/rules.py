"""Routing rules and the street/town default handler, managed in the UI by administrators."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, policy

from .. import permissions
from ..models import DefaultHandler, RoutingRule, RoutingSupport

audit.register_verb("case_rule.saved", gettext_lazy("routing rule saved"))
audit.register_verb("case_rule.deactivated", gettext_lazy("routing rule deactivated"))
audit.register_verb("case_rule.default_handler_set", gettext_lazy("default case handler set"))


def save_rule(
    *, actor, category, area, lead_kind="area", lead_area_level="committee", lead_department=None, supports=()
):
    """Create the rule for category × area, replacing the active one (kept, inactive, for history).

    `supports`: (department, task, working days) triples.
    """
    policy.require(actor, permissions.MANAGE_ROUTING, area=area)
    errors = {}
    if lead_kind == "department" and lead_department is None:
        errors["lead_department"] = [_("Choose the lead department.")]
    if lead_kind == "area" and lead_area_level not in ("committee", "community", "street"):
        errors["lead_area_level"] = [_("Choose the lead level.")]
    if lead_kind not in ("area", "department"):
        errors["lead_kind"] = [_("Choose an office or a department.")]
    seen = set()
    for dept, task, days in supports:
        if dept.pk in seen or (lead_department is not None and dept.pk == lead_department.pk):
            errors["supports"] = [_("A department appears twice.")]
        seen.add(dept.pk)
        if not (task or "").strip():
            errors["support_task"] = [_("Give the supporting departments' task.")]
        if not 1 <= int(days) <= 365:
            errors["support_days"] = [_("Between 1 and 365 working days.")]
    if area.kind not in (
        "city",
        "district",
        "street",
        "town",
        "community",
        "residents_committee",
        "village_committee",
    ):
        errors["area"] = [_("Rules are set for a committee or a larger area.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        RoutingRule.objects.filter(category=category, area=area, is_active=True).update(is_active=False)
        rule = RoutingRule.objects.create(
            category=category,
            area=area,
            area_depth=area.depth,
            lead_kind=lead_kind,
            lead_area_level=lead_area_level if lead_kind == "area" else "",
            lead_department=lead_department if lead_kind == "department" else None,
        )
        for dept, task, days in supports:
            RoutingSupport.objects.create(
                rule=rule, department=dept, task=task.strip()[:200], resolve_within_days=int(days)
            )
        audit.record(
            actor,
            "case_rule.saved",
            rule,
            details={
                "category": category.code,
                "lead": lead_kind,
                "supports": [d.name for d, _t, _d in supports],
            },
            area=area,
        )
    return rule


def deactivate_rule(*, actor, rule: RoutingRule) -> RoutingRule:
    policy.require(actor, permissions.MANAGE_ROUTING, area=rule.area)
    with transaction.atomic():
        RoutingRule.objects.filter(pk=rule.pk).update(is_active=False)
        audit.record(actor, "case_rule.deactivated", rule, details={}, area=rule.area)
    rule.is_active = False
    return rule


def set_default_handler(*, actor, street, handler_area) -> DefaultHandler:
    policy.require(actor, permissions.MANAGE_ROUTING, area=street)
    if street.kind not in ("street", "town"):
        raise ValidationError({"street": _("The default handler is set for a street or town.")})
    if not handler_area.path.startswith(street.path):
        raise ValidationError(
            {"handler_area": _("The default handler must be an office of this street/town.")}
        )
    with transaction.atomic():
        row, _created = DefaultHandler.objects.update_or_create(
            street=street, defaults={"handler_area": handler_area}
        )
        audit.record(
            actor,
            "case_rule.default_handler_set",
            street,
            details={"handler": handler_area.name},
            area=street,
        )
    return row
