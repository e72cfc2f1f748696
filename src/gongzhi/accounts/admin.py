"""Admin for accounts; superusers only — staff work through the pages, which apply the policy."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, Department, RoleAssignment, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Gongzhi", {"fields": ("display_name", "language")}))


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "scope_kind", "scope_label", "granted_at", "revoked_at")
    list_filter = ("role", "scope_kind")
    raw_id_fields = ("user", "area", "granted_by")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "level", "area")
    raw_id_fields = ("area",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "prefix", "created_at", "revoked_at")
    readonly_fields = ("digest",)
