"""Start-up guard: a server never runs in production mode with the embedded default secrets.

`check_safe_to_serve()` is called by wsgi.py, asgi.py and `gongzhi serve`. With DEBUG off it refuses
the embedded SECRET_KEY, missing personal-data keys (GONGZHI_FIELD_KEYS and GONGZHI_HASH_KEY), field
keys that are not Fernet keys, and a hash key that reuses another secret. With DEBUG on (the embedded
demo) the derived keys are allowed, but a malformed field key is still refused: it could never work.
"""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_HASH_KEY_LENGTH = 32


def _bad_field_keys() -> list[str]:
    """Positions (1-based) of configured field keys that are not valid Fernet keys."""
    bad = []
    for i, key in enumerate(settings.FIELD_KEYS, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            bad.append(str(i))
    return bad


def _secret_problems() -> list[str]:
    problems = []
    if not settings.SECRET_KEY or settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        problems.append("SECRET_KEY is missing or the embedded default")
    if not settings.FIELD_KEYS:
        problems.append("GONGZHI_FIELD_KEYS is not set")
    if not settings.HASH_KEY:
        problems.append("GONGZHI_HASH_KEY is not set")
    elif len(settings.HASH_KEY) < MIN_HASH_KEY_LENGTH:
        problems.append(f"GONGZHI_HASH_KEY is shorter than {MIN_HASH_KEY_LENGTH} characters")
    elif settings.HASH_KEY == settings.SECRET_KEY or settings.HASH_KEY in settings.FIELD_KEYS:
        problems.append("GONGZHI_HASH_KEY must be a separate key, not SECRET_KEY or a field key")
    return problems


def problems() -> list[str]:
    """Everything that makes the current settings unsafe to serve (empty when they are fine)."""
    found = []
    bad = _bad_field_keys()
    if bad:
        found.append("GONGZHI_FIELD_KEYS entry " + ", ".join(bad) + " is not a valid Fernet key")
    if not settings.DEBUG:
        found.extend(_secret_problems())
    return found


def check_safe_to_serve() -> None:
    """Raise ImproperlyConfigured, naming every problem (never a key's value), when unsafe to serve."""
    found = problems()
    if found:
        raise ImproperlyConfigured(
            "Refusing to start: "
            + "; ".join(found)
            + ". Set them in the environment (`make run` writes var/gongzhi.env for the embedded demo; "
            "generate a field key with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`)."
        )
