"""Template helpers for personal data: always masked on screen, revealed only by an audited click.

    {% load pii %}
    {{ person.id_number|masked:"id_number" }}    → 3101**********123X (just the mask)
    {% pii person "phone" %}                      → 138****5678 [Show]

`{% pii obj field %}` renders the masked value; when the viewer (the context's `request.user`, or
`user`) may unmask it (policy "core.unmask_pii" over the object's area), it adds a "Show" button
that POSTs with htmx to the reveal view, which checks again, writes a "pii.unmasked" audit event
and swaps in the full value. Rendering a page never reveals anything by itself.
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from gongzhi.core import actions, pii

register = template.Library()


@register.filter
def masked(value, kind="id_number"):
    """The masked form of a plain value: kind "id_number" or "phone"."""
    if kind not in pii.MASKERS:
        raise template.TemplateSyntaxError(f"masked: unknown kind {kind!r}")
    return pii.mask(kind, value)


def _viewer(context):
    request = context.get("request")
    return getattr(request, "user", None) if request is not None else context.get("user")


@register.simple_tag(takes_context=True, name="pii")
def pii_tag(context, obj, field):
    """Masked value of obj.<field>, with a "Show" button for viewers allowed to unmask it."""
    f = actions.pii_field(obj, field)
    value = getattr(obj, f.attname)
    if not value:
        return mark_safe('<span class="gz-pii text-muted">—</span>')  # noqa: S308 - a constant
    masked_value = pii.mask(f.kind, value)
    viewer = _viewer(context)
    if viewer is None or not actions.can_reveal(viewer, obj):
        return format_html('<span class="gz-pii font-monospace">{}</span>', masked_value)
    url = reverse("core:reveal_pii", args=[obj._meta.label_lower, obj.pk, f.name])
    return format_html(
        '<span class="gz-pii"><span class="font-monospace">{}</span> '
        '<button type="button" class="btn btn-link btn-sm p-0 align-baseline" hx-post="{}" '
        'hx-target="closest .gz-pii" hx-swap="outerHTML" title="{}">{}</button></span>',
        masked_value,
        url,
        _("Showing the full value is recorded in the audit log."),
        _("Show"),
    )
