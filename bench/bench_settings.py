"""Settings of the benchmark servers: the product's settings, plus the bench-only URLs and Celery queue.

Used by the gunicorn server (bench/baseline_wsgi.py), the Celery worker and the bench process itself,
so all three share one configuration. Nothing here changes how the product behaves.
"""

from gongzhi.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# A queue of its own, so a bench run never takes (or leaves) work of another worker on the same Redis.
CELERY_TASK_DEFAULT_QUEUE = "gongzhi-bench"
