"""Registry actions: register, change and deregister organizations; grades; filed teams; stationed units."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, events, pii, policy

from .. import figures
from .. import permissions as P
from ..models import FiledTeam, OrgStatusChange, SocialOrganization, StationedUnit
from ..models.registry import OrgStatus
from ..validation import check_subtype, clean_uscc, not_in_future

audit.register_verb("org.registered", gettext_lazy("organization registered"))
audit.register_verb("org.updated", gettext_lazy("organization changed"))
audit.register_verb("org.status_changed", gettext_lazy("organization status changed"))
audit.register_verb("org.grade_set", gettext_lazy("evaluation grade set"))
audit.register_verb("org.contact_updated", gettext_lazy("organization contact data updated"))
audit.register_verb("team.filed", gettext_lazy("team filed"))
audit.register_verb("team.updated", gettext_lazy("team filing changed"))
audit.register_verb("team.cancelled", gettext_lazy("team filing cancelled"))
audit.register_verb("unit.created", gettext_lazy("stationed unit added"))
audit.register_verb("unit.updated", gettext_lazy("stationed unit changed"))

GRADE_VALIDITY_YEARS = 5
REGISTRY_FIELDS = (
    "name",
    "org_type",
    "subtype",
    "form",
    "service_fields",
    "registered_on",
    "address",
    "legal_representative",
    "legal_rep_id_number",
    "legal_rep_phone",
    "business_scope",
    "supervising_unit",
    "contact_person",
    "contact_phone",
    "contact_email",
    "website",
)
CONTACT_FIELDS = ("contact_person", "contact_phone", "contact_email", "website", "address")


def _check_area(area) -> None:
    if area is None or area.kind in {"compound", "grid"}:
        raise ValidationError(
            {"area": _("An organization is registered in a district, street/town or community.")}
        )


def _clean_registry(data: dict) -> dict:
    check_subtype(data["org_type"], data["subtype"])
    data["uscc"] = clean_uscc(data["uscc"], data["org_type"])
    not_in_future("registered_on", data.get("registered_on"))
    return data


def _clean_personal(data: dict) -> dict:
    """The legal representative's ID number and phone in their one stored form (or a field error)."""
    for key, check in (
        ("legal_rep_id_number", pii.validate_id_number),
        ("legal_rep_phone", pii.normalize_phone),
    ):
        if data.get(key):
            try:
                data[key] = check(data[key])
            except ValidationError as exc:
                raise ValidationError({key: exc.messages}) from None
    return data


