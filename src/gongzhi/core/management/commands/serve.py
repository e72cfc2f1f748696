"""Serve the site with gunicorn (static files through WhiteNoise); refuses unsafe production settings."""

import os
import sys

from django.core.management.base import BaseCommand

from gongzhi.startup import check_safe_to_serve


class Command(BaseCommand):
    help = "Serve Gongzhi on 127.0.0.1:8000 (gunicorn)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("GONGZHI_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("GONGZHI_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))

    def handle(self, *args, host, port, workers, **options):
        check_safe_to_serve()
        from django.conf import settings

        # WhiteNoise expects STATIC_ROOT to exist even when it serves through the finders.
        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "gongzhi.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            "4",
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]
        os.execv(sys.executable, argv)
