"""WSGI application of the benchmark servers: the product application with the bench URLs mounted.

gunicorn loads `bench.baseline_wsgi:application`; DJANGO_SETTINGS_MODULE is bench.bench_settings, so
ROOT_URLCONF is bench.urls (the product's URLs plus /__bench__/insert/ and /__bench__/ping/). The
product's own URL configuration is never changed.
"""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"

from django.core.wsgi import get_wsgi_application  # noqa: E402

from gongzhi.startup import check_safe_to_serve  # noqa: E402

application = get_wsgi_application()
check_safe_to_serve()
