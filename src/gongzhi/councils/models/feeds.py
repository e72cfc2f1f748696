"""Secret calendar-feed addresses: one per user, replaceable, so a leaked address can be revoked."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_feed_key() -> str:
    return secrets.token_urlsafe(24)


class FeedToken(models.Model):
    """The key in a user's iCalendar feed URLs (calendar apps cannot sign in, so the URL is the secret)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="council_feed_token"
    )
    key = models.CharField(max_length=64, unique=True, default=new_feed_key)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed address")
        verbose_name_plural = _("calendar feed addresses")

    def __str__(self):
        return f"feed:{self.user_id}"
