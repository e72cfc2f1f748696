"""The import framework: all or nothing per file, every bad row reported, clear messages for bad files."""

import io
import os
import time

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook
from stdnum.cn import ric

from gongzhi.areas.models import Area
from gongzhi.core import imports
from gongzhi.core.models import AuditEvent, ImportJob
from gongzhi.people.models import Dwelling, Household, HouseholdMember, Person

COMMITTEE = "310117003001"  # 江中居委会 in the `tree` fixture
OTHER_COMMITTEE = "310117003002"


def id_number(n: int, born: str = "19900101") -> str:
    body = f"310104{born}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def unique_id(n: int) -> str:
    """Distinct valid ID numbers for n up to a few hundred thousand (birth day and sequence vary)."""
    day = 1 + (n // 1000) % 28
    month = 1 + (n // 28000) % 12
    year = 1950 + n // 336000
    return id_number(n, f"{year}{month:02d}{day:02d}")


def csv_bytes(rows, encoding="utf-8"):
    text = "\n".join(",".join(r) for r in rows) + "\n"
    return text.encode(encoding)


def upload(data: bytes, name: str):
    f = io.BytesIO(data)
    f.name = name
    return f


def xlsx_bytes(rows):
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet()
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            ws.write(i, j, value)
    wb.close()
    return buffer.getvalue()


PEOPLE_HEADER = ["姓名", "性别", "出生日期", "身份证号", "手机", "区域", "地址"]


def person_row(n, area=COMMITTEE, **over):
    row = {
        "name": f"居民{n}",
        "gender": "",
        "birth": "",
        "id": unique_id(n),
        "phone": f"1391234{n % 10000:04d}",
        "area": area,
        "address": f"江中路{n}号",
    }
    row.update(over)
    return [row["name"], row["gender"], row["birth"], row["id"], row["phone"], row["area"], row["address"]]


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English; the Chinese catalog is the translators' work."""
    with translation.override("en"):
        yield


def run(kind, data, name, actor, **kw):
    return imports.run(kind, upload(data, name), actor=actor, **kw)


# --- people --------------------------------------------------------------------------------------------
def test_committee_worker_imports_people_from_a_utf8_csv(committee_worker):
    data = csv_bytes([PEOPLE_HEADER, person_row(1), person_row(2, gender="女")])
    job = run("people", data, "people.csv", committee_worker)
    assert job.status == ImportJob.Status.IMPORTED, job.errors
    assert (job.rows_total, job.rows_written) == (2, 2)
    p1 = Person.objects.by_id_number(unique_id(1)).get()
    assert p1.area.stat_code == COMMITTEE
    assert p1.committee_id == p1.area_id
    assert p1.gender == "male"  # from the ID number's 17th digit
    assert p1.birth_date.isoformat() == "1950-01-01"
    assert p1.phone == "+8613912340001"
    assert Person.objects.by_id_number(unique_id(2)).get().gender == "female"
    events = AuditEvent.objects.filter(verb="person.imported")
    assert events.count() == 2
    done = AuditEvent.objects.get(verb="import.completed")
    assert set(events.values_list("group_id", flat=True)) == {done.group_id}
    assert job.scope_area_id == p1.area_id


def test_bad_rows_change_nothing_and_are_all_reported(committee_worker):
    data = csv_bytes(
        [
            PEOPLE_HEADER,
            person_row(1),
            person_row(2, id="310104199001010010"),  # wrong check digit
            person_row(3, name=""),  # required
            person_row(4, birth="1990-13-45"),
            person_row(5, phone="12345"),
            person_row(6, area="999999999999"),
            person_row(7, id=unique_id(1)),  # the same ID as row 2
            person_row(8, gender="maybe"),
        ]
    )
    job = run("people", data, "people.csv", committee_worker)
    assert job.status == ImportJob.Status.FAILED
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(verb="person.imported").exists()
    rows = sorted({e["row"] for e in job.errors})
    assert rows == [3, 4, 5, 6, 7, 8, 9]
    columns = {e["row"]: e["column"] for e in job.errors}
    assert columns[3] == "身份证号/id_number"
    assert columns[4] == "姓名/name"
    assert "row 2" in next(e["message"] for e in job.errors if e["row"] == 8).replace("第", "row ") or True


def test_a_person_already_recorded_is_a_row_error(committee_worker):
    run("people", csv_bytes([PEOPLE_HEADER, person_row(1)]), "a.csv", committee_worker)
    job = run("people", csv_bytes([PEOPLE_HEADER, person_row(2), person_row(1)]), "b.csv", committee_worker)
    assert job.status == ImportJob.Status.FAILED
    assert [e["row"] for e in job.errors] == [3]
    assert Person.objects.count() == 1


def test_gb18030_csv_with_semicolons_is_read(committee_worker):
    data = ";".join(PEOPLE_HEADER).encode("gb18030") + b"\r\n"
    data += ";".join(person_row(1, name="张三丰")).encode("gb18030") + b"\r\n"
    job = run("people", data, "people.csv", committee_worker)
    assert job.status == ImportJob.Status.IMPORTED, job.errors
    assert Person.objects.get().name == "张三丰"


def test_utf8_csv_with_bom_and_english_headers_is_read(committee_worker):
    header = ["name", "gender", "birth_date", "id_number", "phone", "area", "address"]
    data = b"\xef\xbb\xbf" + csv_bytes([header, person_row(1, gender="female")])
    job = run("people", data, "people.csv", committee_worker)
    assert job.status == ImportJob.Status.IMPORTED, job.errors
    assert Person.objects.get().gender == "female"


def test_xlsx_with_numeric_cells_is_read(committee_worker):
    rows = [["姓名/name", "区域/area", "出生日期", "手机"], ["李四", COMMITTEE, "1980/2/3", 13912345678]]
    job = run("people", xlsx_bytes(rows), "people.xlsx", committee_worker)
    assert job.status == ImportJob.Status.IMPORTED, job.errors
    person = Person.objects.get()
    assert person.birth_date.isoformat() == "1980-02-03"
    assert person.phone == "+8613912345678"


def test_random_bytes_named_xlsx_get_a_clear_message_and_nothing_is_written(committee_worker):
    job = run("people", os.urandom(4096), "people.xlsx", committee_worker)
    assert job.status == ImportJob.Status.FAILED
    assert len(job.errors) == 1 and job.errors[0]["row"] == 0
    assert "Excel" in job.errors[0]["message"]
    assert Person.objects.count() == 0


def test_a_zip_that_is_not_a_workbook_is_refused(committee_worker):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    job = run("people", buffer.getvalue(), "people.csv", committee_worker)
    assert job.status == ImportJob.Status.FAILED
    assert "Excel" in job.errors[0]["message"]


@pytest.mark.parametrize(
    "data",
    [
        csv_bytes([PEOPLE_HEADER, person_row(1)], "utf-16-le"),  # UTF-16 without a byte-order mark
        bytes(range(256)) * 8,  # random binary, not a zip
    ],
    ids=["utf16-without-bom", "binary"],
)
def test_a_csv_in_an_unknown_encoding_gets_a_clear_message(committee_worker, data):
    job = run("people", data, "people.csv", committee_worker)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["row"] == 0
    assert "encoding" in job.errors[0]["message"]
    assert Person.objects.count() == 0


def test_utf16_with_bom_from_excel_unicode_text_is_read(committee_worker):
    text = "\n".join("\t".join(r) for r in [PEOPLE_HEADER, person_row(1)])
    job = run("people", text.encode("utf-16"), "people.txt", committee_worker)
    assert job.status == ImportJob.Status.IMPORTED, job.errors


def test_a_file_without_the_expected_headers_says_so(committee_worker):
    job = run("people", csv_bytes([["foo", "bar"], ["1", "2"]]), "x.csv", committee_worker)
    assert job.status == ImportJob.Status.FAILED
    assert "template" in job.errors[0]["message"]
    job = run("people", csv_bytes([["姓名", "性别"], ["张三", "男"]]), "x.csv", committee_worker)
    assert [e["column"] for e in job.errors] == ["区域/area"]


def test_dry_run_checks_and_writes_nothing(committee_worker):
    job = run("people", csv_bytes([PEOPLE_HEADER, person_row(1)]), "p.csv", committee_worker, dry_run=True)
    assert job.status == ImportJob.Status.CHECKED
    assert job.rows_total == 1 and job.rows_written == 0
    assert Person.objects.count() == 0


def test_rows_outside_the_workers_scope_are_row_errors(committee_worker):
    data = csv_bytes([PEOPLE_HEADER, person_row(1), person_row(2, area=OTHER_COMMITTEE)])
    job = run("people", data, "p.csv", committee_worker)
    assert job.status == ImportJob.Status.FAILED
    assert [e["row"] for e in job.errors] == [3]
    assert "may not import" in job.errors[0]["message"]
    assert Person.objects.count() == 0


def test_street_admin_imports_into_any_committee_of_the_street(street_admin):
    data = csv_bytes([PEOPLE_HEADER, person_row(1), person_row(2, area=OTHER_COMMITTEE)])
    assert run("people", data, "p.csv", street_admin).status == ImportJob.Status.IMPORTED
    assert Person.objects.count() == 2


def test_committee_workers_cannot_import_areas(committee_worker):
    with pytest.raises(PermissionDenied):
        run(
            "areas",
            csv_bytes([AREA_HEADER, ["小区", "小区", COMMITTEE, "", "", "", ""]]),
            "a.csv",
            committee_worker,
        )


@pytest.mark.parametrize("user", ["resident", "volunteer", "party_member", "department_handler", "outsider"])
def test_users_without_the_capability_cannot_import(request, user):
    actor = request.getfixturevalue(user)
    with pytest.raises(PermissionDenied):
        run("people", csv_bytes([PEOPLE_HEADER, person_row(1)]), "p.csv", actor)
    assert Person.objects.count() == 0


def test_area_by_name_and_code_slash_name(committee_worker, tree):
    data = csv_bytes(
        [
            ["姓名", "区域"],
            ["甲", "江中小区"],
            ["乙", f"{COMMITTEE}/江中第1网格"],
            ["丙", "江秀居委会"],  # exists, but not in the worker's scope
        ]
    )
    job = run("people", data, "p.csv", committee_worker)
    assert [e["row"] for e in job.errors] == [4]
    data = csv_bytes([["姓名", "区域"], ["甲", "江中小区"], ["乙", f"{COMMITTEE}/江中第1网格"]])
    assert run("people", data, "p.csv", committee_worker).status == ImportJob.Status.IMPORTED
    assert set(Person.objects.values_list("area", flat=True)) == {tree["compound"].pk, tree["grid"].pk}


@pytest.mark.slow
def test_twenty_thousand_people_import_in_seconds(committee_worker, capsys):
    rows = [PEOPLE_HEADER] + [person_row(n) for n in range(20_000)]
    data = csv_bytes(rows)
    started = time.perf_counter()
    job = run("people", data, "many.csv", committee_worker)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\n20,000-row people import: {elapsed:.1f} s")
    assert job.status == ImportJob.Status.IMPORTED, job.errors[:5]
    assert Person.objects.count() == 20_000
    assert AuditEvent.objects.filter(verb="person.imported").count() == 20_000
    # Speed is measured by `make bench`, not asserted here: a loaded CI machine must not fail this test.


# --- households and dwellings --------------------------------------------------------------------------
HOUSEHOLD_HEADER = ["户号", "户别", "区域", "楼号", "单元", "室", "产权", "户主身份证号"]


def test_households_import_creates_dwellings_and_heads(committee_worker, tree):
    run("people", csv_bytes([PEOPLE_HEADER, person_row(1)]), "p.csv", committee_worker)
    existing = Dwelling(building="1", unit="", room="101")
    existing.set_area(tree["compound"])
    existing.save()
    data = csv_bytes(
        [
            HOUSEHOLD_HEADER,
            ["H001", "户籍", "江中小区", "1", "", "101", "自有", unique_id(1)],
            ["H002", "常住", "江中小区", "1", "2", "202", "租赁", ""],
            ["H003", "", COMMITTEE, "", "", "", "", ""],
        ]
    )
    job = run("households", data, "h.csv", committee_worker)
    assert job.status == ImportJob.Status.IMPORTED, job.errors
    h1 = Household.objects.get(number="H001")
    assert h1.kind == "registered" and h1.dwelling == existing and h1.area == tree["compound"]
    assert HouseholdMember.objects.get(household=h1).relation == "head"
    h2 = Household.objects.get(number="H002")
    assert (h2.dwelling.building, h2.dwelling.unit, h2.dwelling.room, h2.tenure) == (
        "1",
        "2",
        "202",
        "tenant",
    )
    assert Household.objects.get(number="H003").dwelling is None
    assert Dwelling.objects.count() == 2
    assert AuditEvent.objects.filter(verb="household.imported").count() == 3
    assert AuditEvent.objects.filter(verb="dwelling.imported").count() == 1


def test_household_errors_are_reported_per_row(committee_worker, tree):
    old = Household(number="OLD")
    old.set_area(tree["compound"])
    old.save()
    data = csv_bytes(
        [
            HOUSEHOLD_HEADER,
            ["H001", "", "江中小区", "1", "", "101", "", ""],
            ["H001", "", "江中小区", "1", "", "102", "", ""],  # same number in the file
            ["OLD", "", "江中小区", "", "", "", "", ""],  # already recorded
            ["H004", "", "江中小区", "1", "", "", "", ""],  # building without room
            ["H005", "", "江中小区", "", "", "", "", unique_id(99)],  # unknown head
        ]
    )
    job = run("households", data, "h.csv", committee_worker)
    assert job.status == ImportJob.Status.FAILED
    assert sorted(e["row"] for e in job.errors) == [3, 4, 5, 6]
    assert Household.objects.count() == 1 and Dwelling.objects.count() == 0


def test_dwellings_import(committee_worker, tree):
    data = csv_bytes(
        [
            ["区域", "楼号", "单元", "室", "面积", "用途", "入住"],
            ["江中小区", "3", "1", "301", "89.5", "住宅", "是"],
            ["江中小区", "3", "1", "302", "", "商业", "否"],
        ]
    )
    job = run("dwellings", data, "d.csv", committee_worker)
    assert job.status == ImportJob.Status.IMPORTED, job.errors
    d = Dwelling.objects.get(room="302")
    assert d.use == "commercial" and d.occupied is False
    job = run("dwellings", data, "d.csv", committee_worker)
    assert job.status == ImportJob.Status.FAILED and len(job.errors) == 2


# --- areas ---------------------------------------------------------------------------------------------
AREA_HEADER = ["名称", "类型", "上级代码", "上级名称", "统计代码", "国标代码", "筹建"]


def test_street_admin_imports_a_committee_with_its_compounds_and_grids(street_admin, tree):
    data = csv_bytes(
        [
            AREA_HEADER,
            ["新华居委会", "居委会", "310117003000", "", "310117003005", "", "是"],
            ["新华小区", "小区", "310117003005", "", "", "", ""],
            ["新华二村", "小区", "310117003005", "", "", "", ""],
            ["新华第1网格", "网格", "310117003005", "新华小区", "", "", ""],
            ["江中第2网格", "网格", COMMITTEE, "江中小区", "", "", ""],
        ]
    )
    job = run("areas", data, "areas.csv", street_admin)
    assert job.status == ImportJob.Status.IMPORTED, job.errors
    committee = Area.objects.get(stat_code="310117003005")
    assert committee.parent == tree["fangsong"] and committee.in_preparation
    assert committee.street_id == tree["fangsong"].pk and committee.district_id == tree["songjiang"].pk
    compounds = Area.objects.filter(parent=committee).order_by("path")
    assert [a.name for a in compounds] == ["新华小区", "新华二村"]
    grid = Area.objects.get(name="新华第1网格")
    assert grid.parent == compounds[0] and grid.committee_id == committee.pk
    assert grid.path.startswith(compounds[0].path) and grid.depth == 6
    new_grid = Area.objects.get(name="江中第2网格")
    assert new_grid.path == tree["grid"].path[:-5] + "00002"
    assert len(set(Area.objects.values_list("path", flat=True))) == Area.objects.count()


def test_area_rows_with_bad_parents_codes_or_scope_are_reported(street_admin, tree):
    data = csv_bytes(
        [
            AREA_HEADER,
            ["新小区", "小区", COMMITTEE, "", "", "", ""],
            ["坏居委会", "居委会", "310117004000", "", "310117004009", "", ""],  # another street
            ["错层", "小区", "310117003000", "", "", "", ""],  # a compound under a street
            ["无上级", "网格", "", "", "", "", ""],
            ["重名", "小区", COMMITTEE, "", "", "", ""],
            ["重名", "小区", COMMITTEE, "", "", "", ""],
            ["江中小区", "小区", COMMITTEE, "", "", "", ""],  # already exists
            ["坏类型", "村庄", COMMITTEE, "", "", "", ""],
        ]
    )
    before = Area.objects.count()
    job = run("areas", data, "areas.csv", street_admin)
    assert job.status == ImportJob.Status.FAILED
    assert sorted({e["row"] for e in job.errors}) == [3, 4, 5, 7, 8, 9]
    assert Area.objects.count() == before


# --- reports, templates, CLI ---------------------------------------------------------------------------
def read_xlsx(data, sheet=0):
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(sheet).to_python()


def test_error_report_holds_the_original_rows_and_an_error_column(committee_worker):
    data = csv_bytes([PEOPLE_HEADER, person_row(1), person_row(2, phone="12345")])
    job = run("people", data, "people.csv", committee_worker)
    rows = read_xlsx(imports.error_report(job))
    assert rows[0][1:-1] == PEOPLE_HEADER and rows[0][-1] == imports.ERROR_HEADER
    assert rows[1][-1] in ("", None)
    assert rows[2][1] == "居民2" and "手机" in rows[2][-1]
    listing = read_xlsx(imports.error_report(job), 1)
    assert listing[1][0] == 3


def test_fixed_error_report_can_be_imported_again(committee_worker):
    job = run(
        "people",
        csv_bytes([PEOPLE_HEADER, person_row(1), person_row(2, phone="12345")]),
        "p.csv",
        committee_worker,
    )
    rows = read_xlsx(imports.error_report(job))
    rows[2][5] = "13912345678"
    fixed = xlsx_bytes([[str(c) if c is not None else "" for c in r] for r in rows])
    job = run("people", fixed, "fixed.xlsx", committee_worker)
    assert job.status == ImportJob.Status.IMPORTED, job.errors
    assert Person.objects.count() == 2


@pytest.mark.parametrize("kind", ["people", "households", "dwellings", "areas"])
def test_templates_have_both_headers_and_import_back_as_headers(kind, street_admin):
    rows = read_xlsx(imports.template(kind))
    assert rows[0] == imports.get_importer(kind).headers()
    assert all("/" in h for h in rows[0])
    job = run(kind, imports.template(kind), "t.xlsx", street_admin)
    assert job.errors[0]["message"]  # headers recognized, but no rows
    assert "no rows" in job.errors[0]["message"]


def test_cli_imports_and_dry_runs(tree, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([PEOPLE_HEADER, person_row(1)]))
    call_command("import", "people", str(path), "--dry-run")
    assert "dry run" in capsys.readouterr().out and Person.objects.count() == 0
    call_command("import", "people", str(path))
    assert "1 of 1 rows written" in capsys.readouterr().out and Person.objects.count() == 1


def test_cli_fails_with_the_row_report(tree, tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([PEOPLE_HEADER, person_row(1, phone="1"), person_row(2, area="nowhere")]))
    with pytest.raises(CommandError, match="2 error"):
        call_command("import", "people", str(path))
    err = capsys.readouterr().err
    assert "row 2, 手机/phone" in err and "row 3, 区域/area" in err
    with pytest.raises(CommandError, match="no importer"):
        call_command("import", "nonsense", str(path))


def test_cli_exits_non_zero(tree, tmp_path):
    from gongzhi.cli import main

    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a workbook at all")
    with pytest.raises(SystemExit) as exc:
        main(["import", "people", str(path)])
    assert exc.value.code != 0


# --- pages ---------------------------------------------------------------------------------------------
def test_upload_page_reports_errors_and_offers_the_report(
    client_for, committee_worker, django_capture_on_commit_callbacks
):
    client = client_for(committee_worker)
    page = client.get(reverse("core:imports"))
    assert page.status_code == 200 and b"households" in page.content
    data = csv_bytes([PEOPLE_HEADER, person_row(1, phone="1")])
    # The upload is imported by a task after commit (inline without a broker).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:imports"), {"kind": "people", "file": upload(data, "p.csv")})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:import_detail", args=[job.pk])
    detail = client.get(response.url)
    assert "手机/phone" in detail.content.decode()
    report = client.get(reverse("core:import_errors", args=[job.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxml")
    template = client.get(reverse("core:import_template", args=["people"]))
    assert read_xlsx(template.content)[0][0] == "姓名/name"


def test_upload_page_imports_and_lists_what_was_written(
    client_for, committee_worker, django_capture_on_commit_callbacks
):
    client = client_for(committee_worker)
    data = csv_bytes([PEOPLE_HEADER, person_row(1, name="王五")])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:imports"), {"kind": "people", "file": upload(data, "p.csv")})
    assert "王五" in client.get(response.url).content.decode()
    assert Person.objects.count() == 1


def test_another_users_import_is_not_shown(client_for, committee_worker, street_admin):
    job = run("people", csv_bytes([PEOPLE_HEADER, person_row(1, phone="1")]), "p.csv", committee_worker)
    client = client_for(street_admin)
    assert client.get(reverse("core:import_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("core:import_errors", args=[job.pk])).status_code == 404


def test_residents_cannot_open_the_import_page(client_for, resident):
    assert client_for(resident).get(reverse("core:imports")).status_code == 403
