"""The sweep as a Celery task: selected jobs, no overlap, and the beat schedule behind GONGZHI_BEAT."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache

from gongzhi.core import rollups, tasks
from gongzhi.core.models import Rollup


def test_the_sweep_task_runs_the_named_jobs_inline_without_a_broker(db):
    rollups.add_delta(4242, "scale.sweep", "2025-02", 5, 2)
    result = tasks.run_task(tasks.sweep_task, only=["rollups.fold"])
    assert result == {"rollups.fold": "1"}
    cell = Rollup.objects.get(area_id=4242, figure="scale.sweep")
    assert (cell.numerator, cell.denominator) == (5, 2)
    assert cache.get(tasks.SWEEP_LOCK) is None  # released


def test_a_second_sweep_does_not_overlap_a_running_one(db):
    rollups.add_delta(4242, "scale.sweep", "2025-02", 1)
    cache.add(tasks.SWEEP_LOCK, "1", 60)
    try:
        assert tasks.sweep_task(only=["rollups.fold"]) == {"skipped": "already running"}
        assert not Rollup.objects.filter(figure="scale.sweep").exists()
    finally:
        cache.delete(tasks.SWEEP_LOCK)


def test_an_unknown_sweep_job_is_refused_and_releases_the_lock(db):
    with pytest.raises(ValueError, match="no.such.job"):
        tasks.sweep_task(only=["no.such.job"])
    assert cache.get(tasks.SWEEP_LOCK) is None


def test_gongzhi_beat_schedules_the_sweep_task():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(getattr(s, 'CELERY_BEAT_SCHEDULE', None))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"GONGZHI_BEAT", "GONGZHI_SWEEP_SECONDS"}}
    env["DJANGO_SETTINGS_MODULE"] = "gongzhi.settings"

    def run(**extra):
        out = subprocess.run(
            [sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    assert run() == "None"
    schedule = run(GONGZHI_BEAT="1", GONGZHI_SWEEP_SECONDS="120")
    assert "'task': 'gongzhi.core.sweep'" in schedule and "'schedule': 120.0" in schedule
