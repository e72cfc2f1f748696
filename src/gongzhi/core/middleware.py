"""Request size limits answered early (before any body is read), with a structured error for the API."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIXES = ("/api/", "/open311/")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES)


def declared_length(request) -> int | None:
    """The Content-Length header as a number; 0 when absent, None when it is not a valid length."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        return None
    return length if length >= 0 else None


def _refuse(request, status: int, code: str, message: str):
    if is_api_path(request.path):
        return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestSizeLimitMiddleware:
    """413 for a body over the limit (API: GONGZHI_MAX_API_BODY_BYTES; pages and uploads:
    GONGZHI_MAX_REQUEST_BYTES), 400 for a malformed Content-Length."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = declared_length(request)
        if length is None:
            return _refuse(request, 400, "bad_request", _("The Content-Length header is not valid."))
        limit = (
            settings.GONGZHI_MAX_API_BODY_BYTES
            if is_api_path(request.path)
            else settings.GONGZHI_MAX_REQUEST_BYTES
        )
        if length > limit:
            message = _("The request body is too large (limit: %(limit)d bytes).") % {"limit": limit}
            return _refuse(request, 413, "too_large", message)
        return self.get_response(request)
