"""GeoReport v2 responses in JSON or XML, and the spec's error lists."""

import datetime as dt
import json
from decimal import Decimal
from xml.etree import ElementTree as ET  # noqa: S405 - building XML, never parsing untrusted input

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone

JSON_TYPE = "application/json; charset=utf-8"
XML_TYPE = "text/xml; charset=utf-8"


def w3c(value) -> str | None:
    """A W3C datetime in the project's zone, e.g. 2026-11-26T10:00:00+08:00."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    return str(value)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return w3c(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _xml_value(parent, tag: str, value, item_tags: dict):
    el = ET.SubElement(parent, tag)
    if isinstance(value, dict):
        for key, sub in value.items():
            _xml_value(el, key, sub, item_tags)
    elif isinstance(value, list):
        child_tag = item_tags.get(tag, "item")
        for sub in value:
            _xml_value(el, child_tag, sub, item_tags)
    else:
        el.text = _text(value)
    return el


def to_xml(root_tag: str, body, item_tags: dict) -> bytes:
    """`body` is a list (items under `item_tags[root_tag]`) or a dict (keys as children)."""
    root = ET.Element(root_tag)
    if isinstance(body, list):
        child = item_tags[root_tag]
        for item in body:
            _xml_value(root, child, item, item_tags)
    else:
        for key, value in body.items():
            _xml_value(root, key, value, item_tags)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8")


def respond(fmt: str, body, *, root: str, items: dict | None = None, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(to_xml(root, body, items or {}), content_type=XML_TYPE, status=status)
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False), content_type=JSON_TYPE, status=status
    )


def errors(fmt: str, status: int, *descriptions) -> HttpResponse:
    """The spec's error body: a list of {code, description} (XML: <errors><error>…)."""
    body = [{"code": status, "description": str(d)} for d in descriptions]
    return respond(fmt, body, root="errors", items={"errors": "error"}, status=status)
