"""The upload page imports as a task: stored file, queued job with its state, all or nothing as before."""

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse

from gongzhi.core import import_jobs, tasks
from gongzhi.core.models import AuditEvent, ImportJob
from gongzhi.people.models import Person
from tests.core.test_imports import PEOPLE_HEADER, csv_bytes, person_row, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return tmp_path


@pytest.fixture
def broker(settings, monkeypatch):
    """A deployment with a broker: run_task queues; the queued calls are kept here for a 'worker' to run."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.call, "delay", lambda path, *args, **kw: queued.append((path, args)))
    return queued


def post(client, data, name="p.csv", **extra):
    return client.post(reverse("core:imports"), {"kind": "people", "file": upload(data, name), **extra})


def detail(client, job):
    return client.get(reverse("core:import_detail", args=[job.pk])).content.decode()


def test_without_a_broker_the_upload_is_imported_after_commit_and_the_stored_file_removed(
    client_for, committee_worker, storage, django_capture_on_commit_callbacks
):
    client = client_for(committee_worker)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(client, csv_bytes([PEOPLE_HEADER, person_row(1, name="王五")]))
    job = ImportJob.objects.get()
    assert callbacks[0].args[0] == "gongzhi.core.import_jobs.run_job"  # the import, after commit
    assert response.status_code == 302 and response.url == reverse("core:import_detail", args=[job.pk])
    assert job.status == ImportJob.Status.IMPORTED and job.rows_written == 1
    assert Person.objects.filter(name="王五").exists()
    assert not list((storage / "imports").glob("upload-*"))
    page = detail(client, job)
    assert "王五" in page and "hx-trigger" not in page


def test_a_queued_import_shows_its_state_until_a_worker_has_run_it(
    client_for, committee_worker, broker, django_capture_on_commit_callbacks
):
    client = client_for(committee_worker)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, csv_bytes([PEOPLE_HEADER, person_row(1, name="王五")]))
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PENDING and Person.objects.count() == 0
    [(path, args)] = broker
    assert path == "gongzhi.core.import_jobs.run_job" and args[0] == job.pk
    assert default_storage.exists(args[1])

    queued = detail(client, job)
    assert 'data-state="queued"' in queued and 'hx-trigger="every 2s"' in queued
    assert 'id="import-form"' not in queued  # nothing to correct yet
    listing = client.get(reverse("core:imports")).content.decode()
    assert 'data-state="queued"' in listing

    cache.set(import_jobs.RUNNING_KEY.format(job.pk), "1")
    try:
        assert 'data-state="running"' in detail(client, job)
    finally:
        cache.delete(import_jobs.RUNNING_KEY.format(job.pk))

    assert import_jobs.run_job(*args) == import_jobs.DONE  # the worker
    done = detail(client, job)
    assert "hx-trigger" not in done and "王五" in done and 'id="rows-written">1<' in done
    assert not default_storage.exists(args[1])


def test_a_task_delivered_twice_imports_the_file_once(
    client_for, committee_worker, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client_for(committee_worker), csv_bytes([PEOPLE_HEADER, person_row(1)]))
    [(_path, args)] = broker
    assert import_jobs.run_job(*args) == import_jobs.DONE
    assert import_jobs.run_job(*args) == import_jobs.DONE
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(verb="import.completed").count() == 1


def test_a_job_held_by_another_worker_is_not_run_again(
    client_for, committee_worker, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client_for(committee_worker), csv_bytes([PEOPLE_HEADER, person_row(1)]))
    [(_path, args)] = broker
    cache.set(import_jobs.RUNNING_KEY.format(args[0]), "1")
    try:
        assert import_jobs.run_job(*args) == import_jobs.RUNNING
    finally:
        cache.delete(import_jobs.RUNNING_KEY.format(args[0]))
    assert Person.objects.count() == 0 and ImportJob.objects.get().status == ImportJob.Status.PENDING


def test_a_queued_file_with_one_bad_row_writes_nothing_and_keeps_the_row_report(
    client_for, committee_worker, broker, django_capture_on_commit_callbacks
):
    client = client_for(committee_worker)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, csv_bytes([PEOPLE_HEADER, person_row(1), person_row(2, phone="1")]))
    [(_path, args)] = broker
    assert import_jobs.run_job(*args) == import_jobs.FAILED
    job = ImportJob.objects.get()
    assert Person.objects.count() == 0 and job.rows_written == 0
    assert [e["row"] for e in job.errors] == [3]
    page = detail(client, job)
    assert "手机/phone" in page and 'id="import-form"' in page
    report = client.get(reverse("core:import_errors", args=[job.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxml")


def test_a_queued_dry_run_checks_and_writes_nothing(
    client_for, committee_worker, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client_for(committee_worker), csv_bytes([PEOPLE_HEADER, person_row(1)]), dry_run="on")
    [(_path, args)] = broker
    assert import_jobs.run_job(*args) == import_jobs.DONE
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.CHECKED and job.dry_run and Person.objects.count() == 0


def test_a_user_who_lost_the_right_before_the_worker_ran_gets_a_failed_job_and_nothing_written(
    client_for, committee_worker, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client_for(committee_worker), csv_bytes([PEOPLE_HEADER, person_row(1)]))
    [(_path, args)] = broker
    committee_worker.is_active = False
    committee_worker.save(update_fields=["is_active"])
    assert import_jobs.run_job(*args) == import_jobs.FAILED
    job = ImportJob.objects.get()
    # The message is in the uploader's language (zh-hans, the default, for this upload).
    assert Person.objects.count() == 0 and "无权导入" in job.errors[0]["message"]
    assert not default_storage.exists(args[1])


def test_users_without_the_capability_queue_nothing(client_for, resident, broker):
    response = post(client_for(resident), csv_bytes([PEOPLE_HEADER, person_row(1)]))
    assert response.status_code == 403
    assert not ImportJob.objects.exists() and broker == []


def test_another_users_queued_import_is_not_shown(
    client_for, committee_worker, street_admin, broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client_for(committee_worker), csv_bytes([PEOPLE_HEADER, person_row(1)]))
    job = ImportJob.objects.get()
    assert client_for(street_admin).get(reverse("core:import_detail", args=[job.pk])).status_code == 404


def test_a_job_whose_worker_died_is_failed_by_the_sweep_and_its_upload_removed(
    client_for, committee_worker, broker, storage
):
    import datetime as dt

    from django.utils import timezone

    client = client_for(committee_worker)
    post(client, csv_bytes([PEOPLE_HEADER, person_row(1, name="王五")]))
    stuck, fresh = ImportJob.objects.get(), None
    later = timezone.now() + dt.timedelta(seconds=import_jobs.RUNNING_SECONDS + 60)
    post(client, csv_bytes([PEOPLE_HEADER, person_row(2, name="赵六")]))
    fresh = ImportJob.objects.exclude(pk=stuck.pk).get()
    ImportJob.objects.filter(pk=fresh.pk).update(created_at=later)  # uploaded just now, at `later`
    from django.utils import translation

    with translation.override("zh-hans"):  # the sweep writes the message in the site's language
        assert import_jobs.fail_interrupted(now=later) == 1
    stuck.refresh_from_db()
    assert stuck.status == ImportJob.Status.FAILED and "中断" in stuck.errors[0]["message"]
    assert import_jobs.job_state(stuck) == import_jobs.FAILED
    assert not list((storage / "imports").glob(f"upload-{stuck.pk}.*"))
    assert list((storage / "imports").glob(f"upload-{fresh.pk}.*"))  # still queued, still stored
    assert not Person.objects.filter(name="王五").exists()
    assert import_jobs.fail_interrupted(now=later) == 0  # nothing left to fail


def test_the_sweep_leaves_a_job_a_worker_still_holds(client_for, committee_worker, broker):
    import datetime as dt

    from django.utils import timezone

    post(client_for(committee_worker), csv_bytes([PEOPLE_HEADER, person_row(1, name="王五")]))
    job = ImportJob.objects.get()
    cache.set(import_jobs.RUNNING_KEY.format(job.pk), "1", 60)
    try:
        later = timezone.now() + dt.timedelta(seconds=import_jobs.RUNNING_SECONDS + 60)
        assert import_jobs.fail_interrupted(now=later) == 0
    finally:
        cache.delete(import_jobs.RUNNING_KEY.format(job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PENDING
