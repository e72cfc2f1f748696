"""The case list's rows, built in Python (cases/rows.py): escaped, linked, with the state badges."""

from django.utils import translation

from gongzhi.cases import rows


def test_rows_escape_the_title_and_link_each_case_with_its_state_and_flags(report):
    case = report(title="<script>alert(1)</script> 群租", urgent=True)
    case.is_overdue = True
    with translation.override("zh-hans"):
        html = rows.list_rows([case])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; 群租" in html
    assert f'href="/cases/{case.pk}/"' in html
    assert case.number in html and "群租" in html and case.area.name in html
    assert 'text-bg-primary">派单<' in html
    assert 'text-bg-warning">紧急<' in html and 'text-bg-danger">已超期<' in html


def test_an_empty_list_has_no_rows(db):
    assert rows.list_rows([]) == ""
