"""Run every registered periodic job once: deadlines, reminders, rebound checks, rollup folding."""

from django.core.management.base import BaseCommand

from gongzhi.core import sweeps


class Command(BaseCommand):
    help = "Run the periodic jobs once (call from cron or Celery beat)."

    def handle(self, *args, **options):
        for name, result in sweeps.run_all().items():
            self.stdout.write(f"{name}: {result}")
