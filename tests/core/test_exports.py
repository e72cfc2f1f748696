"""Exports: any list as CSV or XLSX, streamed, with ID numbers and phones masked."""

import io

import pytest
from python_calamine import CalamineWorkbook
from stdnum.cn import ric

from gongzhi.core import exports
from gongzhi.core.models import AuditEvent
from gongzhi.people.models import Person

ID = "31010419900101001"
ID = ID + ric.calc_check_digit(ID + "0")


@pytest.fixture
def people(tree):
    rows = []
    for n, name in enumerate(["张三", "李四"]):
        p = Person(name=name, id_number=ID if n == 0 else None, phone="+8613912345678", gender="male")
        p.set_area(tree["committee"])
        rows.append(p)
    Person.objects.bulk_create(rows)
    return Person.objects.order_by("id")


def columns():
    return [
        *exports.columns_for(Person, ["name", "gender", "id_number", "phone", "birth_date"]),
        exports.ExportColumn("area", "area__name"),
    ]


def test_columns_for_marks_encrypted_fields_as_personal_data():
    kinds = {c.source: c.pii_kind for c in exports.columns_for(Person, ["name", "id_number", "phone"])}
    assert kinds == {"name": None, "id_number": "id_number", "phone": "phone"}


def test_csv_export_streams_with_a_bom_and_masks_personal_data(people):
    response = exports.export_response(people, columns(), fmt="csv", filename="居民")
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    assert "filename*=UTF-8''%E5%B1%85%E6%B0%91.csv" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert ID not in body and "13912345678" not in body
    assert "3101**********" + ID[-4:] in body and "139****5678" in body
    lines = body.strip().splitlines()
    assert len(lines) == 3 and "江中居委会" in lines[1]


def test_xlsx_export_masks_personal_data(people):
    response = exports.export_response(people, columns(), fmt="xlsx", filename="people")
    data = b"".join(response.streaming_content)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert len(rows) == 3
    flat = " ".join(str(c) for r in rows for c in r)
    assert ID not in flat and "13912345678" not in flat
    assert rows[1][2] == "3101**********" + ID[-4:] and rows[1][3] == "139****5678"
    assert rows[2][2] == ""


def test_unmasked_export_is_an_audit_event(people, street_admin):
    response = exports.export_response(
        people, columns(), fmt="csv", filename="people", actor=street_admin, unmasked=True
    )
    assert ID in b"".join(response.streaming_content).decode()
    assert AuditEvent.objects.filter(verb="pii.unmasked", actor=street_admin).exists()


def test_formula_like_text_stays_text_in_xlsx(tree):
    p = Person(name="=HYPERLINK(1)")
    p.set_area(tree["committee"])
    p.save()
    buffer = io.BytesIO()
    exports.write_xlsx(buffer, Person.objects.all(), exports.columns_for(Person, ["name"]))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "=HYPERLINK(1)"


def test_unknown_format_is_refused(people):
    with pytest.raises(ValueError):
        exports.export_response(people, columns(), fmt="pdf", filename="x")
