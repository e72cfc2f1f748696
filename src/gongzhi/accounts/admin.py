"""Admin for accounts. The admin writes rows directly, past actions, scopes and audit, so the policy
allows it to superusers only (policy.can_use_admin); staff work through the pages and the API.
Role assignments and API tokens are read-only here: they change only through their actions."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.core import policy

from . import actions
from .models import ApiToken, Department, RoleAssignment, User


def _admin_site_has_permission(request):
    return policy.can_use_admin(request.user)


# The whole admin site (every app's pages) asks the policy, not Django's is_staff flag and model
# permissions, which know nothing of scopes.
admin.site.has_permission = _admin_site_has_permission


class PolicyAdmin(admin.ModelAdmin):
    def has_module_permission(self, request):
        return policy.can_use_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.can_use_admin(request.user)

    def has_add_permission(self, request):
        return policy.can_use_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return policy.can_use_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return policy.can_use_admin(request.user)


class ReadOnlyPolicyAdmin(PolicyAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(PolicyAdmin, BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Gongzhi", {"fields": ("display_name", "language")}))


@admin.action(description=_("Revoke the selected role assignments"))
def revoke_assignments(modeladmin, request, queryset):
    done = 0
    for assignment in queryset.filter(revoked_at__isnull=True):
        try:
            actions.revoke_role(actor=request.user, assignment=assignment)
        except (PermissionDenied, ValidationError):
            continue
        done += 1
    modeladmin.message_user(request, _("%(n)d role assignments revoked.") % {"n": done}, messages.SUCCESS)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyPolicyAdmin):
    list_display = ("user", "role", "scope_kind", "scope_label", "granted_at", "valid_until", "revoked_at")
    list_filter = ("role", "scope_kind")
    raw_id_fields = ("user", "area", "granted_by")
    actions = [revoke_assignments]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


@admin.register(Department)
class DepartmentAdmin(PolicyAdmin):
    list_display = ("name", "kind", "level", "area")
    raw_id_fields = ("area",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyPolicyAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest",)
