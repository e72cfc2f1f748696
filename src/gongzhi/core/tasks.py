"""Background work: run a function as a Celery task when a broker is configured, inline otherwise.

    tasks.run_task("gongzhi.reports.pdf.render_report", report.pk)   # a dotted path
    tasks.run_task(render_report_task, report.pk)                       # or a Celery task

Without CELERY_BROKER_URL (the embedded default) settings.CELERY_TASK_ALWAYS_EAGER is true and
the function runs in the caller's process and returns its result; with a broker it is queued and
an AsyncResult is returned. Call it from `transaction.on_commit` so a worker never sees rows that
are not committed yet.
"""

from celery import shared_task
from django.conf import settings
from django.utils.module_loading import import_string


@shared_task(name="gongzhi.core.call")
def call(path: str, *args, **kwargs):
    """The generic task: import a function by dotted path and call it (arguments must be JSON-able)."""
    return import_string(path)(*args, **kwargs)


def run_task(func, *args, **kwargs):
    """Run `func` (a dotted path or a Celery task) inline without a broker, queued with one."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True):
        target = import_string(func) if isinstance(func, str) else func
        # A Celery task called directly runs its body in this process, like a plain function.
        return target(*args, **kwargs)
    if isinstance(func, str):
        return call.delay(func, *args, **kwargs)
    if hasattr(func, "delay"):
        return func.delay(*args, **kwargs)
    return call.delay(f"{func.__module__}.{func.__qualname__}", *args, **kwargs)


SWEEP_LOCK = "gongzhi:sweep:running"
SWEEP_LOCK_SECONDS = 30 * 60  # a crashed worker's lock expires; a sweep never takes this long


@shared_task(name="gongzhi.core.sweep")
def sweep_task(only: list[str] | None = None) -> dict:
    """`gongzhi sweep` as a task (Celery beat schedules it with GONGZHI_BEAT=1).

    `only` limits the run to the named jobs. Two sweeps never overlap: the lock lives in the cache,
    which is Redis (shared by every worker) whenever a broker is used; a skipped run returns
    {"skipped": "already running"} and the next beat tick catches up.
    """
    from django.core.cache import cache

    from . import sweeps

    if not cache.add(SWEEP_LOCK, "1", SWEEP_LOCK_SECONDS):
        return {"skipped": "already running"}
    try:
        wanted = set(only) if only else None
        unknown = (wanted or set()) - {name for name, _ in sweeps.JOBS}
        if unknown:
            raise ValueError(f"unknown sweep jobs: {', '.join(sorted(unknown))}")
        results = {}
        for name, func in sweeps.JOBS:
            if wanted is None or name in wanted:
                results[name] = func(now=None)
        # Results go to the result backend as JSON: keep what each job said, as text.
        return {name: str(result) for name, result in results.items()}
    finally:
        cache.delete(SWEEP_LOCK)
