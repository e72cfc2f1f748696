"""Core URLs."""

from django.urls import path

from . import calendar_views, views, views_pii

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit"),
    path("pii/<str:model>/<int:pk>/<str:field>/reveal/", views_pii.reveal, name="reveal_pii"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar/<int:day_id>/delete/", calendar_views.delete_day, name="calendar_delete"),
    path("calendar/mark-year/", calendar_views.mark_year, name="calendar_mark_year"),
]

from . import import_views  # noqa: E402

urlpatterns += [
    path("imports/", import_views.import_list, name="imports"),
    path("imports/<int:job_id>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/errors.xlsx", import_views.import_errors, name="import_errors"),
    path("imports/template/<slug:kind>.xlsx", import_views.import_template, name="import_template"),
]
