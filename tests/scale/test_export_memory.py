"""Large exports stream: 50,000 rows go out as CSV and XLSX while Python's peak memory stays bounded."""

import tracemalloc

import pytest

from gongzhi.core import exports
from gongzhi.core.models import RollupDelta

ROWS = 50_000
# A list of 50,000 model instances alone takes far more than this (about 1 KB each), so staying under
# it means rows were never all in memory at once; the bound leaves room for one chunk (exports.CHUNK).
PEAK_BOUND = 12 * 1024 * 1024

COLUMNS = [
    exports.ExportColumn("id", "id"),
    exports.ExportColumn("area", "area_id"),
    exports.ExportColumn("figure", "figure"),
    exports.ExportColumn("period", "period"),
    exports.ExportColumn("numerator", "numerator"),
    exports.ExportColumn("denominator", "denominator"),
    exports.ExportColumn("created", "created_at"),
]


@pytest.fixture
def many_rows(db):
    batch = [
        RollupDelta(
            area_id=i % 977, figure=f"scale.export.{i % 13}", period="2025-01", numerator=i, denominator=7
        )
        for i in range(ROWS)
    ]
    RollupDelta.objects.bulk_create(batch, batch_size=5000)
    del batch
    return RollupDelta.objects.filter(figure__startswith="scale.export.").order_by("id")


def _peak(func):
    tracemalloc.start()
    try:
        result = func()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_a_csv_export_of_fifty_thousand_rows_streams_in_bounded_memory(many_rows):
    response = exports.export_response(many_rows, COLUMNS, fmt="csv", filename="deltas")

    def consume():
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
        return size, lines

    (size, lines), peak = _peak(consume)
    assert lines == ROWS + 1  # the header and every row
    assert size > 2 * 1024 * 1024
    assert peak < PEAK_BOUND, f"peak {peak / 2**20:.1f} MiB for a {size / 2**20:.1f} MiB export"


@pytest.mark.slow
def test_an_xlsx_export_of_fifty_thousand_rows_is_written_in_bounded_memory(many_rows, tmp_path):
    target = tmp_path / "deltas.xlsx"
    _, peak = _peak(lambda: exports.write_xlsx(str(target), many_rows, COLUMNS))
    assert target.stat().st_size > 1024 * 1024
    assert peak < PEAK_BOUND, f"peak {peak / 2**20:.1f} MiB"

    from openpyxl import load_workbook

    sheet = load_workbook(target, read_only=True).active
    assert sheet.max_row == ROWS + 1
