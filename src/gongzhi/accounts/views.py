"""Account pages: sign in and out, profile with API tokens, password, role management."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.areas.models import subtree_q
from gongzhi.core import policy
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from . import actions
from .forms import GrantRoleForm, ProfileForm, TokenForm
from .models import ApiToken, RoleAssignment


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def profile(request):
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        initial={
            "display_name": request.user.display_name,
            "email": request.user.email,
            "language": request.user.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        actions.update_profile(actor=request.user, user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        response = redirect("accounts:profile")
        if form.cleaned_data["language"]:
            from django.conf import settings

            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"])
        return response
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(
        request, "accounts/profile.html", {"form": form, "token_form": TokenForm(), "tokens": tokens}
    )


@login_required
@require_POST
def create_token(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:profile")
    token, secret = actions.create_api_token(actor=request.user, name=form.cleaned_data["name"])
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": ProfileForm(initial={"display_name": request.user.display_name}),
            "token_form": TokenForm(),
            "tokens": tokens,
            "new_token": secret,
        },
    )


@login_required
@require_POST
def revoke_token(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    actions.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(
            actor=request.user, user=request.user, new_password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password was changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


def _assignments_in_scope(user):
    paths = policy.area_paths(user, actions.MANAGE_ROLES)
    qs = RoleAssignment.objects.active().select_related("user", "area", "granted_by")
    if paths is None:
        return qs
    q = None
    for p in paths:
        q = subtree_q("area__path", p) if q is None else q | subtree_q("area__path", p)
    return qs.filter(q) if q is not None else qs.none()


@login_required
def roles(request):
    policy.require(request.user, actions.MANAGE_ROLES)
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.grant_role(
                actor=request.user,
                user=form.user,
                role=data["role"],
                scope_kind=data["scope_kind"],
                scope_id=data["scope_id"],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You can only grant roles within your own scope."))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The role was granted."))
            return redirect("accounts:roles")
    try:
        page = KeysetPaginator(_assignments_in_scope(request.user), ("-id",), name="roles").page(
            request.GET.get("cursor")
        )
    except InvalidCursor:
        page = KeysetPaginator(_assignments_in_scope(request.user), ("-id",), name="roles").page(None)
        messages.error(request, _("The page link is not valid; showing the first page."))
    return render(
        request, "accounts/roles.html", {"form": form, "page": page}, status=422 if form.errors else 200
    )


@login_required
@require_POST
def revoke_role(request, assignment_id):
    assignment = get_object_or_404(RoleAssignment.objects.active(), pk=assignment_id)
    try:
        actions.revoke_role(actor=request.user, assignment=assignment)
    except PermissionDenied:
        messages.error(request, _("You can only revoke roles within your own scope."))
    else:
        messages.success(request, _("The role was revoked."))
    return redirect("accounts:roles")
