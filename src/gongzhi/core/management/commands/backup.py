"""`gongzhi backup`: a consistent copy of the database while it runs (pg_dump, or SQLite's online backup).

PostgreSQL: `pg_dump --format=custom` (restore with `gongzhi restore` or `pg_restore`); SQLite: the
online backup API, page by page, safe while the server writes (WAL). Media files and the keys
(SECRET_KEY, GONGZHI_FIELD_KEYS, GONGZHI_HASH_KEY) are backed up separately: see docs/operations.md.
"""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import timezone


def pg_args(db: dict) -> tuple[list[str], dict]:
    """libpq command-line options and environment (the password never on the command line)."""
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def is_postgres(db: dict) -> bool:
    return db["ENGINE"].endswith("postgresql")


def run_tool(command: list[str], env: dict) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise CommandError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def backup_postgres(db: dict, target: Path) -> None:
    args, env = pg_args(db)
    run_tool(["pg_dump", "--format=custom", "--file", str(target), *args, "--dbname", db["NAME"]], env)


def backup_sqlite(db: dict, target: Path) -> None:
    source = sqlite3.connect(db["NAME"]) if _is_file(db) else None
    if source is None:  # an in-memory database (tests): copy through Django's own connection
        connection = connections["default"]
        connection.ensure_connection()
        source = connection.connection
    dest = sqlite3.connect(target)
    try:
        with dest:
            source.backup(dest, pages=1024)
    finally:
        dest.close()
        if _is_file(db):
            source.close()


def _is_file(db: dict) -> bool:
    name = str(db["NAME"])
    return not (name == ":memory:" or "mode=memory" in name)


class Command(BaseCommand):
    help = "Back up the database to a file (pg_dump custom format, or an SQLite copy) and print its path."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="file to write (default: var/backups/gongzhi-<time>.dump|.sqlite3)"
        )

    def handle(self, *args, **options):
        db = connections["default"].settings_dict
        suffix = ".dump" if is_postgres(db) else ".sqlite3"
        if options.get("output"):
            target = Path(options["output"])
        else:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            target = Path(settings.VAR_DIR) / "backups" / f"gongzhi-{stamp}{suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise CommandError(f"{target} exists; choose another --output")
        if is_postgres(db):
            backup_postgres(db, target)
        elif db["ENGINE"].endswith("sqlite3"):
            backup_sqlite(db, target)
        else:
            raise CommandError(f"no backup method for {db['ENGINE']}")
        os.chmod(target, 0o600)  # it holds (encrypted) personal data
        self.stdout.write(str(target))
