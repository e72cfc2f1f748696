"""The HTTP API at /api/v1/: one NinjaAPI, session or token auth, structured errors, app routers.

Every error, whatever raised it, answers `{"error": {"code", "message", "fields"}}`: 400 for a body
that is not JSON or a bad cursor, 401 without valid credentials, 403 when the policy (or the CSRF
check of a session request) refuses, 404, 413 (RequestSizeLimitMiddleware), 422 for validation.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, HttpBearer
from ninja.security.session import SessionAuth

from gongzhi.accounts.actions import user_for_token
from gongzhi.core.openapi_names import use_app_qualified_names
from gongzhi.core.paging import InvalidCursor

logger = logging.getLogger(__name__)
use_app_qualified_names()  # two apps' schemas of one class name must not overwrite each other


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`. A presented but unknown or revoked token is a 401 at once,
    never a silent fall-back to the session."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            raise AuthenticationError
        request.user = user
        return user


class HeaderToken(APIKeyHeader):
    """`X-API-Token: <token>`, for clients that cannot set Authorization."""

    param_name = "X-API-Token"

    def authenticate(self, request, key):
        if not key:
            return None
        user = user_for_token(key)
        if user is None:
            raise AuthenticationError
        request.user = user
        return user


class SessionWithCsrf(SessionAuth):
    """The browser session. The CSRF check runs only for a signed-in session (django-ninja's own
    SessionAuth runs it first, so a token-less anonymous POST would get 403 instead of 401)."""

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        return super().__call__(request)


class GongzhiAPI(NinjaAPI):
    def _get_urls(self):
        # Last of all: a path no router claimed is a structured 404, not Django's HTML page.
        return [*super()._get_urls(), path("<path:rest>", _unknown_path, name="unknown-path")]


@csrf_exempt
def _unknown_path(request, rest):
    return error(request, 404, "not_found", _("Not found."))


api = GongzhiAPI(
    title="Gongzhi API",
    version="1",
    description=(
        "Authenticate with a personal API token (create it in your profile) as "
        "`Authorization: Bearer <token>` or `X-API-Token: <token>`, or with the browser session "
        "(unsafe methods then need the CSRF token in `X-CSRFToken`). Errors are "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    urls_namespace="api",
    auth=[BearerToken(), HeaderToken(), SessionWithCsrf()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def error(request, status: int, code: str, message, fields: dict | None = None):
    return api.create_response(
        request, {"error": {"code": code, "message": str(message), "fields": fields or {}}}, status=status
    )


def _field_path(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload", "cookie", "header")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        fields.setdefault(_field_path(err.get("loc", ())), []).append(str(err.get("msg", "")))
    return error(request, 422, "validation_error", _("The request is not valid."), fields)


@api.exception_handler(ValidationError)
def on_django_validation_error(request, exc):
    if hasattr(exc, "error_dict"):
        fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    else:
        fields = {"__all__": [str(m) for m in exc.messages]}
    first = next(iter(fields.values()))[0] if fields else _("The request is not valid.")
    return error(request, 422, "validation_error", first, fields)


@api.exception_handler(InvalidCursor)
def on_invalid_cursor(request, exc):
    return error(request, 400, "invalid_cursor", _("The page cursor is not valid."), {"cursor": [str(exc)]})


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return error(request, 403, "forbidden", _("You do not have permission to do this."))


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    response = error(request, 401, "unauthorized", _("Sign in or send a valid API token."))
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, "not_found", _("Not found."))


def _http_error_message(exc: HttpError) -> str:
    text = str(exc)
    if exc.status_code == 400 and text.startswith("Cannot parse request body"):
        return _("The request body is not valid JSON.")
    if exc.status_code == 403 and "CSRF" in text:
        return _(
            "The CSRF check failed: send the X-CSRFToken header with session requests, or use an API token."
        )
    if exc.status_code == 429:
        return _("Too many requests; try again later.")
    return text


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    codes = {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        429: "throttled",
    }
    code = codes.get(exc.status_code, "error")
    if exc.status_code == 403 and "CSRF" in str(exc):
        code = "csrf_failed"
    response = error(request, exc.status_code, code, _http_error_message(exc))
    if isinstance(exc, Throttled) and getattr(exc, "wait", None):
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


@api.exception_handler(Exception)
def on_unexpected_error(request, exc):
    # Logged with the traceback (PII filtered by the logging config); the client gets no internals.
    logger.exception("API error on %s %s", request.method, request.path)
    return error(request, 500, "server_error", _("Something went wrong on our side; it has been logged."))


def register_routers():
    from gongzhi.accounts.api import router as accounts_router
    from gongzhi.areas.api import router as areas_router
    from gongzhi.core.api import router as core_router
    from gongzhi.notices.api import router as notices_router
    from gongzhi.people.api import router as people_router

    api.add_router("/accounts/", accounts_router)
    api.add_router("/core/", core_router)
    api.add_router("/areas/", areas_router)
    api.add_router("/notices/", notices_router)
    api.add_router("/people/", people_router)
    api.add_router("/councils/", "gongzhi.councils.api.router")
    api.add_router("/orgs-programs/", "gongzhi.orgs.api_programs.router")
    api.add_router("/councils-outcomes/", "gongzhi.councils.api_outcomes.router")
    api.add_router("/orgs/", "gongzhi.orgs.api.router")
    api.add_router("/volunteers/", "gongzhi.volunteers.api.router")

    api.add_router("/cases/intake/", "gongzhi.cases.api_intake.router")
    api.add_router("/cases/", "gongzhi.cases.api.router")
    api.add_router("/cases-field/", "gongzhi.cases.api_field.router")

    api.add_router("/matching/", "gongzhi.matching.api.router")
    api.add_router("/party/", "gongzhi.party.api.router")
    api.add_router("/evaluation/", "gongzhi.evaluation.api.router")
    api.add_router("/bulletins/", "gongzhi.notices.api_bulletins.router")


register_routers()


def url_patterns():
    """The API's URL patterns nested by their first path segment, for `path("api/v1/", ...)`.

    Django tries patterns in order, and the API's are one flat list of over 400 (one per path and
    operation name): a request for /api/v1/cases/... was matched against some 250 patterns before it
    found its view, about a tenth of a queued intake's time. Routes of different first segments can
    never match the same path, so nesting them under one include per segment changes no match; the
    patterns without a literal first segment (the schema, the root, the catch-all) keep their place.
    """
    from django.urls import URLPattern, include

    patterns, app_name, namespace = api.urls
    groups: dict[str, list] = {}
    order: list = []
    for pattern in patterns:
        segment, slash, rest = str(pattern.pattern).partition("/")
        if not slash or "<" in segment or not isinstance(pattern, URLPattern):
            order.append(pattern)
            continue
        if segment not in groups:
            groups[segment] = []
            order.append(segment)
        groups[segment].append(path(rest, pattern.callback, pattern.default_args, pattern.name))
    nested = [path(f"{item}/", include(groups[item])) if isinstance(item, str) else item for item in order]
    return nested, app_name, namespace
