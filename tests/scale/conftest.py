"""Fixtures of the scale-path tests: a second database alias that reads the same test database."""

import pytest
from django.db import connections
from django.test import override_settings


@pytest.fixture
def replica_alias(transactional_db):
    """A `replica` alias on the test database and the replica router installed.

    It is a second connection, so it sees committed rows only (like a real replica): tests that use it
    run with `transactional_db`. The alias is removed again afterwards; no other test sees it.
    """
    assert "replica" not in connections.settings, "unset DATABASE_REPLICA_URL to run these tests"
    connections.settings["replica"] = {**connections["default"].settings_dict}
    # Connect now: the test case only lets connections it knows of (set up before this) open lazily.
    connections["replica"].connect()
    try:
        with override_settings(DATABASE_ROUTERS=["gongzhi.core.db_router.ReplicaRouter"]):
            yield "replica"
    finally:
        connections["replica"].close()  # creates the wrapper if no test used it; closing it is free
        del connections["replica"]
        del connections.settings["replica"]
