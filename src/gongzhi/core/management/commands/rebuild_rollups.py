"""Recompute rollup figures from their source tables (after a bug fix, an import, or to check the folds)."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.core import rollups


class Command(BaseCommand):
    help = "Rebuild every registered rollup figure (or one, with --figure) from scratch."

    def add_arguments(self, parser):
        parser.add_argument("--figure", help="rebuild only this figure")

    def handle(self, *args, **options):
        try:
            result = rollups.rebuild(options.get("figure"))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not result:
            self.stdout.write("rollups: no figures registered")
        for name, cells in result.items():
            self.stdout.write(f"{name}: {cells} cells")
