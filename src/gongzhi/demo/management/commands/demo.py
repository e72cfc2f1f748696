"""Load or refresh the demo data (idempotent), or a named data set into an empty database."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.areas.models import Area
from gongzhi.demo import base, golden

DATASETS = {golden.NAME: golden.load}


class Command(BaseCommand):
    help = "Load the demo data (idempotent); --dataset NAME loads a named data set into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dataset", help="a named data set: " + (", ".join(sorted(DATASETS)) or "none yet")
        )
        parser.add_argument("--wipe", action="store_true", help="with --dataset: delete all data first")
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args, dataset=None, wipe=False, quiet_logins=False, **options):
        if dataset:
            if dataset not in DATASETS:
                raise CommandError(
                    f"unknown data set {dataset!r}; known: {', '.join(sorted(DATASETS)) or 'none'}"
                )
            if Area.objects.exists() and not wipe:
                raise CommandError(
                    "the database is not empty; a named data set loads only into an empty database. "
                    "Pass --wipe to delete all data first (irreversible)."
                )
            if wipe:
                from django.core.management import call_command

                call_command("flush", interactive=False, verbosity=0)
            DATASETS[dataset]()
            self.stdout.write(f"data set {dataset} loaded")
            return
        rows = base.load()
        if not quiet_logins:
            self.stdout.write("")
            self.stdout.write("演示账号 / Demo logins")
            for role, username, _name, _kind, _scope in rows:
                self.stdout.write(f"  {role.value:<20} {username:<22} {base.DEMO_PASSWORD}")
            self.stdout.write("")
