"""Enter the official holidays and adjusted working days the chinese-calendar package knows (idempotent)."""

from django.core.management.base import BaseCommand

from gongzhi.core import calendar_actions


class Command(BaseCommand):
    help = "Seed the working-day calendar from the bundled fixture; years already entered are left alone."

    def add_arguments(self, parser):
        parser.add_argument("--fixture", help="another calendar fixture (Django JSON format)")

    def handle(self, *args, **options):
        kwargs = {"path": options["fixture"]} if options.get("fixture") else {}
        years = calendar_actions.seed_calendar(actor=None, **kwargs)
        if years:
            self.stdout.write(f"calendar: seeded {len(years)} years ({years[0]}–{years[-1]})")
        else:
            self.stdout.write("calendar: nothing to seed")
