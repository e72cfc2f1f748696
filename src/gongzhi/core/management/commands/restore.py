"""`gongzhi restore FILE`: put a `gongzhi backup` file back, into the configured database or another one.

PostgreSQL: `pg_restore --clean --if-exists --no-owner --exit-on-error` of a custom-format dump into
the database of DATABASE_URL, or of `--into postgres://…` (a fresh database, for a restore drill).
SQLite: the file is copied page by page into the configured SQLite file (or `--into PATH`).
It replaces data, so it asks for `--yes`; stop the web and worker processes first.
"""

import sqlite3
from pathlib import Path

import dj_database_url
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from .backup import is_postgres, pg_args, run_tool


class Command(BaseCommand):
    help = "Restore a backup made by `gongzhi backup` (replaces the target's data; needs --yes)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--into", help="restore into this database URL (PostgreSQL) or file (SQLite)")
        parser.add_argument("--yes", action="store_true", help="confirm that the target's data is replaced")

    def handle(self, *args, **options):
        source = Path(options["file"])
        if not source.is_file():
            raise CommandError(f"no such file: {source}")
        db = dict(connections["default"].settings_dict)
        into = options.get("into")
        if not options["yes"]:
            raise CommandError(f"this replaces the data of {into or db['NAME']}; add --yes")
        if into and is_postgres(db):
            try:
                db = dj_database_url.parse(into)
            except ValueError as exc:
                raise CommandError(f"--into is not a database URL: {exc}") from exc
            if not is_postgres(db):
                raise CommandError("--into must be a postgres:// URL: a pg_dump restores into PostgreSQL")
        if is_postgres(db):
            args, env = pg_args(db)
            command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--exit-on-error", *args]
            run_tool([*command, "--dbname", db["NAME"], str(source)], env)
        elif db["ENGINE"].endswith("sqlite3"):
            target = into or str(db["NAME"])
            if "mode=memory" in target or target == ":memory:":
                raise CommandError("restore into an in-memory database makes no sense; use --into PATH")
            connections["default"].close()
            with sqlite3.connect(source) as src, sqlite3.connect(target) as dest:
                src.backup(dest)
        else:
            raise CommandError(f"no restore method for {db['ENGINE']}")
        self.stdout.write(f"restored {source}")
