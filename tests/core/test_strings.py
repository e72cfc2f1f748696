"""The one input string type: NUL and control characters are refused with 422 in the API and in forms."""

import json

import pytest
from django import forms
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from gongzhi.core.strings import MESSAGE, CleanCharField, CleanStr, has_control_chars


def message(language="zh-hans") -> str:
    """The refusal as users of `language` read it (Chinese by default, the site's language)."""
    with translation.override(language):
        return str(MESSAGE)


REFUSED = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800"]
ALLOWED = ["\t", "\n", "\r", " ", "中文", "é", "—", "😀", "\u3000"]


@pytest.mark.parametrize("char", REFUSED)
def test_control_characters_are_detected(char):
    assert has_control_chars(f"a{char}b")


@pytest.mark.parametrize("char", ALLOWED)
def test_tabs_newlines_and_ordinary_text_are_allowed(char):
    assert not has_control_chars(f"a{char}b")


@given(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"])))
def test_text_without_control_characters_passes_unchanged(text):
    class Schema(BaseModel):
        name: CleanStr

    assert Schema(name=text).name == text


class Named(BaseModel):
    name: CleanStr


def test_a_schema_refuses_nul_with_a_clear_message():
    with pytest.raises(ValidationError) as caught:
        Named(name="a\x00b")
    error = caught.value.errors()[0]
    assert error["type"] == "control_characters"
    assert error["msg"] == message(translation.get_language())


# --- the API (runs on SQLite and on PostgreSQL, which would answer 500 for a NUL) -------------------
@pytest.mark.parametrize("name", ["a\u0000b", "bell\u0007", "esc\u001b[31m", "c1\u0085"])
def test_the_api_answers_422_for_control_characters_in_a_body(street_admin, client_for, name):
    response = client_for(street_admin).post(
        "/api/v1/accounts/tokens", json.dumps({"name": name}), content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    assert body["fields"]["name"] == [message()]


def test_the_api_answers_422_for_a_lone_surrogate(street_admin, client_for):
    response = client_for(street_admin).post(
        "/api/v1/accounts/tokens", '{"name": "a\\ud800b"}', content_type="application/json"
    )
    assert response.status_code == 422


def test_the_api_still_accepts_normal_text(street_admin, client_for):
    response = client_for(street_admin).post(
        "/api/v1/accounts/tokens", json.dumps({"name": "手机 app\tv2"}), content_type="application/json"
    )
    assert response.status_code == 201


def test_the_api_answers_422_for_a_nul_in_a_query_parameter(street_admin, client_for):
    response = client_for(street_admin).get("/api/v1/areas/", {"name_prefix": "松\x00"})
    assert response.status_code == 422
    assert "name_prefix" in response.json()["error"]["fields"]


# --- forms ----------------------------------------------------------------------------------------
class NoteForm(forms.Form):
    note = CleanCharField(max_length=50)


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "a\x7fb"])
def test_a_form_field_refuses_control_characters_with_one_message(value):
    form = NoteForm({"note": value})
    assert not form.is_valid()
    assert form.errors["note"] == [message(translation.get_language())]


def test_a_form_field_accepts_multi_line_chinese_text():
    form = NoteForm({"note": "第一行\r\n第二行"})
    assert form.is_valid(), form.errors


def test_an_english_user_reads_the_message_in_english():
    assert message("en") == "Text must not contain NUL or other control characters."


def test_a_page_form_shows_the_message_next_to_the_field(city_admin, client_for):
    response = client_for(city_admin).get("/audit/", {"object_type": "person\x00"})
    assert response.status_code == 200
    assert message() in response.content.decode()
