"""The "show" button behind a masked ID number or phone: an htmx POST that returns the full value.

Each reveal goes through `core.actions.reveal_personal_data` (policy check and audit event); the
answer is never cached.
"""

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import actions


def _object(model_label: str, pk: int):
    """The object named by "app_label.model_name" and pk; 404 for unknown models or rows."""
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        raise Http404 from None
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


@never_cache
@require_POST
@login_required
def reveal(request, model: str, pk: int, field: str):
    """Answer the unmasked value as an HTML fragment that replaces the masked one (403 if not allowed)."""
    obj = _object(model, pk)
    try:
        actions.pii_field(obj, field)
    except ValueError:
        raise Http404 from None
    try:
        value = actions.reveal_personal_data(actor=request.user, obj=obj, field=field)
    except PermissionDenied:
        return HttpResponse(status=403)
    return HttpResponse(format_html('<span class="gz-pii gz-pii-revealed font-monospace">{}</span>', value))
