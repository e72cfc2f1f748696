"""Every change to accounts: users, role assignments and API tokens."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, policy

from . import scopes
from .models import ApiToken, RoleAssignment, User
from .roles import GRANTABLE, ROLE_SCOPES, Role, ScopeKind

MANAGE_ROLES = policy.register("accounts.manage_roles", list(GRANTABLE))
VIEW_AUDIT = policy.register("core.view_audit", [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN])
UNMASK_PII = policy.register(
    "core.unmask_pii",
    [Role.CITY_ADMIN, Role.DISTRICT_ADMIN, Role.STREET_ADMIN, Role.COMMUNITY_WORKER, Role.COMMITTEE_WORKER],
)

audit.register_verb("role.granted", gettext_lazy("role granted"))
audit.register_verb("role.revoked", gettext_lazy("role revoked"))
audit.register_verb("user.created", gettext_lazy("user created"))
audit.register_verb("user.password_changed", gettext_lazy("password changed"))
audit.register_verb("user.profile_updated", gettext_lazy("profile updated"))
audit.register_verb("token.created", gettext_lazy("API token created"))
audit.register_verb("token.revoked", gettext_lazy("API token revoked"))


def can_grant(actor, role: str, kind: str, obj, area) -> bool:
    """The actor may grant `role` for the scope when one of their own grants allows that role
    and covers the scope (an area inside theirs, or the very body they hold a scope for)."""
    if actor is None or getattr(actor, "is_superuser", False):
        return True
    target_path = getattr(area, "path", "") if area is not None else ""
    for g in policy.grants(actor):
        if role not in GRANTABLE.get(g.role, set()):
            continue
        if g.scope_kind == ScopeKind.AREA and target_path and target_path.startswith(g.area_path):
            return True
        if g.scope_kind == kind and g.scope_id == obj.pk:
            return True
    return False


def grant_role(
    *, actor, user: User, role: str, scope_kind: str, scope_id, valid_until=None
) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if scope_kind not in ROLE_SCOPES[role]:
        raise ValidationError({"scope_kind": _("This role cannot be given for this kind of scope.")})
    obj, area = scopes.resolve(scope_kind, scope_id)
    if not can_grant(actor, role, scope_kind, obj, area):
        raise PermissionDenied(_("You can only grant roles within your own scope."))
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user,
                role=role,
                scope_kind=scope_kind,
                scope_id=obj.pk,
                area=area,
                scope_label=str(obj)[:120],
                granted_by=actor,
                valid_until=valid_until,
            )
            audit.record(actor, "role.granted", assignment, details={"role": role, "user": user.username})
    except IntegrityError:
        raise ValidationError({"role": _("The user already holds this role for this scope.")}) from None
    policy.forget(user)
    return assignment


def revoke_role(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    obj, area = scopes.resolve(assignment.scope_kind, assignment.scope_id)
    if not can_grant(actor, assignment.role, assignment.scope_kind, obj, area):
        raise PermissionDenied(_("You can only revoke roles within your own scope."))
    with transaction.atomic():
        updated = RoleAssignment.objects.filter(pk=assignment.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This role assignment was already revoked."))
        assignment.refresh_from_db()
        audit.record(actor, "role.revoked", assignment, details={"role": assignment.role})
    policy.forget(assignment.user)
    return assignment


def create_user(
    *, actor, username: str, password: str | None, display_name: str = "", email: str = ""
) -> User:
    if actor is not None and not policy.can(actor, MANAGE_ROLES):
        raise PermissionDenied(_("You may not create users."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    with transaction.atomic():
        user = User(username=username, display_name=display_name, email=email)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        audit.record(actor, "user.created", user, details={"username": username})
    return user


def change_password(*, actor, user: User, new_password: str) -> None:
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit.record(actor, "user.password_changed", user)


def update_profile(*, actor, user: User, display_name: str, email: str, language: str) -> User:
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied
    with transaction.atomic():
        user.display_name, user.email, user.language = display_name, email, language
        user.full_clean(exclude=["password"])
        user.save(update_fields=["display_name", "email", "language"])
        audit.record(actor, "user.profile_updated", user)
    return user


TOKEN_PREFIX = "gz_"  # noqa: S105 - a public prefix, not a secret


def create_api_token(*, actor, name: str) -> tuple[ApiToken, str]:
    """Returns the token record and the secret, which is shown once and never stored."""
    if not name.strip():
        raise ValidationError({"name": _("Give the token a name.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name.strip(), prefix=secret[:10], digest=ApiToken.digest_of(secret)
        )
        audit.record(actor, "token.created", token, details={"name": token.name})
    return token, secret


def revoke_api_token(*, actor, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        audit.record(actor, "token.revoked", token)


def user_for_token(secret: str) -> User | None:
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
