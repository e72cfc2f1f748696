"""People lists download as CSV and XLSX with ID numbers and phones masked."""

import io

import openpyxl
import pytest

from gongzhi.people import actions

pytestmark = pytest.mark.django_db

ID = "310104199001011233"


@pytest.fixture
def person(tree):
    return actions.create_person(
        actor=None, area=tree["grid"], name="张三", id_number=ID, phone="13812345678", gender="male"
    )


def test_committee_worker_downloads_people_as_csv_masked(client_for, committee_worker, person, tree):
    response = client_for(committee_worker).get(f"/people/?area={tree['committee'].pk}&export=csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "张三" in body
    assert "3101**********1233" in body and "138****5678" in body
    assert ID not in body and "13812345678" not in body


def test_people_xlsx_export_is_masked(client_for, committee_worker, person, tree):
    response = client_for(committee_worker).get(f"/people/?area={tree['committee'].pk}&export=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row]
    assert "张三" in cells and "3101**********1233" in cells
    assert ID not in cells


def test_outsider_cannot_export_people(client_for, resident, person, tree):
    response = client_for(resident).get(f"/people/?area={tree['committee'].pk}&export=csv")
    assert response.status_code == 403
