"""The printable receipt (报到回执) as PDF, for workplace organizations that do not use the platform.

Rendered off the request: the receipt page's link starts `receipt_to_storage` as a task through
gongzhi.core.files and the download is served by a token bound to the user who asked.
"""

from django.template.loader import render_to_string
from django.utils import translation

from gongzhi.core import files

FILE_KIND = "party.receipt"


def receipt_pdf(receipt) -> bytes:
    from weasyprint import HTML

    html = render_to_string("party/receipt_pdf.html", {"receipt": receipt, "report": receipt.report})
    return HTML(string=html).write_pdf()


def receipt_to_storage(receipt_id: int, name: str, language: str) -> str:
    """The task: render the receipt's PDF and store it under `name` (returns the stored name)."""
    from .models import Receipt

    receipt = Receipt.objects.select_related(
        "report__member__person", "report__receiving", "report__workplace_organization"
    ).get(pk=receipt_id)
    with translation.override(language):
        data = receipt_pdf(receipt)
    return files.save(name, data)


def request_receipt_pdf(user, receipt) -> str:
    """Start rendering the receipt's PDF for `user`; returns the signed token of the file."""
    return files.request_file(
        user,
        "gongzhi.party.pdf.receipt_to_storage",
        receipt.pk,
        kind=FILE_KIND,
        name=files.storage_name(f"party/receipt-{receipt.number}", "pdf"),
        o=receipt.pk,
    )
