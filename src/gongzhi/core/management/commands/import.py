"""`gongzhi import KIND FILE [--dry-run] [--user NAME]`: the same import as the upload page, from a shell."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from gongzhi.core import imports


class Command(BaseCommand):
    help = "Import an XLSX or CSV file with one of the registered importers (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="importer: " + ", ".join(sorted(imports.importers())))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--user", help="act as this user (scope and audit); default: the system")

    def handle(self, *args, kind, file, dry_run, user, **options):
        actor = None
        if user:
            from gongzhi.accounts.models import User

            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"no active user {user!r}")
        if not file.is_file():
            raise CommandError(f"no such file: {file}")
        try:
            with file.open("rb") as handle:
                job = imports.run(kind, handle, actor=actor, dry_run=dry_run, file_name=file.name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(f"{user} may not use the importer {kind!r}") from exc
        if job.status == job.Status.FAILED:
            for e in job.errors:
                where = f"row {e['row']}" if e["row"] else "file"
                column = f", {e['column']}" if e["column"] else ""
                self.stderr.write(f"{where}{column}: {e['message']}")
            raise CommandError(f"import #{job.pk} failed: {len(job.errors)} error(s), nothing was written")
        if job.status == job.Status.CHECKED:
            self.stdout.write(
                f"import #{job.pk}: {job.rows_total} rows checked, all good (dry run, nothing written)"
            )
        else:
            self.stdout.write(f"import #{job.pk}: {job.rows_written} of {job.rows_total} rows written")
