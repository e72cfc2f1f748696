"""Account pages: sign in and out, profile with API tokens, password, role management."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import policy
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from . import actions
from .forms import GrantRoleForm, ProfileForm, TokenForm
from .models import ApiToken, RoleAssignment
from .queries import assignments_in_scope


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


def _add_errors(form, exc: ValidationError) -> None:
    """Put an action's ValidationError next to the matching fields (or above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _profile_context(request, **extra):
    user = request.user
    context = {
        "form": ProfileForm(
            initial={"display_name": user.display_name, "email": user.email, "language": user.language}
        ),
        "token_form": TokenForm(),
        "tokens": ApiToken.objects.filter(user=user, revoked_at__isnull=True),
    }
    context.update(extra)
    return context


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                actions.update_profile(actor=request.user, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Your profile was saved."))
                response = redirect("accounts:profile")
                if form.cleaned_data["language"]:
                    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"])
                return response
        request.user.refresh_from_db()
        return render(request, "accounts/profile.html", _profile_context(request, form=form), status=422)
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@require_POST
def create_token(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = actions.create_api_token(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            # Rendered, not redirected: the secret is shown this once and stored nowhere.
            response = render(request, "accounts/profile.html", _profile_context(request, new_token=secret))
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "accounts/profile.html", _profile_context(request, token_form=form), status=422)


@login_required
@require_POST
def revoke_token(request, token_id):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    try:
        actions.revoke_api_token(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The token was revoked."))
    return redirect("accounts:profile")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.change_password(
                    actor=request.user, user=request.user, new_password=form.cleaned_data["new_password1"]
                )
            except ValidationError as exc:
                form.add_error("new_password1", exc.messages)
            else:
                update_session_auth_hash(request, request.user)
                messages.success(request, _("Your password was changed."))
                return redirect("accounts:profile")
        return render(request, "accounts/password_change.html", {"form": form}, status=422)
    return render(request, "accounts/password_change.html", {"form": form})


def _page(request):
    paginator = KeysetPaginator(assignments_in_scope(request.user), ("-granted_at",), name="roles")
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


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
        except PermissionDenied:
            form.add_error(None, actions.grant_denied_message())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The role was granted."))
            return redirect("accounts:roles")
    return render(
        request,
        "accounts/roles.html",
        {"form": form, "page": _page(request)},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def revoke_role(request, assignment_id):
    policy.require(request.user, actions.MANAGE_ROLES)
    assignment = get_object_or_404(RoleAssignment.objects.active(), pk=assignment_id)
    try:
        actions.revoke_role(actor=request.user, assignment=assignment)
    except PermissionDenied:
        messages.error(request, _("You can only revoke roles within your own scope."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The role was revoked."))
    return redirect("accounts:roles")
