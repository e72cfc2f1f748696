"""The area dashboard as an XLSX workbook: the area's figures, each child area's, the months, breakdowns.

Built from the same `dashboard.build()` data as the page (rollups only, a constant number of
queries), so the file and the page agree. Rates are written as the server formats them ("87.5%"),
counts as numbers. The workbook is small (figures × child areas, at most 500 children).
"""

import io

from django.utils.translation import gettext as _


def _number(ws, row, col, cell_value, display):
    if cell_value is None:
        ws.write_string(row, col, "—")
    elif display.endswith("%"):
        ws.write_string(row, col, display)  # rounded half up by the server, one decimal
    else:
        ws.write_number(row, col, float(cell_value))


def workbook(data: dict) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    area, period = data["area"], data["period"]
    title = f"{area.name} {period.period_from} – {period.period_to}"

    ws = book.add_worksheet(_("Figures")[:31])
    ws.write_string(0, 0, title, bold)
    ws.write_row(1, 0, [_("Section"), _("Figure"), _("Value"), _("Numerator"), _("Denominator")], bold)
    row = 2
    for section in data["sections"]:
        for card in section["cards"]:
            ws.write_string(row, 0, section["title"])
            ws.write_string(row, 1, card["label"])
            _number(ws, row, 2, card["value"], card["display"])
            ws.write_number(row, 3, float(card["numerator"]))
            ws.write_number(row, 4, float(card["denominator"]))
            row += 1
    ws.set_column(0, 1, 28)
    ws.set_column(2, 4, 14)

    ws = book.add_worksheet(_("Child areas")[:31])
    headers = [_("Area"), _("Code")] + [f"{c['label']}" for c in data["columns"]]
    ws.write_row(0, 0, headers, bold)
    for i, child in enumerate(data["children"], start=1):
        ws.write_string(i, 0, child["area"].name)
        ws.write_string(i, 1, child["area"].code)
        for j, cell in enumerate(child["cells"], start=2):
            _number(ws, i, j, cell["value"], cell["display"])
    ws.set_column(0, 0, 24)
    ws.set_column(1, len(headers), 14)

    ws = book.add_worksheet(_("By month")[:31])
    ws.write_row(0, 0, [_("Month")] + [c["label"] for c in data["columns"]], bold)
    for i, month in enumerate(data["months"], start=1):
        ws.write_string(i, 0, month)
        for j, card in enumerate(data["columns"], start=1):
            value = card["trend"][i - 1]
            if value is None:
                ws.write_string(i, j, "—")
            elif card["is_percent"]:
                ws.write_string(i, j, f"{value:.1f}%")
            else:
                ws.write_number(i, j, value)
    ws.set_column(0, len(data["columns"]), 14)

    breakdowns = [(s["title"], b) for s in data["sections"] for b in s["breakdowns"]]
    if breakdowns:
        ws = book.add_worksheet(_("Breakdowns")[:31])
        ws.write_row(0, 0, [_("Breakdown"), _("Category"), _("Value"), _("Share")], bold)
        row = 1
        for _title, b in breakdowns:
            for r in b["rows"]:
                ws.write_row(row, 0, [b["title"], str(r["label"])])
                ws.write_number(row, 2, float(r["value"]))
                ws.write_string(row, 3, r["share"])
                row += 1
        ws.set_column(0, 1, 24)
    book.close()
    return out.getvalue()
