"""Number formatting for reports: thousands separated by commas in every language (as printed reports do)."""

from django import template

register = template.Library()


@register.filter
def thousands(value):
    """12345 → "12,345"; None → "—"."""
    if value is None or value == "":
        return "—"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value
