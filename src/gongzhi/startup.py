"""Start-up guard: a server never runs in production mode with the embedded default secrets."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def check_safe_to_serve() -> None:
    if settings.DEBUG:
        return
    problems = []
    if settings.SECRET_KEY_IS_DEFAULT:
        problems.append("SECRET_KEY is the embedded default")
    if settings.FIELD_KEYS_ARE_DEFAULT:
        problems.append("GONGZHI_FIELD_KEYS and GONGZHI_HASH_KEY must both be set")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with DEBUG=False: " + "; ".join(problems) + ". Set them in the environment "
            "(`make run` writes var/gongzhi.env for the embedded demo)."
        )
