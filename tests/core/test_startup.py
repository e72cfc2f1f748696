"""Start-up safety: no serving with DEBUG off and the embedded default secret or missing personal-data keys."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from gongzhi.startup import check_safe_to_serve, problems

FIELD_KEY = Fernet.generate_key().decode()
HASH_KEY = "h" * 48
REAL = {
    "DEBUG": False,
    "SECRET_KEY": "a-real-secret-key-from-the-environment-0123456789",
    "FIELD_KEYS": [FIELD_KEY],
    "HASH_KEY": HASH_KEY,
}


def unsafe(**changes):
    return override_settings(**{**REAL, **changes})


def test_real_keys_with_debug_off_may_serve():
    with override_settings(**REAL):
        check_safe_to_serve()
        assert problems() == []


def test_the_default_secret_key_with_debug_off_refuses_to_start(settings):
    with (
        unsafe(SECRET_KEY=settings.DEFAULT_SECRET_KEY),
        pytest.raises(ImproperlyConfigured, match="SECRET_KEY"),
    ):
        check_safe_to_serve()


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"FIELD_KEYS": []}, "GONGZHI_FIELD_KEYS is not set"),
        ({"HASH_KEY": ""}, "GONGZHI_HASH_KEY is not set"),
        ({"HASH_KEY": "short"}, "shorter than"),
        ({"HASH_KEY": REAL["SECRET_KEY"]}, "separate key"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
    ],
)
def test_missing_or_reused_keys_with_debug_off_refuse_to_start(changes, named):
    with unsafe(**changes), pytest.raises(ImproperlyConfigured, match=named):
        check_safe_to_serve()


def test_every_problem_is_named_at_once_without_echoing_any_key(settings):
    with unsafe(SECRET_KEY=settings.DEFAULT_SECRET_KEY, FIELD_KEYS=[], HASH_KEY=""):
        with pytest.raises(ImproperlyConfigured) as caught:
            check_safe_to_serve()
    text = str(caught.value)
    assert "SECRET_KEY" in text and "GONGZHI_FIELD_KEYS" in text and "GONGZHI_HASH_KEY" in text
    assert settings.DEFAULT_SECRET_KEY not in text


def test_debug_on_may_serve_with_the_embedded_defaults(settings):
    with override_settings(DEBUG=True, SECRET_KEY=settings.DEFAULT_SECRET_KEY, FIELD_KEYS=[], HASH_KEY=""):
        check_safe_to_serve()


def test_a_field_key_that_is_not_a_fernet_key_is_refused_even_with_debug_on():
    with override_settings(DEBUG=True, FIELD_KEYS=["not-a-fernet-key"]):
        with pytest.raises(ImproperlyConfigured, match="entry 1") as caught:
            check_safe_to_serve()
    assert "not-a-fernet-key" not in str(caught.value)


def test_gongzhi_serve_refuses_before_starting_a_server(settings):
    with unsafe(SECRET_KEY=settings.DEFAULT_SECRET_KEY), pytest.raises(ImproperlyConfigured):
        call_command("serve")
