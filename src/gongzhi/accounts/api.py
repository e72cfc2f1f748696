"""Accounts API: the current user, personal tokens and role assignments."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from pydantic import Field

from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import actions
from .models import ApiToken, RoleAssignment, User
from .queries import assignments_in_scope
from .roles import Role, ScopeKind

router = Router(tags=["accounts"])


class GrantOut(Schema):
    id: int
    role: str
    scope_kind: str
    scope_id: int
    scope_label: str
    area_id: int | None = None
    valid_until: datetime | None = None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    language: str
    roles: list[GrantOut]


@router.get("/me", response={200: MeOut, **ERRORS})
def me(request):
    user = request.user
    rows = RoleAssignment.objects.active().filter(user=user).order_by("id")
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "language": user.language,
        "roles": list(rows),
    }


class TokenIn(Schema):
    name: CleanStr = Field(..., min_length=1, max_length=60)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="Shown once; store it now.")


@router.get("/tokens", response={200: list[TokenOut], **ERRORS})
def list_tokens(request):
    return list(ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id")[:100])


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS})
def create_token(request, payload: TokenIn):
    token, secret = actions.create_api_token(actor=request.user, name=payload.name)
    return 201, {**TokenOut.model_validate(token, from_attributes=True).model_dump(), "token": secret}


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS})
def revoke_token(request, token_id: int = Path(..., ge=1, le=2**62)):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    actions.revoke_api_token(actor=request.user, token=token)
    return 204, None


class AssignmentIn(Schema):
    username: CleanStr = Field(..., min_length=1, max_length=150)
    role: Role
    scope_kind: ScopeKind = ScopeKind.AREA
    scope_id: int = Field(..., ge=1, le=2**62, description="The area's id, or the body's id.")
    valid_until: datetime | None = None


class AssignmentOut(GrantOut):
    username: str
    granted_at: datetime
    revoked_at: datetime | None = None

    @staticmethod
    def resolve_username(obj):
        return obj.user.username


@router.get("/role-assignments", response={200: PageOut[AssignmentOut], **ERRORS})
def list_assignments(request, params: Query[PageParams]):
    policy.require(request.user, actions.MANAGE_ROLES)
    return paginate(
        assignments_in_scope(request.user), params, ordering=("-granted_at",), name="role-assignments"
    )


@router.post("/role-assignments", response={201: AssignmentOut, **ERRORS})
def grant(request, payload: AssignmentIn):
    # Refuse those who may grant nothing before saying anything about users or scopes.
    policy.require(request.user, actions.MANAGE_ROLES)
    user = User.objects.filter(username=payload.username).first()
    if user is None:
        raise ValidationError({"username": [_("No user has this username.")]})
    assignment = actions.grant_role(
        actor=request.user,
        user=user,
        role=payload.role,
        scope_kind=payload.scope_kind,
        scope_id=payload.scope_id,
        valid_until=payload.valid_until,
    )
    return 201, assignment


@router.delete("/role-assignments/{assignment_id}", response={204: None, **ERRORS})
def revoke(request, assignment_id: int = Path(..., ge=1, le=2**62)):
    policy.require(request.user, actions.MANAGE_ROLES)
    assignment = get_object_or_404(RoleAssignment.objects.active(), pk=assignment_id)
    actions.revoke_role(actor=request.user, assignment=assignment)
    return 204, None
