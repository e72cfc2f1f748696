"""Measure 4: Excel import of 20,000 social organizations (rows/s) against reading the same file alone.

Runs as its own process (`python -m bench.import_rate`) on the run's scratch import database, so the
organizations of the data set are never touched; prints its target object as JSON on the last line.
Target ≥ 1,000 rows/s.
"""

import io
import json
import os
import statistics
import sys
import time

MIN_RATE = 1000


def uscc(prefix: str, n: int) -> str:
    from stdnum.cn import uscc as std

    body = f"{prefix}310117MJ{n:07d}"[:17]
    return body + std.calc_check_digit(body)


def workbook(rows: int) -> bytes:
    import xlsxwriter

    kinds = [
        ("51", "social_group", "professional"),
        ("52", "non_enterprise_unit", "education"),
        ("53", "foundation", "public_fundraising"),
    ]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["名称", "统一社会信用代码", "类型", "子类型", "登记日期", "区域代码", "状态"])
    for i in range(rows):
        prefix, org_type, subtype = kinds[i % 3]
        sheet.write_row(
            i + 1,
            0,
            [
                f"基准组织{i:06d}",
                uscc(prefix, i),
                org_type,
                subtype,
                "2019-04-01",
                "310117003000",
                "registered",
            ],
        )
    book.close()
    return buffer.getvalue()


def prepare_areas_and_officer():
    from gongzhi.accounts.actions import grant_role
    from gongzhi.accounts.models import User
    from gongzhi.areas.actions import build_area
    from gongzhi.areas.models import Area

    if not Area.objects.filter(gb2260="310000").exists():
        city = build_area(name="上海市", kind="city", gb2260="310000")
        city.save()
        district = build_area(name="松江区", kind="district", parent=city, gb2260="310117")
        district.save()
        street = build_area(name="方松街道", kind="street", parent=district, stat_code="310117003000")
        street.save()
    district = Area.objects.get(gb2260="310117")
    officer, created = User.objects.get_or_create(username="bench_registry")
    if created:
        grant_role(actor=None, user=officer, role="registry_officer", scope_kind="area", scope_id=district.pk)
    return officer


def measure(rows: int, repeats: int) -> dict:
    from gongzhi.core import imports
    from gongzhi.orgs.models import OrgStatusChange, SocialOrganization

    from .stats import HIGHER_IS_BETTER, target

    officer = prepare_areas_and_officer()
    data = workbook(rows)
    reads, runs = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        table = imports.read_table(data, "bench.xlsx")
        reads.append(time.perf_counter() - started)
        assert len(table) == rows + 1
    for _ in range(repeats):
        OrgStatusChange.objects.all().delete()
        SocialOrganization.objects.all().delete()
        started = time.perf_counter()
        job = imports.run("orgs", io.BytesIO(data), actor=officer, file_name="bench.xlsx")
        runs.append(time.perf_counter() - started)
        if job.status != "imported":
            raise SystemExit(f"import failed: {job.errors[:3]}")
        assert SocialOrganization.objects.count() == rows
    return target(
        f"Excel import of {rows:,} social organizations",
        rows / statistics.median(runs),
        MIN_RATE,
        "rows/s",
        HIGHER_IS_BETTER,
        group="import",
        baseline={
            "name": "reading the same file alone",
            "measured": round(rows / statistics.median(reads), 1),
            "unit": "rows/s",
        },
        runs_seconds=[round(r, 3) for r in runs],
    )


def main() -> int:
    import django

    django.setup()
    result = measure(
        int(os.environ.get("BENCH_IMPORT_ROWS", "20000")), int(os.environ.get("BENCH_REPEATS", "3"))
    )
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
