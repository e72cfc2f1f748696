"""`gongzhi report orgs --area CODE (--year YYYY | --as-of YYYY-MM-DD) [--compare-to YYYY-MM-DD]
--format json|pdf|xlsx [--out FILE]`: the social-organization development report from the records."""

import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from gongzhi.areas.models import Area
from gongzhi.reports import files, orgs_report


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Build a report from the records: `report orgs` is the social-organization development report."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["orgs"])
        parser.add_argument("--area", required=True, help="the area's GB/T 2260 or statistical code")
        when = parser.add_mutually_exclusive_group(required=True)
        when.add_argument("--year", type=int, help="a year: registrations as of its 31 December")
        when.add_argument("--as-of", dest="as_of", help="registrations as of this date (YYYY-MM-DD)")
        parser.add_argument("--compare-to", dest="compare_to", help="the earlier date to compare with")
        parser.add_argument("--format", dest="fmt", choices=sorted(files.FORMATS), default="json")
        parser.add_argument("--out", help="write to this file (default: standard output)")

    def handle(self, *args, kind, area, year, as_of, compare_to, fmt, out, **options):
        found = Area.objects.filter(Q(gb2260=area) | Q(stat_code=area)).first()
        if found is None:
            raise CommandError(f"unknown area code {area!r}")
        as_of_date = dt.date(year, 12, 31) if year else _date(as_of)
        compare = _date(compare_to) if compare_to else None
        if compare and compare >= as_of_date:
            raise CommandError("--compare-to must be before the report date")
        report = orgs_report.build(found, as_of_date, compare)
        data = files.render(report, fmt)
        if out:
            with open(out, "wb") as handle:
                handle.write(data)
            self.stderr.write(f"report written to {out}")
        elif fmt == "json":
            self.stdout.write(data.decode())
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
