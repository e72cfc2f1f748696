"""Notification pages: the centre (list, mark read, mark all read), preferences, webhooks and their log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.core import policy
from gongzhi.core.paging import InvalidCursor, KeysetPaginator

from . import actions, queries
from .forms import PreferenceForm, WebhookForm
from .models import ALL_KINDS, Notification

PAGE_SIZE = 30


def _page(request, qs, name, page_size=PAGE_SIZE):
    paginator = KeysetPaginator(qs, ("-id",), page_size=page_size, name=name)
    try:
        return paginator.page(request.GET.get("cursor"))
    except InvalidCursor:
        messages.error(request, _("The page link is not valid; showing the first page."))
        return paginator.page(None)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def centre(request):
    unread_only = request.GET.get("unread") == "1"
    qs = queries.notifications_for(request.user, unread_only=unread_only)
    page = _page(request, qs, "notices-unread" if unread_only else "notices")
    return render(
        request,
        "notices/centre.html",
        {"page": page, "unread_only": unread_only, "query": "unread=1" if unread_only else ""},
    )


@login_required
@require_POST
def mark_read(request, notification_id):
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    actions.mark_read(actor=request.user, notification=notification)
    if request.htmx:
        # The row, plus the navbar bell swapped out of band so its badge drops at once.
        return render(request, "notices/_row.html", {"n": notification, "oob_bell": True})
    return redirect("notices:centre")


@login_required
@require_POST
def mark_all_read(request):
    count = actions.mark_all_read(actor=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notices:centre")


@login_required
def preferences(request):
    form = PreferenceForm(request.POST or None, initial={"kind": ALL_KINDS, "digest": "off"})
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_preferences(actor=request.user, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Your notification preferences were saved."))
            return redirect("notices:preferences")
    labels = dict(form.fields["kind"].choices)
    prefs = [(labels.get(p.kind, p.kind), p) for p in queries.preferences_for(request.user)]
    return render(
        request,
        "notices/preferences.html",
        {"form": form, "prefs": prefs},
        status=422 if form.errors else 200,
    )


@login_required
def webhooks(request):
    policy.require(request.user, actions.MANAGE_WEBHOOKS)
    form = WebhookForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scope_kind, scope_id = data.pop("scope")
        try:
            hook = actions.create_webhook(
                actor=request.user, scope_kind=scope_kind, scope_id=scope_id, **data
            )
        except PermissionDenied:
            form.add_error("scope", _("You can only add webhooks within your own scope."))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            if hook.new_secret:
                messages.warning(
                    request,
                    _("The signing secret of “%(name)s” is %(secret)s — copy it now, it is not shown again.")
                    % {"name": hook.name, "secret": hook.new_secret},
                )
            messages.success(request, _("The webhook was added."))
            return redirect("notices:webhook", hook.pk)
    page = _page(request, queries.webhooks_for(request.user), "webhooks")
    return render(
        request, "notices/webhooks.html", {"form": form, "page": page}, status=422 if form.errors else 200
    )


def _webhook_or_404(request, webhook_id):
    policy.require(request.user, actions.MANAGE_WEBHOOKS)
    return get_object_or_404(queries.webhooks_for(request.user), pk=webhook_id)


@login_required
def webhook(request, webhook_id):
    hook = _webhook_or_404(request, webhook_id)
    initial = {"name": hook.name, "url": hook.url, "format": hook.format, "is_active": hook.is_active}
    form = WebhookForm(request.POST or None, initial=initial, editing=hook)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_webhook(actor=request.user, webhook=hook, **form.cleaned_data)
        except PermissionDenied:
            form.add_error(None, _("You can only change webhooks within your own scope."))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The webhook was saved."))
            return redirect("notices:webhook", hook.pk)
    page = _page(request, queries.deliveries_for_webhook(hook), f"deliveries-{hook.pk}", page_size=50)
    return render(
        request,
        "notices/webhook.html",
        {"hook": hook, "form": form, "page": page},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def webhook_test(request, webhook_id):
    hook = _webhook_or_404(request, webhook_id)
    row = actions.test_webhook(actor=request.user, webhook=hook)
    row.refresh_from_db()
    if row.status == row.Status.SENT:
        messages.success(request, _("The test message was delivered."))
    else:
        messages.warning(request, _("The test message is %(status)s.") % {"status": row.get_status_display()})
    return redirect("notices:webhook", hook.pk)


@login_required
@require_POST
def webhook_delete(request, webhook_id):
    hook = _webhook_or_404(request, webhook_id)
    actions.delete_webhook(actor=request.user, webhook=hook)
    messages.success(request, _("The webhook was deleted."))
    return redirect("notices:webhooks")