def register_organization(
    *, actor, area, uscc, org_type, subtype, name, registered_on, **fields
) -> SocialOrganization:
    policy.require(actor, P.REGISTER, area=area)
    _check_area(area)
    data = _clean_registry(
        {
            "uscc": uscc,
            "org_type": org_type,
            "subtype": subtype,
            "name": name,
            "registered_on": registered_on,
            **fields,
        }
    )
    _clean_personal(data)
    unknown = set(data) - set(REGISTRY_FIELDS) - {"uscc", "is_demo"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    if SocialOrganization.objects.filter(uscc=data["uscc"]).exists():
        raise ValidationError(
            {"uscc": _("An organization with this unified social credit code is already registered.")}
        )
    try:
        with transaction.atomic():
            org = SocialOrganization(**data)
            org.set_area(area)
            org.full_clean(exclude=["area_path", "legal_rep_id_number_hash", "legal_rep_phone_hash"])
            org.save()
            OrgStatusChange.objects.create(
                organization=org,
                status=OrgStatus.REGISTERED,
                effective_on=org.registered_on,
                recorded_by=_user(actor),
            )
            audit.record(actor, "org.registered", org, details={"uscc": org.uscc, "type": org.org_type})
            events.publish("org.registered", organization_id=org.pk, after=figures.org_snapshot(org))
    except IntegrityError:
        raise ValidationError(
            {"uscc": _("An organization with this unified social credit code is already registered.")}
        ) from None
    return org


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def update_organization(*, actor, organization, effective_on: dt.date | None = None, note="", **changes):
    """A registration change (变更): the changed fields are recorded in the status history."""
    policy.require(actor, P.REGISTER, body=organization)
    unknown = set(changes) - set(REGISTRY_FIELDS) - {"uscc", "area"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        org = SocialOrganization.objects.select_for_update().get(pk=organization.pk)
        if org.status == OrgStatus.DEREGISTERED:
            raise ValidationError(_("A deregistered organization cannot be changed."))
        before = figures.org_snapshot(org)
        data = {f: getattr(org, f) for f in ("uscc", "org_type", "subtype", "name", "registered_on")}
        data.update({k: v for k, v in changes.items() if k in data})
        _clean_registry(data)
        changes.update({k: data[k] for k in ("uscc",) if k in changes})
        _clean_personal(changes)
        if (
            "uscc" in changes
            and SocialOrganization.objects.filter(uscc=changes["uscc"]).exclude(pk=org.pk).exists()
        ):
            raise ValidationError(
                {"uscc": _("An organization with this unified social credit code is already registered.")}
            )
        effective_on = effective_on or timezone.localdate()
        not_in_future("effective_on", effective_on)
        diff = {}
        for key, value in changes.items():
            if key == "area":
                policy.require(actor, P.REGISTER, area=value)
                _check_area(value)
                if value.pk != org.area_id:
                    diff["area"] = [org.area.name, value.name]
                    org.set_area(value)
                continue
            old = getattr(org, key)
            if old != value:
                masked = key in ("legal_rep_id_number", "legal_rep_phone")
                diff[key] = ["***", "***"] if masked else [str(old), str(value)]
                setattr(org, key, value)
        if not diff:
            return org
        org.status, org.status_changed_on = OrgStatus.CHANGED, effective_on
        org.full_clean(exclude=["area_path", "legal_rep_id_number_hash", "legal_rep_phone_hash"])
        org.save()
        OrgStatusChange.objects.create(
            organization=org,
            status=OrgStatus.CHANGED,
            effective_on=effective_on,
            note=note,
            changes=diff,
            recorded_by=_user(actor),
        )
        audit.record(actor, "org.updated", org, details={"changes": diff})
        events.publish("org.changed", organization_id=org.pk, before=before, after=figures.org_snapshot(org))
    return org


def change_status(*, actor, organization, status, effective_on, note=""):
    """Deregister (注销) an organization, dated; the only other status change is a registration change."""
    policy.require(actor, P.REGISTER, body=organization)
    if status != OrgStatus.DEREGISTERED:
        raise ValidationError({"status": _("Use a registration change to change an organization's data.")})
    not_in_future("effective_on", effective_on)
    with transaction.atomic():
        org = SocialOrganization.objects.select_for_update().get(pk=organization.pk)
        if org.status == OrgStatus.DEREGISTERED:
            raise ValidationError(_("The organization is already deregistered."))
        if effective_on < org.registered_on:
            raise ValidationError({"effective_on": _("Deregistration cannot precede registration.")})
        before = figures.org_snapshot(org)
        org.status, org.status_changed_on, org.deregistered_on = status, effective_on, effective_on
        org.save(update_fields=["status", "status_changed_on", "deregistered_on", "updated_at"])
        OrgStatusChange.objects.create(
            organization=org, status=status, effective_on=effective_on, note=note, recorded_by=_user(actor)
        )
        audit.record(
            actor, "org.status_changed", org, details={"status": status, "effective_on": str(effective_on)}
        )
        events.publish(
            "org.deregistered", organization_id=org.pk, before=before, after=figures.org_snapshot(org)
        )
    return org


def set_grade(*, actor, organization, grade: str, awarded_on: dt.date):
    """Record an evaluation grade (1A–5A); it is valid for five years."""
    policy.require(actor, P.REGISTER, body=organization)
    if grade not in {"1A", "2A", "3A", "4A", "5A"}:
        raise ValidationError({"evaluation_grade": _("A grade is one of 1A to 5A.")})
    not_in_future("grade_awarded_on", awarded_on)
    with transaction.atomic():
        org = SocialOrganization.objects.select_for_update().get(pk=organization.pk)
        if org.status == OrgStatus.DEREGISTERED:
            raise ValidationError(_("A deregistered organization cannot be graded."))
        if awarded_on < org.registered_on:
            raise ValidationError({"grade_awarded_on": _("A grade cannot precede the registration.")})
        org.evaluation_grade, org.grade_awarded_on = grade, awarded_on
        try:
            org.grade_valid_until = awarded_on.replace(year=awarded_on.year + GRADE_VALIDITY_YEARS)
        except ValueError:  # 29 February
            org.grade_valid_until = awarded_on.replace(year=awarded_on.year + GRADE_VALIDITY_YEARS, day=28)
        org.save(update_fields=["evaluation_grade", "grade_awarded_on", "grade_valid_until", "updated_at"])
        audit.record(actor, "org.grade_set", org, details={"grade": grade, "awarded_on": str(awarded_on)})
    return org


def update_contact(*, actor, organization, **changes):
    """Organization staff may change their own organization's contact data, nothing else."""
    policy.require(actor, P.EDIT_CONTACT, body=organization)
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Only contact data can be changed here.")})
    with transaction.atomic():
        org = SocialOrganization.objects.select_for_update().get(pk=organization.pk)
        for key, value in changes.items():
            setattr(org, key, value)
        org.full_clean(exclude=["area_path", "legal_rep_id_number_hash", "legal_rep_phone_hash"])
        org.save()
        audit.record(actor, "org.contact_updated", org, details={"fields": sorted(changes)})
    return org


# --- filed teams ----------------------------------------------------------------------------------
TEAM_FIELDS = ("name", "activity_kind", "leader_name", "leader_phone", "members_count", "filed_on", "note")


def file_team(*, actor, area, **data) -> FiledTeam:
    policy.require(actor, P.FILE_TEAMS, area=area)
    if area.kind in {"city", "district"}:
        raise ValidationError({"area": _("A team is filed with a street/town or below.")})
    unknown = set(data) - set(TEAM_FIELDS) - {"is_demo"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    not_in_future("filed_on", data.get("filed_on"))
    with transaction.atomic():
        team = FiledTeam(**data)
        team.set_area(area)
        team.full_clean(exclude=["area_path", "leader_phone_hash"])
        team.save()
        audit.record(actor, "team.filed", team)
    return team


def update_team(*, actor, team, **changes) -> FiledTeam:
    policy.require(actor, P.FILE_TEAMS, area=team.area)
    unknown = set(changes) - set(TEAM_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    not_in_future("filed_on", changes.get("filed_on"))
    with transaction.atomic():
        team = FiledTeam.objects.select_for_update().get(pk=team.pk)
        if team.status == FiledTeam.Status.CANCELLED:
            raise ValidationError(_("A cancelled filing cannot be changed."))
        for key, value in changes.items():
            setattr(team, key, value)
        team.status = FiledTeam.Status.CHANGED
        team.full_clean(exclude=["area_path", "leader_phone_hash"])
        team.save()
        audit.record(actor, "team.updated", team, details={"fields": sorted(changes)})
    return team


def cancel_team(*, actor, team, cancelled_on, note="") -> FiledTeam:
    policy.require(actor, P.FILE_TEAMS, area=team.area)
    not_in_future("cancelled_on", cancelled_on)
    if cancelled_on < team.filed_on:
        raise ValidationError({"cancelled_on": _("A filing cannot be cancelled before it was made.")})
    with transaction.atomic():
        updated = (
            FiledTeam.objects.filter(pk=team.pk)
            .exclude(status=FiledTeam.Status.CANCELLED)
            .update(status=FiledTeam.Status.CANCELLED, cancelled_on=cancelled_on, note=note or team.note)
        )
        if not updated:
            raise ValidationError(_("The filing is already cancelled."))
        team.refresh_from_db()
        audit.record(actor, "team.cancelled", team, details={"cancelled_on": str(cancelled_on)})
    return team


# --- stationed units ------------------------------------------------------------------------------
UNIT_FIELDS = (
    "name",
    "uscc",
    "kind",
    "address",
    "contact_phone",
    "has_party_organization",
    "employees",
    "is_active",
)


def create_unit(*, actor, area, liaison=None, **data) -> StationedUnit:
    policy.require(actor, P.MANAGE_UNITS, area=area)
    unknown = set(data) - set(UNIT_FIELDS) - {"is_demo"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    if data.get("uscc"):
        data["uscc"] = clean_uscc(data["uscc"])
        if StationedUnit.objects.filter(uscc=data["uscc"]).exists():
            raise ValidationError(
                {"uscc": _("A unit with this unified social credit code is already recorded.")}
            )
    else:
        data["uscc"] = None
    with transaction.atomic():
        unit = StationedUnit(liaison=liaison, **data)
        unit.set_area(area)
        unit.full_clean(exclude=["area_path"])
        unit.save()
        audit.record(actor, "unit.created", unit)
        _assign_liaison(unit, None, liaison)
    return unit


def _assign_liaison(unit, old, new) -> None:
    """The liaison signs in with the unit_liaison role for this unit: designating them grants it.

    Whoever may keep the unit's record (orgs.manage_units over its area) may name its liaison, so
    the grant is made by the system inside this action; the previous liaison loses the role.
    """
    from gongzhi.accounts.actions import grant_role, revoke_role
    from gongzhi.accounts.models import RoleAssignment
    from gongzhi.accounts.roles import Role, ScopeKind

    old_id, new_id = getattr(old, "pk", None), getattr(new, "pk", None)
    if old_id == new_id:
        return
    if old_id:
        for assignment in RoleAssignment.objects.active().filter(
            user_id=old_id, role=Role.UNIT_LIAISON, scope_kind=ScopeKind.STATIONED_UNIT, scope_id=unit.pk
        ):
            revoke_role(actor=None, assignment=assignment)
    if new_id and not (
        RoleAssignment.objects.active()
        .filter(user_id=new_id, role=Role.UNIT_LIAISON, scope_kind=ScopeKind.STATIONED_UNIT, scope_id=unit.pk)
        .exists()
    ):
        grant_role(
            actor=None,
            user=new,
            role=Role.UNIT_LIAISON,
            scope_kind=ScopeKind.STATIONED_UNIT,
            scope_id=unit.pk,
        )


def update_unit(*, actor, unit, **changes) -> StationedUnit:
    """Staff in scope, or the unit's own liaison (body scope), keep the unit's record."""
    policy.require(actor, P.MANAGE_UNITS, body=unit)
    unknown = set(changes) - set(UNIT_FIELDS) - {"liaison"}
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    if "liaison" in changes and not policy.can(actor, P.MANAGE_UNITS, area=unit.area):
        raise ValidationError({"liaison": _("Only staff can change a unit's liaison.")})
    if changes.get("uscc"):
        changes["uscc"] = clean_uscc(changes["uscc"])
        if StationedUnit.objects.filter(uscc=changes["uscc"]).exclude(pk=unit.pk).exists():
            raise ValidationError(
                {"uscc": _("A unit with this unified social credit code is already recorded.")}
            )
    with transaction.atomic():
        unit = StationedUnit.objects.select_for_update().get(pk=unit.pk)
        old_liaison = unit.liaison
        for key, value in changes.items():
            setattr(unit, key, value or None if key == "uscc" else value)
        unit.full_clean(exclude=["area_path"])
        unit.save()
        audit.record(actor, "unit.updated", unit, details={"fields": sorted(changes)})
        if "liaison" in changes:
            _assign_liaison(unit, old_liaison, changes["liaison"])
    return unit
