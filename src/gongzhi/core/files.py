"""Files rendered off the request (PDFs, report workbooks): a task writes them to the default storage and a
signed token, bound to the user who asked, opens them.

    token = files.request_file(
        user, "gongzhi.party.pdf.receipt_to_storage", receipt.pk,
        kind="party.receipt", name=files.storage_name("party/receipt", "pdf"), o=receipt.pk,
    )
    payload = files.open_token(token, user, kind="party.receipt")  # None: forged, expired, another user's
    return files.response(request, payload, filename="...", content_type="application/pdf")

The task is called through gongzhi.core.tasks with the given arguments plus the storage name and the
language, renders, and stores the bytes with `save()`; without a broker it runs inline and the file is
there at once, with one the download page reloads until the worker has stored it. The rendering task
only reads committed rows, so it is started directly (not after commit). A view checks that the user
may see the object before it asks for a file and again before it serves one.
"""

import uuid

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone, translation

from . import sweeps, tasks

SALT = "gongzhi.core.file"
MAX_AGE = 24 * 3600  # a token (and the link holding it) works for a day


ROOT = "rendered"  # every rendered file lives under this folder of the default storage


def storage_name(prefix: str, ext: str) -> str:
    """A fresh, unguessable name: `rendered/<prefix>-<random>.<ext>` ("rendered/party/receipt-…")."""
    return f"{ROOT}/{prefix.strip('/')}-{uuid.uuid4().hex}.{ext}"


def _walk(folder: str):
    try:
        folders, names = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in names:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _walk(f"{folder}/{sub}")


@sweeps.register("files.expire")
def expire_rendered(now=None) -> int:
    """Delete rendered files older than a token's life (nobody can open them any more)."""
    now = now or timezone.now()
    removed = 0
    for name in list(_walk(ROOT)):
        if (now - default_storage.get_modified_time(name)).total_seconds() > MAX_AGE:
            default_storage.delete(name)
            removed += 1
    return removed


def save(name: str, data: bytes) -> str:
    """For the rendering task: store the bytes under `name`; returns the name the storage used."""
    return default_storage.save(name, ContentFile(data))


def request_file(user, task, *args, kind: str, name: str, **meta) -> str:
    """Start `task(*args, name, language)`; return the signed token of the file (ready at once inline).

    `kind` names what the file is (checked when the token is opened); `meta` holds what the download view
    needs to check again (the object's id, the format…): short keys, JSON-able values.
    """
    language = translation.get_language() or settings.LANGUAGE_CODE
    stored = tasks.run_task(task, *args, name, language)
    if isinstance(stored, str):  # inline: the storage may have altered the name
        name = stored
    return signing.dumps({**meta, "k": kind, "n": name, "u": user.pk}, salt=SALT)


def open_token(token: str, user, *, kind: str) -> dict | None:
    """The token's payload when it is valid, of this kind and belongs to the user; None otherwise."""
    if not token:
        return None
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if (
        not isinstance(payload, dict)
        or payload.get("k") != kind
        or payload.get("u") is None
        or payload.get("u") != getattr(user, "pk", None)
        or not isinstance(payload.get("n"), str)
    ):
        return None
    return payload


def ready(payload: dict) -> bool:
    return default_storage.exists(payload["n"])


def response(request, payload: dict, *, filename: str, content_type: str, as_attachment: bool = True):
    """The stored file; while a worker is still rendering it, a page (202) that reloads until it is there."""
    if not ready(payload):
        return render(request, "core/file_pending.html", {"retry_url": request.get_full_path()}, status=202)
    return FileResponse(
        default_storage.open(payload["n"], "rb"),
        as_attachment=as_attachment,
        filename=filename,
        content_type=content_type,
    )
