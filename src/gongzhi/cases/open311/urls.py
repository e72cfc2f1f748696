"""/open311/v2/ routes: every endpoint in .json and .xml."""

from django.urls import path, re_path

from . import views

app_name = "open311"
FMT = "<str:fmt>"

urlpatterns = [
    re_path(r"^discovery\.(?P<fmt>json|xml)$", views.discovery, name="discovery"),
    re_path(r"^services\.(?P<fmt>json|xml)$", views.services, name="services"),
    re_path(r"^services/(?P<code>[\w-]{1,40})\.(?P<fmt>json|xml)$", views.service_definition, name="service"),
    re_path(r"^requests\.(?P<fmt>json|xml)$", views.requests_view, name="requests"),
    re_path(
        r"^requests/(?P<request_id>[\w-]{1,40})\.(?P<fmt>json|xml)$", views.request_detail, name="request"
    ),
    re_path(r"^tokens/(?P<token>[\w-]{1,64})\.(?P<fmt>json|xml)$", views.token_view, name="token"),
    path("<path:rest>", views.not_found, name="not-found"),
]
