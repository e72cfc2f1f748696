"""Translation: the zh_Hans catalog is complete, pages in zh-hans show no English, the switch works."""

import ast
import html
import re
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

from gongzhi.accounts.actions import create_api_token
from gongzhi.areas.actions import save_facts

SOURCE = Path(__file__).resolve().parents[2] / "src/gongzhi"
CATALOG = SOURCE / "locale/zh_Hans/LC_MESSAGES/django.po"
TRANSLATION_CALLS = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}

# Two or more English words of three letters or more in a row are an English sentence left over.
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{3,}(?:[ \t\r\n]+[A-Za-z]{3,})+\b")
# Words that may stand in Chinese text: product and protocol names, HTTP header parts.
ALLOWED_WORDS = {"api", "bearer", "authorization", "token", "gongzhi", "json", "openapi", "english"}
URL = re.compile(r"(?:https?://|/)[\w./?=&%#:-]*")
HIDDEN_BLOCKS = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>", re.S | re.I)
VISIBLE_ATTRIBUTES = re.compile(
    r"""\b(?:aria-label|title|placeholder|alt)\s*=\s*(["'])(.*?)\1""", re.S | re.I
)
TAG = re.compile(r"<[^>]+>")


def visible_text(page: str) -> str:
    """The text a reader sees or hears: element text plus labels read by screen readers."""
    page = HIDDEN_BLOCKS.sub(" ", page)
    labels = " \n".join(m.group(2) for m in VISIBLE_ATTRIBUTES.finditer(page))
    return html.unescape(TAG.sub("\n", page) + "\n" + labels)


def english_left(page: str, allowed=()) -> list[str]:
    text = URL.sub(" ", visible_text(page))
    allowed_words = ALLOWED_WORDS | {w.lower() for w in allowed}
    found = []
    for run in ENGLISH_RUN.findall(text):
        words = [w for w in run.split() if w.lower() not in allowed_words]
        if len(words) >= 2:
            found.append(run)
    return found


def test_catalog_has_no_untranslated_or_fuzzy_entry():
    catalog = polib.pofile(str(CATALOG))
    assert "fuzzy" not in catalog.metadata_is_fuzzy
    untranslated = [e.msgid for e in catalog.untranslated_entries()]
    fuzzy = [e.msgid for e in catalog.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def translation_calls_inside_fstrings(source: str) -> list[int]:
    """Lines where a translation call sits inside an f-string: xgettext does not look into f-strings,
    so such a string never reaches the catalog and shows in English."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for inner in ast.walk(node):
                func = getattr(inner, "func", None)
                if isinstance(inner, ast.Call) and getattr(func, "id", None) in TRANSLATION_CALLS:
                    lines.append(inner.lineno)
    return lines


def test_the_fstring_check_finds_a_call_inside_and_ignores_one_outside():
    assert translation_calls_inside_fstrings("x = f\"{_('Open')}: {url}\"") == [1]
    assert translation_calls_inside_fstrings('label = _("Open")\nx = f"{label}: {url}"') == []


def test_no_translation_call_sits_inside_an_fstring():
    found = [
        f"{path.relative_to(SOURCE)}:{line}"
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.parts
        for line in translation_calls_inside_fstrings(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_catalog_keeps_every_placeholder():
    patterns = (r"%\(\w+\)[sd]", r"\{\{\s*\w+\s*\}\}", r"\{\w*\}")
    for entry in polib.pofile(str(CATALOG)).translated_entries():
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for pattern in patterns:
            expected = sorted(set(re.findall(pattern, entry.msgid)))
            for text in translations:
                assert sorted(set(re.findall(pattern, text))) == expected, entry.msgid


def test_english_detector_finds_a_sentence_and_ignores_names_and_urls():
    assert english_left("<p>Nothing waiting for you.</p>") == ["Nothing waiting for you"]
    assert english_left('<button aria-label="Close menu">×</button>') == ["Close menu"]
    assert english_left("<p>用户 fangsong_admin，见 /api/v1/docs 与 Authorization: Bearer</p>") == []
    assert english_left("<script>var some words here = 1;</script><p>中文</p>") == []


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Overrides the suite-wide English default of tests/conftest.py: these pages show names that
    fixtures store (an audit event keeps its object's name as written), so here fixtures write in
    the site's default language, zh-hans, as a real street office would."""
    yield


@pytest.fixture
def street_admin_pages(client_for, street_admin, tree):
    """A street admin with a token, yearly facts and audit events, so every table has rows."""
    create_api_token(actor=street_admin, name="数据对接")
    save_facts(actor=street_admin, area=tree["fangsong"], year=2025, registered_population=52000)
    return client_for(street_admin)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        reverse("accounts:profile"),
        reverse("accounts:password_change"),
        reverse("accounts:roles"),
        reverse("core:audit"),
        reverse("areas:tree"),
        "area-detail",
        "/no-such-page/",
    ],
)
def test_pages_in_chinese_have_no_english_sentence_left(street_admin_pages, tree, url):
    if url == "area-detail":
        url = reverse("areas:detail", args=[tree["fangsong"].pk])
    response = street_admin_pages.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code in (200, 404)
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert english_left(page, allowed={"fangsong_admin"}) == []


def test_sign_in_page_in_chinese_has_no_english_sentence_left(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "登录" in page
    assert english_left(page) == []


def test_sign_in_errors_in_chinese_have_no_english_sentence_left(client, street_admin):
    response = client.post(reverse("accounts:login"), {"username": "fangsong_admin", "password": "wrong-pw"})
    assert response.status_code == 200
    assert english_left(response.content.decode(), allowed={"fangsong_admin"}) == []


def test_language_switch_turns_pages_english_and_back(street_admin_pages):
    client = street_admin_pages
    profile = reverse("accounts:profile")
    assert "个人资料" in client.get(profile).content.decode()

    response = client.post(reverse("set_language"), {"language": "en", "next": profile})
    assert response.status_code == 302
    assert response["Location"] == profile
    page = client.get(profile).content.decode()
    assert '<html lang="en">' in page
    assert "Profile" in page
    assert "个人资料" not in page

    client.post(reverse("set_language"), {"language": "zh-hans", "next": profile})
    page = client.get(profile).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "个人资料" in page


def test_english_pages_are_english_too(street_admin_pages):
    client = street_admin_pages
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Welcome" in page
    assert "To do" in page


def test_role_names_follow_the_glossary():
    from gongzhi.accounts.roles import Role

    expected = {
        Role.CITY_ADMIN: "市级管理员",
        Role.DISTRICT_ADMIN: "区级管理员",
        Role.STREET_ADMIN: "街镇管理员",
        Role.COMMUNITY_WORKER: "社区工作者",
        Role.COMMITTEE_WORKER: "居委会工作人员",
        Role.GRID_WORKER: "网格员",
        Role.REGISTRY_OFFICER: "社会组织登记管理员",
        Role.PARTY_SECRETARY: "党组织书记",
        Role.PARTY_MEMBER: "党员",
        Role.UNIT_LIAISON: "驻区单位联络员",
        Role.ORG_STAFF: "社会组织工作人员",
        Role.DEPARTMENT_HANDLER: "职能部门处置人员",
        Role.VOLUNTEER: "志愿者",
        Role.RESIDENT: "居民",
    }
    with translation.override("zh-hans"):
        assert {role: str(role.label) for role in Role} == expected
