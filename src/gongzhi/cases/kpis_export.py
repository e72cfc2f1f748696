"""The case KPI report as an XLSX workbook (the KPI page's export)."""

import io

import xlsxwriter
from django.utils.translation import gettext as _

from . import kpis


def workbook(data: dict) -> bytes:
    """The KPI report as an XLSX workbook: totals, months, categories, channels, handlers, areas."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    headers = [str(_("group"))] + [str(kpis.METRIC_LABELS[m]) for m in kpis.METRICS]

    def sheet(title, rows):
        ws = book.add_worksheet(title[:31])
        ws.write_row(0, 0, headers, bold)
        for i, (name, row) in enumerate(rows, start=1):
            ws.write_string(i, 0, str(name))
            for j, metric in enumerate(kpis.METRICS, start=1):
                value = row[metric]["value"]
                if metric in kpis.RATES:
                    ws.write_string(i, j, row[metric]["display"])  # formatted by the server, one decimal
                elif value is not None:
                    ws.write_number(i, j, float(value))
        ws.set_column(0, len(headers), 18)

    title = f"{data['area'].name} {data['period_from']}–{data['period_to']}"
    sheet(str(_("total")), [(title, data["total"])])
    sheet(str(_("by month")), [(m["period"], m["row"]) for m in data["months"]])
    sheet(str(_("by category")), [(r["name"], r["row"]) for r in data["by_category"]])
    sheet(str(_("by channel")), [(r["name"], r["row"]) for r in data["by_channel"]])
    sheet(str(_("by handler")), [(r["name"], r["row"]) for r in data["by_handler"]])
    sheet(str(_("by area")), [(r["name"], r["row"]) for r in data["by_area"]])
    book.close()
    return out.getvalue()
