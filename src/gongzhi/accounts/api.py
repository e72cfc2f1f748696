"""Accounts API: the current user, personal tokens and role assignments."""

from datetime import datetime

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from gongzhi.core import policy
from gongzhi.core.api_schemas import ERRORS, PageOut, PageParams, paginate
from gongzhi.core.strings import CleanStr

from . import actions
from .models import ApiToken, RoleAssignment, User
from .roles import Role, ScopeKind

router = Router(tags=["accounts"])


class GrantOut(Schema):
    id: int
    role: str
    scope_kind: str
    scope_id: int
    scope_label: str
    area_id: int | None = None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
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
    return list(ApiToken.objects.filter(user=request.user)[:100])


@router.post("/tokens", response={201: TokenCreatedOut, **ERRORS})
def create_token(request, payload: TokenIn):
    token, secret = actions.create_api_token(actor=request.user, name=payload.name)
    return 201, {**TokenOut.from_orm(token).dict(), "token": secret}


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS})
def revoke_token(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    actions.revoke_api_token(actor=request.user, token=token)
    return 204, None


class AssignmentIn(Schema):
    username: CleanStr = Field(..., max_length=150)
    role: Role
    scope_kind: ScopeKind = ScopeKind.AREA
    scope_id: int = Field(..., ge=1, le=2**62)


class AssignmentOut(GrantOut):
    username: str
    granted_at: datetime
    revoked_at: datetime | None = None

    @staticmethod
    def resolve_username(obj):
        return obj.user.username


@router.get("/role-assignments", response={200: PageOut[AssignmentOut], **ERRORS})
def list_assignments(request, params: PageParams = PageParams()):  # noqa: B008
    paths = policy.area_paths(request.user, actions.MANAGE_ROLES)
    qs = RoleAssignment.objects.active().select_related("user", "area")
    if paths is not None:
        from gongzhi.areas.models import subtree_q

        q = None
        for p in paths:
            q = subtree_q("area__path", p) if q is None else q | subtree_q("area__path", p)
        qs = qs.filter(q) if q is not None else qs.none()
    return paginate(qs, params, ordering=("-id",), name="role-assignments")


@router.post("/role-assignments", response={201: AssignmentOut, **ERRORS})
def grant(request, payload: AssignmentIn):
    user = User.objects.filter(username=payload.username).first()
    if user is None:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError({"username": [_("No such user.")]})
    assignment = actions.grant_role(
        actor=request.user,
        user=user,
        role=payload.role,
        scope_kind=payload.scope_kind,
        scope_id=payload.scope_id,
    )
    return 201, assignment


@router.delete("/role-assignments/{assignment_id}", response={204: None, **ERRORS})
def revoke(request, assignment_id: int):
    assignment = get_object_or_404(RoleAssignment.objects.active(), pk=assignment_id)
    actions.revoke_role(actor=request.user, assignment=assignment)
    return 204, None
