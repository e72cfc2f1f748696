"""Periodic jobs: apps register functions that `gongzhi sweep` (cron or Celery beat) runs in order."""

from collections.abc import Callable

JOBS: list[tuple[str, Callable]] = []


def register(name: str):
    def decorator(func):
        JOBS.append((name, func))
        return func

    return decorator


def run_all(now=None) -> dict:
    results = {}
    for name, func in JOBS:
        results[name] = func(now=now)
    return results
