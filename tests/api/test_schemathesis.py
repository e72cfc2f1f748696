"""Schemathesis over the whole API schema, authenticated as a city administrator: no operation may
answer 5xx, whatever it is sent. Runs in the PostgreSQL pass (NUL bytes, integer ranges and
transactions behave as in production there). Later issues' routers are covered automatically."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from gongzhi.accounts.actions import create_api_token
from gongzhi.accounts.models import ApiToken, RoleAssignment
from gongzhi.api import api

schemathesis.experimental.OPEN_API_3_1.enable()  # django-ninja writes OpenAPI 3.1
schema = schemathesis.from_dict(api.get_openapi_schema())
application = get_wsgi_application()


@pytest.fixture
def in_test_transaction():
    """Serve requests on the test's own connection: Django would close it at each request's end
    (the test client does the same unhooking)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(city_admin, in_test_transaction):
    token, secret = create_api_token(actor=city_admin, name="schemathesis")
    return city_admin, token, secret


@pytest.mark.pg_only
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_a_server_error(case, admin_token, tree):
    user, token, secret = admin_token
    # The fuzzer may revoke its own token or role (DELETE with a small id): put them back first.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=None)
    RoleAssignment.objects.filter(user=user, role="city_admin").update(revoked_at=None)
    response = case.call_wsgi(app=application, headers={"Authorization": f"Bearer {secret}"})
    case.validate_response(response, checks=(not_a_server_error,))
