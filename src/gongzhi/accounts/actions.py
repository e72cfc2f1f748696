"""Every change to accounts: users, role assignments and API tokens."""

import copy
import secrets

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, memo, policy

from . import scopes
from .models import ApiToken, RoleAssignment, User
from .roles import GRANTABLE, ROLE_SCOPES, Role, ScopeKind

TOKEN_MEMO_SECONDS = 5
TOKENS = memo.LocalMemo("api-tokens", TOKEN_MEMO_SECONDS)
memo.clear_on_save(TOKENS, ApiToken, RoleAssignment, User)

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

MAX_ACTIVE_TOKENS = 20
TOKEN_PREFIX = "gz_"  # noqa: S105 - a public prefix, not a secret


def grant_denied_message() -> str:
    return _("You can only grant roles within your own scope.")


def _checked_valid_until(value):
    """Naive times are Shanghai times; the end must lie in the future and before 2100."""
    if not 2000 < value.year < 2100:
        raise ValidationError({"valid_until": _("Give a date between 2001 and 2099.")})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value <= timezone.now():
        raise ValidationError({"valid_until": _("The end of validity must lie in the future.")})
    return value


def grant_role(
    *, actor, user: User, role: str, scope_kind: str, scope_id, valid_until=None
) -> RoleAssignment:
    """Give `user` the role for a scope (an area and its subtree, or one body).

    Denied (PermissionDenied) unless the actor may grant that role and the scope lies inside one of
    the actor's own scopes; bad input is a ValidationError naming the field. Nothing is written then.
    """
    if actor is not None and not policy.can(actor, MANAGE_ROLES):
        raise PermissionDenied(_("You may not grant roles."))
    role, scope_kind = str(role), str(scope_kind)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if scope_kind not in ScopeKind.values:
        raise ValidationError({"scope_kind": _("Unknown kind of scope.")})
    if scope_kind not in ROLE_SCOPES[role]:
        raise ValidationError({"scope_kind": _("This role cannot be given for this kind of scope.")})
    if user is None or user.pk is None:
        raise ValidationError({"username": _("No user has this username.")})
    if valid_until is not None:
        valid_until = _checked_valid_until(valid_until)
    obj, area = scopes.resolve(scope_kind, scope_id)
    if not policy.can_grant_role(actor, role, scope_kind, obj.pk, area):
        raise PermissionDenied(grant_denied_message())
    try:
        with transaction.atomic():
            # An expired assignment still holds the "one active" unique slot: close it first.
            RoleAssignment.objects.filter(
                user=user,
                role=role,
                scope_kind=scope_kind,
                scope_id=obj.pk,
                revoked_at__isnull=True,
                valid_until__lte=timezone.now(),
            ).update(revoked_at=timezone.now())
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
            audit.record(
                actor,
                "role.granted",
                assignment,
                details={"role": role, "user": user.username, "scope_kind": scope_kind, "scope_id": obj.pk},
            )
    except IntegrityError:
        raise ValidationError({"role": _("The user already holds this role for this scope.")}) from None
    policy.forget(user)
    return assignment


def revoke_role(*, actor, assignment: RoleAssignment) -> RoleAssignment:
    """End an assignment now; allowed to those who could grant it (checked on the stored scope, so a
    body that has since gone away does not block the revocation)."""
    if actor is not None and not policy.can(actor, MANAGE_ROLES):
        raise PermissionDenied(_("You may not revoke roles."))
    if not policy.can_grant_role(
        actor, assignment.role, assignment.scope_kind, assignment.scope_id, assignment.area
    ):
        raise PermissionDenied(_("You can only revoke roles within your own scope."))
    with transaction.atomic():
        updated = RoleAssignment.objects.filter(pk=assignment.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This role assignment was already revoked."))
        _forget_tokens()
        assignment.refresh_from_db()
        audit.record(
            actor,
            "role.revoked",
            assignment,
            details={"role": assignment.role, "user": assignment.user.username},
        )
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
            password_validation.validate_password(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        audit.record(actor, "user.created", user, details={"username": username})
    return user


def change_password(*, actor, user: User, new_password: str) -> None:
    """Users change their own password (the form checks the old one); the system may set any."""
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("You can only change your own password."))
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit.record(actor, "user.password_changed", user)


def update_profile(*, actor, user: User, display_name: str, email: str, language: str) -> User:
    if actor is not None and actor.pk != user.pk:
        raise PermissionDenied(_("You can only edit your own profile."))
    with transaction.atomic():
        user.display_name, user.email, user.language = display_name, email, language
        user.full_clean(exclude=["password"])
        user.save(update_fields=["display_name", "email", "language"])
        audit.record(actor, "user.profile_updated", user)
    return user


def create_api_token(*, actor, name: str) -> tuple[ApiToken, str]:
    """Returns the token record and the secret, which is shown once and never stored."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to create API tokens."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if len(name) > 60:
        raise ValidationError({"name": _("The name is too long (at most 60 characters).")})
    with transaction.atomic():
        # Lock the user's row so two concurrent requests cannot both pass the limit.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                {
                    "name": _("You have too many tokens; revoke one first (at most %(n)d).")
                    % {"n": MAX_ACTIVE_TOKENS}
                }
            )
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=actor, name=name, prefix=secret[:10], digest=ApiToken.digest_of(secret)
        )
        audit.record(actor, "token.created", token, details={"name": token.name})
    return token, secret


def revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    if actor is None or token.user_id != actor.pk:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if not updated:
            raise ValidationError(_("This token was already revoked."))
        _forget_tokens()
        token.refresh_from_db()
        audit.record(actor, "token.revoked", token)
    return token


def user_for_token(secret: str) -> User | None:
    """The active user a presented token belongs to, or None (unknown, revoked, or user inactive).

    The token's user and role grants are memoised for TOKEN_MEMO_SECONDS in the process (every API
    request asks); revocations, role changes and deactivations in this process clear the memo at once.
    Each request gets its own copy of the user, so nothing one request caches on it leaks to the next.
    """
    if not secret or not isinstance(secret, str) or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    digest = ApiToken.digest_of(secret)
    entry = TOKENS.get(digest, lambda: _token_entry(digest))
    if entry is None:
        return None
    now = timezone.now()
    # Written at most every five minutes: a busy client must not turn every read into a write.
    if entry["last_used_at"] is None or (now - entry["last_used_at"]).total_seconds() > 300:
        ApiToken.objects.filter(pk=entry["token_id"]).update(last_used_at=now)
        entry["last_used_at"] = now
    return copy.copy(entry["user"])


def _forget_tokens() -> None:
    """Now (this transaction's own later reads) and again on commit (reads made meanwhile)."""
    TOKENS.clear()
    transaction.on_commit(TOKENS.clear)


def _token_entry(digest: str) -> dict | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest, revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    policy.grants(token.user)  # loaded once, carried by every copy
    return {"token_id": token.pk, "user": token.user, "last_used_at": token.last_used_at}
