"""Admin for core tables: the calendar is edited here by administrators each year."""

from django.contrib import admin

from .models import AuditEvent, CalendarDay, CalendarYear


class SuperuserOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser


@admin.register(AuditEvent)
class AuditEventAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ("created_at", "actor", "verb", "object_type", "object_id")
    list_filter = ("verb",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ("year", "source", "entered_at")


@admin.register(CalendarDay)
class CalendarDayAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
