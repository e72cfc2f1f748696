"""Evidence files: images and documents, checked by their content (never by the name) and by size.

Images are opened and verified with Pillow; documents are recognised by their signature (PDF,
Office Open XML, legacy Office). A file that is neither is refused with a clear message.
"""

import io
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_FILES = 9
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# Pillow refuses to open images with more pixels than this (decompression bombs).
MAX_PIXELS = 60_000_000

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Checked:
    kind: str  # "image" or "document"
    name: str
    size: int
    data: bytes
    extension: str


def _read(upload) -> tuple[str, bytes]:
    name = getattr(upload, "name", "") or "file"
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return name.rsplit("/", 1)[-1][:200], data


def _image_format(data: bytes) -> str | None:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt = img.format
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return fmt if fmt in IMAGE_FORMATS else None


def _document_extension(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(_OLE):
        return "doc"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        if any(n.startswith("ppt/") for n in names):
            return "pptx"
    return None


def check(upload) -> Checked:
    """One upload → Checked, or ValidationError({"files": ...}) naming the file and the problem."""
    name, data = _read(upload)
    size = len(data)
    if not size:
        raise ValidationError({"files": _("%(name)s is empty.") % {"name": name}})
    fmt = _image_format(data)
    if fmt:
        if size > MAX_IMAGE_BYTES:
            raise ValidationError(
                {
                    "files": _("%(name)s is too large: images may have at most %(max)s.")
                    % {"name": name, "max": filesizeformat(MAX_IMAGE_BYTES)}
                }
            )
        return Checked("image", name, size, data, IMAGE_FORMATS[fmt])
    ext = _document_extension(data)
    if ext:
        if size > MAX_DOCUMENT_BYTES:
            raise ValidationError(
                {
                    "files": _("%(name)s is too large: documents may have at most %(max)s.")
                    % {"name": name, "max": filesizeformat(MAX_DOCUMENT_BYTES)}
                }
            )
        return Checked("document", name, size, data, ext)
    raise ValidationError(
        {
            "files": _(
                "%(name)s is not an image (JPEG, PNG, GIF, WebP) or a document (PDF, Word, Excel, PowerPoint)."
            )
            % {"name": name}
        }
    )


def check_all(uploads) -> list[Checked]:
    uploads = [u for u in (uploads or ()) if u is not None]
    if len(uploads) > MAX_FILES:
        raise ValidationError({"files": _("Attach at most %(n)d files.") % {"n": MAX_FILES}})
    return [check(u) for u in uploads]


def store(case, checked: list[Checked], *, actor, event=None) -> list:
    """Save checked files for the case (inside the caller's transaction)."""
    from django.core.files.base import ContentFile

    from .models import CaseFile

    rows = []
    for item in checked:
        row = CaseFile(
            case=case,
            event=event,
            kind=item.kind,
            name=item.name,
            size=item.size,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        # The stored name is ours: the extension comes from the content, not from the upload.
        row.file.save(f"evidence.{item.extension}", ContentFile(item.data), save=False)
        row.save()
        rows.append(row)
    return rows
