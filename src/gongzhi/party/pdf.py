"""The printable receipt (报到回执) as PDF, for workplace organizations that do not use the platform."""

from django.template.loader import render_to_string


def receipt_pdf(receipt) -> bytes:
    from weasyprint import HTML

    html = render_to_string("party/receipt_pdf.html", {"receipt": receipt, "report": receipt.report})
    return HTML(string=html).write_pdf()
