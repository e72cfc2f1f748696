"""Departments (城管, 房管, 公安, 市场监管 …): create and change them, and act on behalf of one that is offline.

The model is accounts.Department; its pages live in the areas app because a department is placed
by the area it covers. A department that does not use the platform still has cases dispatched to it:
staff then record its actions for it, and `record_on_behalf` marks every such event as such.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.accounts.models import Department
from gongzhi.accounts.roles import AREA_STAFF_ROLES, Role
from gongzhi.core import audit, policy

from .models import STREET_KINDS, Area, AreaKind

MANAGE_DEPARTMENTS = policy.register(
    "areas.manage_departments", [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN]
)
ACT_FOR_DEPARTMENT = policy.register("areas.act_for_department", sorted(AREA_STAFF_ROLES))

audit.register_verb("department.created", gettext_lazy("department created"))
audit.register_verb("department.updated", gettext_lazy("department updated"))

# The area kinds a department of each level covers.
LEVEL_AREA_KINDS = {
    Department.Level.CITY: {AreaKind.CITY},
    Department.Level.DISTRICT: {AreaKind.DISTRICT},
    Department.Level.STREET: set(STREET_KINDS),
}
DEPARTMENT_FIELDS = ("name", "kind", "level", "uses_platform", "contact_email", "is_active")


def _validate(dept: Department) -> None:
    errors = {}
    if not (dept.name or "").strip():
        errors["name"] = _("Give the department a name.")
    if dept.level in LEVEL_AREA_KINDS and dept.area_id:
        if dept.area.kind not in LEVEL_AREA_KINDS[dept.level]:
            errors["area"] = _("A %(level)s-level department covers a %(kinds)s, not a %(kind)s.") % {
                "level": Department.Level(dept.level).label,
                "kinds": " / ".join(str(AreaKind(k).label) for k in sorted(LEVEL_AREA_KINDS[dept.level])),
                "kind": dept.area.get_kind_display(),
            }
    if (
        dept.name
        and dept.area_id
        and Department.objects.filter(area_id=dept.area_id, name=dept.name).exclude(pk=dept.pk).exists()
    ):
        errors["name"] = _("This area already has a department with this name.")
    if errors:
        raise ValidationError(errors)
    try:
        dept.full_clean()
    except ValidationError as exc:
        # The unique (area, name) check above speaks more clearly than the model's own message.
        raise ValidationError(exc.message_dict) from None


def create_department(*, actor, area: Area, name: str, kind: str, level: str, **extra) -> Department:
    policy.require(actor, MANAGE_DEPARTMENTS, area=area)
    unknown = set(extra) - set(DEPARTMENT_FIELDS)
    if unknown:
        raise ValueError(f"not settable: {sorted(unknown)}")
    dept = Department(area=area, name=(name or "").strip(), kind=kind, level=level, **extra)
    _validate(dept)
    try:
        with transaction.atomic():
            dept.save()
            audit.record(
                actor, "department.created", dept, details={"kind": kind, "level": level, "area": area.pk}
            )
    except IntegrityError:
        raise ValidationError({"name": _("This area already has a department with this name.")}) from None
    return dept


def update_department(*, actor, department: Department, **changes) -> Department:
    policy.require(actor, MANAGE_DEPARTMENTS, area=department.area)
    unknown = set(changes) - set(DEPARTMENT_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    try:
        with transaction.atomic():
            dept = Department.objects.select_for_update().select_related("area").get(pk=department.pk)
            before = {k: getattr(dept, k) for k in changes}
            for key, value in changes.items():
                setattr(dept, key, value.strip() if key == "name" and isinstance(value, str) else value)
            _validate(dept)
            dept.save()
            changed = {k: [before[k], getattr(dept, k)] for k in changes if before[k] != getattr(dept, k)}
            audit.record(actor, "department.updated", dept, details={"changed": changed})
    except IntegrityError:
        raise ValidationError({"name": _("This area already has a department with this name.")}) from None
    return dept


def record_on_behalf(
    actor, department: Department, verb: str, obj, details: dict | None = None, *, area=None
):
    """Write the audit event of an action a staff member records for an offline department.

    Call it inside the action that made the change (instead of `audit.record`). The actor needs
    "areas.act_for_department" over the place the action concerns: `area`, else the object's
    audit area, else the department's area. A department that uses the platform acts itself.
    """
    place = area or getattr(obj, "audit_area", None) or department.area
    policy.require(actor, ACT_FOR_DEPARTMENT, area=place)
    if department.uses_platform:
        raise ValidationError(
            {"department": _("This department uses the platform; its own handlers record its actions.")}
        )
    if not department.is_active:
        raise ValidationError({"department": _("This department is no longer active.")})
    merged = dict(details or {})
    merged["on_behalf_of"] = {"id": department.pk, "name": department.name}
    return audit.record(actor, verb, obj, details=merged, area=place)
