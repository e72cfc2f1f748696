"""GeoReport v2 views (plain Django views, not the ninja API): see docs/open311.md for the mapping.

Reading is public and shows no personal data: a request's description is its title, its address is
the area (compound, committee …) and coordinates are rounded to three decimals (about 100 m).
Posting needs an API key (`gongzhi open311-key create`) and creates the case through the one
intake action, so routing, deadlines and notices are those of every other case.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.areas.models import Area, subtree_q
from gongzhi.people.models import Dwelling

from .. import geo, machine, queries
from ..actions import intake
from ..actions.intake import category_by_code
from ..models import Case, CaseCategory, IntakeTicket
from . import keys, render

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-26T00:00:00+08:00"
MAX_WINDOW = dt.timedelta(days=90)
MAX_RESULTS = 1000
NEAREST_RADIUS_M = 1000
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "keywords": "keyword",
    "errors": "error",
}
DATATYPES = {
    "string": "string",
    "text": "text",
    "number": "number",
    "int": "number",
    "integer": "number",
    "date": "datetime",
    "datetime": "datetime",
    "choice": "singlevaluelist",
    "select": "singlevaluelist",
    "singlevaluelist": "singlevaluelist",
    "multichoice": "multivaluelist",
    "multivaluelist": "multivaluelist",
}


class Open311Error(Exception):
    def __init__(self, status: int, *descriptions):
        super().__init__(descriptions)
        self.status, self.descriptions = status, descriptions


def _guard(view):
    """Errors as the spec describes them, in the format asked for."""

    def wrapped(request, fmt, *args, **kwargs):
        try:
            return view(request, fmt, *args, **kwargs)
        except Open311Error as exc:
            return render.errors(fmt, exc.status, *exc.descriptions)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def jurisdiction(request) -> Area | None:
    """jurisdiction_id is a street/town (or lower) statistical code or a city/district GB/T 2260 code."""
    code = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "").strip()
    if not code:
        return None
    area = intake.area_by_code(code)
    if area is None:
        raise Open311Error(404, _("jurisdiction_id provided was not found: %(code)s") % {"code": code[:20]})
    return area


# --- discovery and services ------------------------------------------------------------------------
@require_GET
@_guard
def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    body = {
        "changeset": CHANGESET,
        "contact": _("The street/town office running this platform."),
        "key_service": _("API keys are issued by the platform administrators (gongzhi open311-key create)."),
        "endpoints": [
            {
                "specification": SPEC,
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return render.respond(fmt, body, root="discovery", items=ITEMS)


def _services():
    cats = list(
        CaseCategory.objects.filter(is_active=True).select_related("parent").order_by("order", "code")
    )
    parents = {c.parent_id for c in cats if c.parent_id}
    return [c for c in cats if c.pk not in parents]  # leaves of the tree are the services


@require_GET
@_guard
def services(request, fmt):
    jurisdiction(request)
    body = [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": c.description,
            "metadata": bool(c.attributes),
            "type": "realtime",
            "keywords": "",
            "group": c.parent.name if c.parent_id else "",
        }
        for c in _services()
    ]
    return render.respond(fmt, body, root="services", items=ITEMS)


def _attribute(spec: dict, order: int) -> dict:
    values = []
    for v in spec.get("values") or []:
        if isinstance(v, dict):
            values.append(
                {"key": str(v.get("key", "")), "name": str(v.get("name", v.get("label", v.get("key", ""))))}
            )
        else:
            values.append({"key": str(v), "name": str(v)})
    datatype = DATATYPES.get(str(spec.get("type", "string")), "string")
    if values and datatype not in ("singlevaluelist", "multivaluelist"):
        datatype = "singlevaluelist"
    attribute = {
        "variable": True,
        "code": str(spec.get("code", "")),
        "datatype": datatype,
        "required": bool(spec.get("required")),
        "datatype_description": "",
        "order": order,
        "description": str(spec.get("label", spec.get("code", ""))),
    }
    if values:
        attribute["values"] = values
    return attribute


@require_GET
@_guard
def service_definition(request, fmt, code):
    jurisdiction(request)
    category = CaseCategory.objects.filter(code=code, is_active=True).first()
    if category is None:
        raise Open311Error(404, _("service_code provided was not found: %(code)s") % {"code": code[:40]})
    body = {
        "service_code": category.code,
        "attributes": [_attribute(spec, i) for i, spec in enumerate(category.attributes or [], start=1)],
    }
    return render.respond(fmt, body, root="service_definition", items=ITEMS)


# --- requests: reading -------------------------------------------------------------------------------
def status_of(case: Case) -> str:
    return "open" if machine.is_open(case.state) else "closed"


def status_notes(case: Case) -> str:
    """The detailed state (受理, 派单 …, in the platform's language) and, once resolved, the answer."""
    notes = [str(case.get_state_display())]
    if case.is_overdue and machine.is_open(case.state):
        notes.append(_("overdue"))
    if case.merged_into_id:
        notes.append(_("merged into %(number)s") % {"number": case.merged_into.number})
    if case.answer and not machine.is_open(case.state):
        notes.append(case.answer)
    return " · ".join(notes)


def _rounded(value):
    if value is None:
        return None
    return float(Decimal(value).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def _agency(case: Case) -> str:
    lead = next(
        (
            a
            for a in case.assignments.all()
            if a.role == "lead" and a.state in ("pending", "accepted", "done")
        ),
        None,
    )
    if lead is None:
        return ""
    return str(lead.handler_department or lead.handler_area or "")


def request_out(case: Case) -> dict:
    updated = max(
        t
        for t in (
            case.received_at,
            case.dispatched_at,
            case.accepted_at,
            case.resolved_at,
            case.followed_up_at,
            case.closed_at,
        )
        if t
    )
    return {
        "service_request_id": case.number,
        "status": status_of(case),
        "status_notes": status_notes(case),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.title,
        "agency_responsible": _agency(case),
        "service_notice": "",
        "requested_datetime": render.w3c(case.received_at),
        "updated_datetime": render.w3c(updated),
        "expected_datetime": render.w3c(case.due_at),
        "address": case.area.name,
        "address_id": "",
        "zipcode": "",
        "lat": _rounded(case.latitude),
        "long": _rounded(case.longitude),
        "media_url": "",
    }


def _cases():
    return Case.objects.select_related("category", "area", "merged_into").prefetch_related(
        "assignments__handler_department", "assignments__handler_area"
    )


def _moment(raw: str, field: str, *, end=False) -> dt.datetime:
    value = parse_datetime(raw)
    if value is None:
        day = parse_date(raw)
        if day is not None:
            value = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if value is None:
        raise Open311Error(
            400, _("%(field)s is not a W3C datetime such as 2026-01-01T00:00:00Z") % {"field": field}
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _list_requests(request, fmt):
    area = jurisdiction(request)
    qs = _cases()
    if area is not None:
        qs = qs.filter(subtree_q("area_path", area.path))
    ids = [i.strip() for i in (request.GET.get("service_request_id") or "").split(",") if i.strip()]
    if ids:  # overrides every other filter (spec)
        return [
            request_out(c) for c in qs.filter(number__in=ids[:MAX_RESULTS]).order_by("-received_at", "-id")
        ]
    now = timezone.now()
    raw_start, raw_end = (
        (request.GET.get("start_date") or "").strip(),
        (request.GET.get("end_date") or "").strip(),
    )
    end = _moment(raw_end, "end_date", end=True) if raw_end else now
    start = _moment(raw_start, "start_date") if raw_start else end - MAX_WINDOW
    if start > end:
        raise Open311Error(400, _("start_date must be before end_date."))
    if end - start > MAX_WINDOW:
        raise Open311Error(400, _("The date range may not span more than 90 days."))
    qs = qs.filter(received_at__gte=start, received_at__lte=end)
    codes = [c.strip() for c in (request.GET.get("service_code") or "").split(",") if c.strip()]
    if codes:
        qs = qs.filter(category__code__in=codes)
    statuses = {s.strip().lower() for s in (request.GET.get("status") or "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise Open311Error(400, _("status must be open or closed."))
    if statuses == {"open"}:
        qs = qs.filter(state__in=machine.OPEN_STATES)
    elif statuses == {"closed"}:
        qs = qs.exclude(state__in=machine.OPEN_STATES)
    return [request_out(c) for c in qs.order_by("-received_at", "-id")[:MAX_RESULTS]]


@csrf_exempt
@require_http_methods(["GET", "POST"])
@_guard
def requests_view(request, fmt):
    if request.method == "POST":
        return _post_request(request, fmt)
    return render.respond(fmt, _list_requests(request, fmt), root="service_requests", items=ITEMS)


@require_GET
@_guard
def request_detail(request, fmt, request_id):
    area = jurisdiction(request)
    qs = _cases().filter(number=request_id)
    if area is not None:
        qs = qs.filter(subtree_q("area_path", area.path))
    case = qs.first()
    if case is None:
        raise Open311Error(
            404, _("service_request_id provided was not found: %(id)s") % {"id": request_id[:40]}
        )
    return render.respond(fmt, [request_out(case)], root="service_requests", items=ITEMS)


@require_GET
@_guard
def token_view(request, fmt, token):
    case = Case.objects.filter(open311_token=token).only("number", "open311_token").first() if token else None
    if case is not None:
        body = [{"service_request_id": case.number, "token": case.open311_token}]
        return render.respond(fmt, body, root="service_requests", items=ITEMS)
    ticket = queries.ticket_by_token(token)
    if ticket is None:
        raise Open311Error(404, _("token provided was not found."))
    # A queued report not received yet has no service_request_id (GeoReport v2: ask again later).
    body = [{"token": token}]
    if ticket.state == IntakeTicket.State.REJECTED:
        body[0]["service_notice"] = " ".join(m for ms in (ticket.errors or {}).values() for m in ms)
    return render.respond(fmt, body, root="service_requests", items=ITEMS)


# --- requests: posting --------------------------------------------------------------------------------
def _nearest_area(jur: Area, lat: float, lng: float) -> Area | None:
    """The area (grid, compound, committee …) of the nearest case with known coordinates in the jurisdiction."""
    lo_lat, hi_lat, lo_lng, hi_lng = geo.bounding_box(lat, lng, NEAREST_RADIUS_M)
    near = (
        Case.objects.filter(
            subtree_q("area_path", jur.path),
            latitude__gte=lo_lat,
            latitude__lte=hi_lat,
            longitude__gte=lo_lng,
            longitude__lte=hi_lng,
        )
        .select_related("area")
        .only("latitude", "longitude", "area")[:200]
    )
    best = min(near, key=lambda c: geo.haversine_m(lat, lng, c.latitude, c.longitude), default=None)
    if best is None or geo.haversine_m(lat, lng, best.latitude, best.longitude) > NEAREST_RADIUS_M:
        return None
    return best.area


def _attributes(post) -> dict:
    out = {}
    for key in post:
        if key.startswith("attribute[") and key.endswith("]"):
            values = post.getlist(key)
            out[key[10:-1]] = values if len(values) > 1 else values[0]
    return out


def _place(post, jur: Area):
    """(area, dwelling, lat, lng, address) from address_id (a dwelling), lat/long or address_string."""
    address = (post.get("address_string") or "").strip()
    address_id = (post.get("address_id") or "").strip()
    raw_lat, raw_lng = (post.get("lat") or "").strip(), (post.get("long") or "").strip()
    if not (address or address_id or (raw_lat and raw_lng)):
        raise Open311Error(400, _("A location is required: lat and long, address_string or address_id."))
    dwelling = None
    area = None
    lat = lng = None
    if address_id:
        dwelling = (
            Dwelling.objects.select_related("area")
            .filter(pk=int(address_id) if address_id.isdigit() else 0)
            .first()
        )
        if dwelling is None or not dwelling.area_path.startswith(jur.path):
            raise Open311Error(400, _("address_id provided was not found in the jurisdiction."))
        area = dwelling.area
        address = address or str(dwelling)
    if raw_lat or raw_lng:
        try:
            lat, lng = float(raw_lat), float(raw_lng)
        except ValueError:
            raise Open311Error(400, _("lat and long must both be WGS-84 decimal degrees.")) from None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            raise Open311Error(400, _("lat and long are out of range."))
        area = area or _nearest_area(jur, lat, lng)
    return area or jur, dwelling, lat, lng, address


def _post_request(request, fmt):
    post = request.POST
    key = keys.key_for(post.get("api_key") or request.GET.get("api_key"))
    if key is None:
        raise Open311Error(403, _("api_key was not provided or is not valid."))
    asked = jurisdiction(request)
    jur = key.jurisdiction or asked
    if jur is None:
        raise Open311Error(400, _("jurisdiction_id is required."))
    if (
        asked is not None
        and key.jurisdiction is not None
        and not asked.path.startswith(key.jurisdiction.path)
    ):
        raise Open311Error(403, _("This api_key may not post in that jurisdiction."))
    jur = asked or jur
    code = (post.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code is required."))
    category = category_by_code(code)
    if category is None:
        raise Open311Error(400, _("service_code provided was not found: %(code)s") % {"code": code[:40]})
    area, dwelling, lat, lng, address = _place(post, jur)
    description = (post.get("description") or "").strip()
    if not description:
        raise Open311Error(400, _("description is required."))
    name = " ".join(
        p for p in ((post.get("first_name") or "").strip(), (post.get("last_name") or "").strip()) if p
    )
    phone = (post.get("phone") or "").strip()
    return _create(fmt, key, category, area, dwelling, lat, lng, address, description, name, phone, post)


def _create(fmt, key, category, area, dwelling, lat, lng, address, description, name, phone, post):
    from ..actions.intake import receive_case
    from ..actions.intake_queue import accept_report, new_token

    token = new_token()
    report = {
        "category": category,
        "area": area,
        "channel": "open311",
        "title": description.splitlines()[0][:120],
        "description": description,
        "address": address[:200],
        "latitude": lat,
        "longitude": lng,
        "reporter_name": name[:60],
        "reporter_phone": phone,
        "anonymous": not (name or phone),
        "dwelling": dwelling,
        "attributes": _attributes(post),
        "source_type": "open311_key",
        "source_id": key.pk,
    }
    queued = settings.GONGZHI_QUEUED_INTAKE
    try:
        if queued:
            # The case is received by a worker moments later; the client follows the token.
            accept_report(actor=None, token=token, **report)
        else:
            # The token is stored with the case: one INSERT, no follow-up UPDATE.
            case = receive_case(actor=None, open311_token=token, **report)
    except ValidationError as exc:
        messages = (
            [f"{k}: {m}" for k, ms in exc.message_dict.items() for m in ms]
            if hasattr(exc, "error_dict")
            else exc.messages
        )
        return render.errors(fmt, 400, *messages)
    except PermissionDenied:
        return render.errors(fmt, 403, _("This api_key may not post there."))
    if queued:
        notice = _("Your report has been accepted; ask for its request id with the token.")
        body = [{"token": token, "service_notice": notice, "account_id": None}]
    else:
        body = [{"service_request_id": case.number, "token": token, "service_notice": "", "account_id": None}]
    return render.respond(fmt, body, root="service_requests", items=ITEMS, status=201)


def not_found(request, rest=""):
    fmt = "xml" if rest.endswith(".xml") else "json"
    return render.errors(fmt, 404, _("Not found. See discovery.json for the endpoints."))
