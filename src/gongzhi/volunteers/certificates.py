"""The service certificate as a PDF (WeasyPrint): identity masked, hours, service content, issuer, number, date.

The page's download renders it off the request: `request_certificate_pdf` starts `certificate_to_storage`
as a task through gongzhi.core.files and the file is served by a token bound to the user who asked.
"""

from django.template.loader import render_to_string
from django.utils import translation

from gongzhi.core.pii import mask_id_number

from .models import Certificate, ServiceRecord

FONT = "Noto Sans CJK SC"
MAX_LINES = 30  # the latest services listed; the total covers every record up to the issue date


def certificate_context(cert: Certificate) -> dict:
    volunteer = cert.volunteer
    records = list(
        ServiceRecord.objects.filter(volunteer=volunteer, voided=False, served_on__lte=cert.issued_on)
        .order_by("-served_on", "-id")
        .values("served_on", "content", "recording_body", "hours")[:MAX_LINES]
    )
    return {
        "cert": cert,
        "volunteer": volunteer,
        "name": volunteer.person.name,
        # Certificates leave the platform: the ID number is always masked on them.
        "id_masked": mask_id_number(volunteer.person.id_number) or "—",
        "records": records,
        "font": FONT,
    }


def render_certificate_pdf(cert: Certificate, language: str | None = None) -> bytes:
    from weasyprint import HTML

    with translation.override(language or translation.get_language()):
        html = render_to_string("volunteers/certificate_pdf.html", certificate_context(cert))
    return HTML(string=html).write_pdf()


FILE_KIND = "volunteers.certificate"


def certificate_to_storage(certificate_id: int, name: str, language: str) -> str:
    """The task: render the certificate's PDF and store it under `name` (returns the stored name)."""
    from gongzhi.core import files

    cert = Certificate.objects.select_related("volunteer__person", "volunteer__area").get(pk=certificate_id)
    return files.save(name, render_certificate_pdf(cert, language))


def request_certificate_pdf(user, cert: Certificate) -> str:
    """Start rendering the certificate's PDF for `user` (a task); returns the signed token of the file."""
    from gongzhi.core import files

    return files.request_file(
        user,
        "gongzhi.volunteers.certificates.certificate_to_storage",
        cert.pk,
        kind=FILE_KIND,
        name=files.storage_name(f"volunteers/certificate-{cert.number}", "pdf"),
        o=cert.pk,
    )
