"""The benchmark suite (`make bench`): measured figures with their baselines and targets.

Runs against a scratch database of its own: a temporary SQLite file by default, or the empty
database named by BENCH_DATABASE_URL (PostgreSQL on loopback for the city-scale runs). Writes
bench/results/latest.json (each figure: name, measured, target, unit, met, plus the machine and
the date) and a readable bench/results/latest.md. Bounded in time: every measure has a fixed size.

Measures so far:
- Excel import of 20,000 social organizations (rows/s), against the baseline of reading the same
  file alone; target ≥ 1,000 rows/s.
"""

import datetime as dt
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "20000"))
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def setup_django() -> str:
    scratch = tempfile.mkdtemp(prefix="gongzhi-bench-")
    os.environ.setdefault("GONGZHI_VAR_DIR", scratch)
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        os.environ["DATABASE_URL"] = url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"].split("://", 1)[0]


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


def bench_import() -> list[dict]:
    from gongzhi.core import imports
    from gongzhi.orgs.models import OrgStatusChange, SocialOrganization

    officer = prepare_areas_and_officer()
    data = workbook(ROWS)
    reads, runs = [], []
    for _ in range(REPEATS):
        started = time.perf_counter()
        table = imports.read_table(data, "bench.xlsx")
        reads.append(time.perf_counter() - started)
        assert len(table) == ROWS + 1
    for _ in range(REPEATS):
        OrgStatusChange.objects.all().delete()
        SocialOrganization.objects.all().delete()
        started = time.perf_counter()
        job = imports.run("orgs", io.BytesIO(data), actor=officer, file_name="bench.xlsx")
        runs.append(time.perf_counter() - started)
        if job.status != "imported":
            raise SystemExit(f"import failed: {job.errors[:3]}")
        assert SocialOrganization.objects.count() == ROWS
    import_rate = ROWS / statistics.median(runs)
    read_rate = ROWS / statistics.median(reads)
    return [
        {
            "name": f"Excel import of {ROWS:,} social organizations",
            "measured": round(import_rate, 1),
            "target": 1000,
            "unit": "rows/s",
            "met": import_rate >= 1000,
            "baseline": {
                "name": "reading the same file alone",
                "measured": round(read_rate, 1),
                "unit": "rows/s",
            },
            "runs_seconds": [round(r, 3) for r in runs],
        }
    ]


def main() -> int:
    started = time.time()
    database = setup_django()
    figures = bench_import()
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "database": database,
        },
        "seconds": round(time.time() - started, 1),
        "targets": figures,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    lines = [
        "# Gongzhi benchmark results",
        "",
        f"{report['date']} · {report['machine']['cpus']} CPUs · Python {report['machine']['python']} · {database}",
        "",
        "| figure | measured | target | met | baseline |",
        "|---|---|---|---|---|",
    ]
    for f in figures:
        base = f.get("baseline", {})
        lines.append(
            f"| {f['name']} | {f['measured']:,} {f['unit']} | ≥ {f['target']:,} {f['unit']} | "
            f"{'yes' if f['met'] else 'NO'} | {base.get('name', '')}: {base.get('measured', ''):,} {base.get('unit', '')} |"
        )
    (RESULTS / "latest.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0 if all(f["met"] for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
