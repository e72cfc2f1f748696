"""The service certificate as a PDF (WeasyPrint): identity masked, hours, service content, issuer, number, date."""

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
