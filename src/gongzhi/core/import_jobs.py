"""Imports from the upload page as tasks: store the file, queue the job after commit, show its state.

`start()` checks the user may import, records a queued ImportJob, stores the upload in the default storage
and, after commit, runs `run_job` through gongzhi.core.tasks: inline without a broker (the page then shows
the result at once, as before), on a Celery worker with CELERY_BROKER_URL. The task calls the same
`imports.process` as the CLI's `imports.run`, so a file is still written all or nothing. While a worker
holds a job, a cache flag marks it running (and keeps a task delivered twice from running it twice).
States shown on the page: queued, running, done (imported or checked), failed. A job still queued
long after its upload (its worker died, the task was lost) is failed by the sweep `imports.interrupted`.
"""

import datetime as dt
from functools import partial

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import imports, policy, sweeps, tasks

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
RUNNING_KEY = "gongzhi:import:running:{}"
RUNNING_SECONDS = 2 * 3600  # a crashed worker's flag expires; an import never takes this long


def upload_name(job) -> str:
    suffix = ".xlsx" if job.file_name.lower().endswith(imports.XLSX_SUFFIXES) else ".csv"
    return f"imports/upload-{job.pk}{suffix}"


def start(kind: str, uploaded, *, actor, dry_run: bool = False, file_name: str | None = None):
    """Queue the import of one uploaded file; returns the ImportJob (pending until the task has run)."""
    from .models import ImportJob

    importer_cls = imports.get_importer(kind)
    policy.require(actor, imports.IMPORT)
    policy.require(actor, importer_cls.capability)
    name = (file_name or getattr(uploaded, "name", "") or "upload")[-200:]
    data = uploaded.read(imports.MAX_BYTES + 1) if hasattr(uploaded, "read") else bytes(uploaded)
    language = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        job = ImportJob.objects.create(kind=kind, created_by=actor, file_name=name, dry_run=dry_run)
        if len(data) > imports.MAX_BYTES:
            # Refused at once with the same message as the CLI: nothing to store or to queue.
            return imports.process(job, data, actor)
        stored = default_storage.save(upload_name(job), ContentFile(data))
        transaction.on_commit(
            partial(tasks.run_task, "gongzhi.core.import_jobs.run_job", job.pk, stored, language)
        )
    return job


def run_job(job_id: int, upload: str, language: str | None = None) -> str | None:
    """The task: import the stored upload of a queued job as the user who uploaded it; returns its state."""
    from .models import ImportJob

    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.PENDING:
        return job_state(job) if job else None  # already done: a task delivered twice
    key = RUNNING_KEY.format(job.pk)
    if not cache.add(key, "1", RUNNING_SECONDS):
        return RUNNING  # another worker holds it
    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            job = _run(job, upload)
    finally:
        cache.delete(key)
        if default_storage.exists(upload):
            default_storage.delete(upload)
    return job_state(job)


def _run(job, upload: str):
    def fail(message):
        return imports._fail(job, [{"row": 0, "column": "", "message": str(message)}])

    actor = job.created_by
    try:
        if actor is None or not actor.is_active:
            raise PermissionDenied
        policy.require(actor, imports.IMPORT)
        policy.require(actor, imports.get_importer(job.kind).capability)
    except (PermissionDenied, ValidationError):
        return fail(_("The user who uploaded the file may no longer import it. Nothing was written."))
    try:
        with default_storage.open(upload, "rb") as f:
            data = f.read(imports.MAX_BYTES + 1)
    except OSError:
        return fail(_("The uploaded file is no longer available: upload it again."))
    try:
        return imports.process(job, data, actor)
    except Exception:
        fail(_("The import stopped with an unexpected error. Nothing was written."))
        raise


def job_state(job) -> str:
    """queued, running (a worker holds it), done (imported or checked) or failed."""
    if job.status == job.Status.PENDING:
        return RUNNING if cache.get(RUNNING_KEY.format(job.pk)) else QUEUED
    return FAILED if job.status == job.Status.FAILED else DONE


@sweeps.register("imports.interrupted")
def fail_interrupted(now=None) -> int:
    """Fail the jobs still pending long after their upload with no worker holding them (a worker that
    died, a task the broker lost): the page stops showing them as queued for ever, the stored upload
    is removed. Nothing of them was written — an import commits all its rows or none."""
    from .models import ImportJob

    now = now or timezone.now()
    stale = ImportJob.objects.filter(
        status=ImportJob.Status.PENDING, created_at__lt=now - dt.timedelta(seconds=RUNNING_SECONDS)
    )
    failed = 0
    for job_id in stale.values_list("pk", flat=True).iterator():
        if cache.get(RUNNING_KEY.format(job_id)):
            continue
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update()
                .filter(pk=job_id, status=ImportJob.Status.PENDING)
                .first()
            )
            if job is None:
                continue
            message = _(
                "The import was interrupted before it finished. Nothing was written: upload the file again."
            )
            imports._fail(job, [{"row": 0, "column": "", "message": message}])
        for suffix in (".xlsx", ".csv"):
            name = f"imports/upload-{job_id}{suffix}"
            if default_storage.exists(name):
                default_storage.delete(name)
        failed += 1
    return failed
