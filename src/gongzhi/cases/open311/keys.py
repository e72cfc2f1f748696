"""Open311 API keys: only a SHA-256 digest is stored; the key itself is shown once, at creation."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import audit, memo

from ..models import Open311Key

PREFIX = "o311_"

# Revoking a key (a save) clears the memo in this process; other processes follow within seconds.
KEYS = memo.LocalMemo("open311-keys", 5)
memo.clear_on_save(KEYS, Open311Key)

audit.register_verb("open311.key_created", gettext_lazy("Open311 API key created"))
audit.register_verb("open311.key_revoked", gettext_lazy("Open311 API key revoked"))


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(*, actor, name: str, jurisdiction=None) -> tuple[Open311Key, str]:
    """A new key (row, plain key); the plain key is never stored and cannot be shown again."""
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise ValidationError({"name": _("Give the key a name of at most 60 characters.")})
    key = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = Open311Key.objects.create(
            name=name, prefix=key[:12], digest=digest_of(key), jurisdiction=jurisdiction
        )
        audit.record(actor, "open311.key_created", row, details={"prefix": row.prefix}, area=jurisdiction)
    return row, key


def revoke_key(*, actor, key: Open311Key) -> Open311Key:
    with transaction.atomic():
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record(actor, "open311.key_revoked", key, details={"prefix": key.prefix})
    return key


def key_for(plain: str | None) -> Open311Key | None:
    """The active key matching `plain`, or None (memoised a few seconds: every POST presents one)."""
    if not plain or len(plain) > 200:
        return None
    digest = digest_of(plain)
    return KEYS.get(
        digest,
        lambda: (
            Open311Key.objects.select_related("jurisdiction")
            .filter(digest=digest, revoked_at__isnull=True)
            .first()
        ),
    )
