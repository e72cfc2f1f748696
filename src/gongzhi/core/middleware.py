"""Request size limits answered early, with a structured error for the API."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        is_api = request.path.startswith("/api/") or request.path.startswith("/open311/")
        limit = settings.GONGZHI_MAX_API_BODY_BYTES if is_api else settings.GONGZHI_MAX_REQUEST_BYTES
        if length < 0 or length > limit:
            message = _("The request body is too large (limit: %(limit)d bytes).") % {"limit": limit}
            if is_api:
                return JsonResponse(
                    {"error": {"code": "too_large", "message": message, "fields": {}}}, status=413
                )
            from django.http import HttpResponse

            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
