"""The report as a file: PDF (WeasyPrint, SVG charts, CJK font) or XLSX workbook, rendered off the request.

`request_file()` starts `render_to_storage` as a task through gongzhi.core.files (inline without a broker,
a Celery task with one) and returns a signed token; the download view serves the file once it exists
in the default storage. The token binds the file to the user who asked for it.
"""

import datetime as dt
import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gongzhi.areas.models import Area
from gongzhi.core import files

from . import orgs_report, svg

FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
}


def _money_text(value) -> str:
    return "—" if value is None else f"{Decimal(value):,.2f}"


def context(report: dict) -> dict:
    """What the page and the PDF template show, with shares and money formatted by the server."""
    pct = orgs_report.fmt_pct
    reg, ins = report["registrations"], report["inspection"]

    def shares(rows):
        return [{**r, "share_text": pct(r["share"])} for r in rows]

    charts = [
        ("by_type", _("Composition by type"), shares(reg["by_type"])),
        ("social_group_subtypes", _("Social groups by subtype"), shares(reg["social_group_subtypes"])),
        (
            "non_enterprise_fields",
            _("Private non-enterprise units by field"),
            shares(reg["non_enterprise_fields"]),
        ),
        ("foundation_kinds", _("Foundations by kind"), shares(reg["foundation_kinds"])),
    ]
    growth = report["growth"]
    fin = ins["finances"]
    return {
        "report": report,
        "charts": charts,
        "chart_data": {key: rows for key, _title, rows in charts},
        "growth_rows": [
            {**r, "rate_text": pct(r["growth_rate"])}
            for r in [*growth["by_type"], {**growth["total"], "label": _("Total")}]
        ],
        "staff_groups": [
            {
                "key": key,
                "title": group["title"],
                "rows": [
                    {**r, "share_text": pct(r["share"]), "compare_share_text": pct(r["compare_share"])}
                    for r in group["rows"]
                ],
            }
            for key, group in ins["staff"]["groups"].items()
        ],
        "staff_growth_text": pct(ins["staff"]["growth_rate"]),
        "finance_rows": [
            {
                **r,
                "amount_text": _money_text(r["amount"]),
                "compare_text": _money_text(r["compare_amount"]),
                "rate_text": pct(r["growth_rate"]),
            }
            for r in fin["rows"]
        ],
        "avg_growth_text": pct(fin["average_growth_rate"]),
        "generated_at": timezone.localtime(),
    }


def render_pdf(report: dict) -> bytes:
    from weasyprint import HTML

    ctx = context(report)
    ctx["svg_charts"] = [(key, title, svg.pie(rows, title=str(title))) for key, title, rows in ctx["charts"]]
    html = render_to_string("reports/orgs_pdf.html", ctx)
    return HTML(string=html).write_pdf()


def render_xlsx(report: dict) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    pct = book.add_format({"num_format": '0.0"%"'})
    money = book.add_format({"num_format": "#,##0.00"})

    def sheet(name, header, rows, formats=None):
        ws = book.add_worksheet(name[:31])
        ws.write_row(0, 0, header, bold)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row):
                fmt = (formats or {}).get(j)
                if value is None:
                    ws.write_string(i, j, "—")
                elif isinstance(value, int | float):
                    ws.write_number(i, j, value, fmt)
                else:
                    ws.write_string(i, j, str(value))
        ws.set_column(0, 0, 34)
        ws.set_column(1, len(header), 16)
        return ws

    area, reg, ins = report["area"], report["registrations"], report["inspection"]
    dens = report["density"]
    sheet(
        _("Summary"),
        [_("Figure"), _("Value")],
        [
            [_("Area"), f"{area['name']} ({area['code']})"],
            [_("As of"), report["as_of"]],
            [_("Compared with"), report["compare_to"]],
            [_("Registered organizations"), reg["total"]],
            [_("Organizations in the annual inspection"), ins["organizations"]],
            [_("Staff"), ins["staff"]["total"]],
            [
                _("Average net assets per inspected organization (million yuan)"),
                ins["finances"]["average_net_assets_million"],
            ],
            [_("Registered population"), dens["registered_population"]],
            [_("Organizations per 10,000 registered residents"), dens["per_10000"]],
        ],
    )
    rows = []
    for _key, title, slices in context(report)["charts"]:
        rows += [[str(title), s["label"], s["count"], s["share"]] for s in slices]
    sheet(_("Composition"), [_("Breakdown"), _("Category"), _("Count"), _("Share (%)")], rows, {3: pct})
    g = report["growth"]
    sheet(
        _("Growth"),
        [_("Type"), g["from"], g["to"], _("Net growth"), _("Growth rate (%)")],
        [
            [r["label"], r["count_then"], r["count_now"], r["net_growth"], r["growth_rate"]]
            for r in g["by_type"]
        ]
        + [
            [
                _("Total"),
                g["total"]["count_then"],
                g["total"]["count_now"],
                g["total"]["net_growth"],
                g["total"]["growth_rate"],
            ]
        ],
        {4: pct},
    )
    staff_rows = []
    for group in ins["staff"]["groups"].values():
        staff_rows += [
            [group["title"], r["label"], r["count"], r["share"], r["compare_count"], r["compare_share"]]
            for r in group["rows"]
        ]
    sheet(
        _("Staff"),
        [
            _("Table"),
            _("Category"),
            str(ins["year"]),
            _("Share (%)"),
            str(ins["compare_year"]),
            _("Share (%)"),
        ],
        staff_rows,
        {3: pct, 5: pct},
    )
    fin = ins["finances"]
    sheet(
        _("Finances"),
        [
            _("Item"),
            _("%(year)s (yuan)") % {"year": ins["year"]},
            _("%(year)s (yuan)") % {"year": ins["compare_year"]},
            _("Growth rate (%)"),
        ],
        [[r["label"], float(r["amount"]), float(r["compare_amount"]), r["growth_rate"]] for r in fin["rows"]],
        {1: money, 2: money, 3: pct},
    )
    book.close()
    return out.getvalue()


def render(report: dict, fmt: str) -> bytes:
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "xlsx":
        return render_xlsx(report)
    if fmt == "json":
        import json

        return json.dumps(report, ensure_ascii=False, indent=2).encode()
    raise ValueError(f"unknown report format {fmt!r}")


KIND = "reports.orgs"


def render_to_storage(area_id: int, as_of: str, compare_to: str, fmt: str, name: str, language: str) -> str:
    """The task: build the report from the records and store the file under `name`."""
    area = Area.objects.get(pk=area_id)
    with translation.override(language):
        report = orgs_report.build(area, dt.date.fromisoformat(as_of), dt.date.fromisoformat(compare_to))
        data = render(report, fmt)
    return files.save(name, data)


def request_file(user, area, as_of: dt.date, compare_to: dt.date, fmt: str) -> str:
    """Start rendering; return the signed token of the file (ready at once without a broker)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}")
    return files.request_file(
        user,
        "gongzhi.reports.files.render_to_storage",
        area.pk,
        as_of.isoformat(),
        compare_to.isoformat(),
        fmt,
        kind=KIND,
        name=files.storage_name(f"reports/orgs-{area.code or area.pk}-{as_of.isoformat()}", FORMATS[fmt][1]),
        a=area.pk,
        f=fmt,
    )


def open_token(token: str, user) -> dict | None:
    """The token's payload when it is valid and belongs to the user; None otherwise."""
    payload = files.open_token(token, user, kind=KIND)
    if payload is None or payload.get("f") not in FORMATS:
        return None
    return payload
