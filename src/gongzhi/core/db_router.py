"""The database router of the scale path: report reads to the `replica` alias, everything else to `default`.

Installed by settings only when DATABASE_REPLICA_URL is set. A read goes to the replica when it is
marked as a report read (`gongzhi.core.replica`: inside `reading_replica()`, or a model registered
with `register_report_model`) and no transaction is open on `default` — inside one, an action must
read its own uncommitted rows, which a replica cannot show. Writes always go to `default`: a replica
is read-only, and an object read from it is saved to the primary. Migrations run on `default` only
(a physical replica follows the primary's schema by itself).
"""

from django.db import connections

from . import replica

KNOWN = {replica.DEFAULT, replica.REPLICA}


def _in_write_transaction() -> bool:
    """True inside `transaction.atomic()` on default (a test case's own wrapping transaction excluded)."""
    conn = connections[replica.DEFAULT]
    return any(not getattr(block, "_from_testcase", False) for block in conn.atomic_blocks)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica.replica_configured():
            return None
        if _in_write_transaction():
            return replica.DEFAULT  # even for a row that was read from the replica before
        if replica.in_replica_block() or replica.is_report_model(model):
            return replica.REPLICA
        # None, not "default": Django then follows the instance hint, so a related object of a row
        # read from the replica (an export's `row.area.name`) is read from the replica too.
        return None

    def db_for_write(self, model, **hints):
        return replica.DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: relations across the two are one database.
        if obj1._state.db in KNOWN and obj2._state.db in KNOWN:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == replica.REPLICA:
            return False
        return None
