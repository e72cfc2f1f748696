"""Load or refresh the demo data (idempotent), or a named data set into an empty database."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.areas.models import Area
from gongzhi.demo import base, city, golden


def _load_golden(*, scale=None, seed=None, log=None):
    if scale is not None or seed is not None:
        raise CommandError(f"--scale and --seed apply to the {city.NAME!r} data set only")
    return golden.load()


def _load_city(*, scale=None, seed=None, log=None):
    return city.load(
        scale=city.DEFAULT_SCALE if scale is None else scale,
        seed=city.DEFAULT_SEED if seed is None else seed,
        log=log,
    )


def rebuild_domain_figures() -> None:
    """The demo writes some rows without actions: recompute the orgs, party, councils and campaign figures."""
    from gongzhi.core import rollups

    for name in sorted(rollups.FIGURES):
        if name.split(".")[0] in ("orgs", "party", "councils", "campaigns"):
            rollups.rebuild(name)


DATASETS = {golden.NAME: _load_golden, city.NAME: _load_city}


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CommandError(f"--scale wants a number in (0, 1], not {text!r}") from None
    if not 0 < value <= 1:
        raise CommandError(f"--scale wants a number in (0, 1], not {text!r}")
    return value


class Command(BaseCommand):
    help = "Load the demo data (idempotent); --dataset NAME loads a named data set into an empty database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dataset", help="a named data set: " + (", ".join(sorted(DATASETS)) or "none yet")
        )
        parser.add_argument("--wipe", action="store_true", help="with --dataset: delete all data first")
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")
        parser.add_argument(
            "--scale",
            help=f"with --dataset {city.NAME}: scale factor F in (0, 1], 1 = all of Shanghai "
            f"(default {city.DEFAULT_SCALE})",
        )
        parser.add_argument(
            "--seed", type=int, help=f"with --dataset {city.NAME}: random seed (default {city.DEFAULT_SEED})"
        )

    def handle(self, *args, dataset=None, wipe=False, quiet_logins=False, scale=None, seed=None, **options):
        if (scale is not None or seed is not None) and dataset != city.NAME:
            raise CommandError(f"--scale and --seed apply to --dataset {city.NAME} only")
        if dataset:
            if dataset not in DATASETS:
                raise CommandError(
                    f"unknown data set {dataset!r}; known: {', '.join(sorted(DATASETS)) or 'none'}"
                )
            scale = _scale(scale) if scale is not None else None
            if Area.objects.exists() and not wipe:
                raise CommandError(
                    "the database is not empty; a named data set loads only into an empty database. "
                    "Pass --wipe to delete all data first (irreversible)."
                )
            if wipe:
                from django.core.management import call_command

                call_command("flush", interactive=False, verbosity=0)
            result = DATASETS[dataset](scale=scale, seed=seed, log=self.stdout.write)
            if dataset == city.NAME:
                # The city loader has already written every registered figure in bulk.
                self._city_report(result, quiet_logins)
            else:
                rebuild_domain_figures()
            self.stdout.write(f"data set {dataset} loaded")
            return
        rows = base.load()
        rebuild_domain_figures()
        if not quiet_logins:
            self.stdout.write("")
            self.stdout.write("演示账号 / Demo logins")
            for role, username, _name, _kind, _scope in rows:
                self.stdout.write(f"  {role.value:<20} {username:<22} {base.DEMO_PASSWORD}")
            self.stdout.write("")

    def _city_report(self, result: dict, quiet_logins: bool) -> None:
        out = self.stdout.write
        out("")
        out(f"{'table':<36} {'rows':>12} {'write s':>9} {'index s':>9}")
        for table, rows, seconds, index_seconds in result["tables"]:
            out(f"{table:<36} {rows:>12,} {seconds:>9.1f} {index_seconds:>9.1f}")
        out(f"total {result['seconds']:.1f} s")
        if not quiet_logins:
            out("")
            out("演示账号 / Demo logins")
            for role, username, area in result["logins"]:
                out(f"  {role.value:<20} {username:<22} {base.DEMO_PASSWORD}  {area}")
            out("")
