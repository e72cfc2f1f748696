"""Fixtures for the API tests: a signed-in API client and fresh tokens."""

import pytest

from gongzhi.accounts.actions import create_api_token


@pytest.fixture
def token_for():
    """token_for(user) → a fresh API token secret for that user."""

    def _make(user, name="tests"):
        return create_api_token(actor=user, name=name)[1]

    return _make
