"""Admin for the notification core; superusers only — staff work through the pages."""

from django.contrib import admin

from .models import Delivery, Notification, NotificationPreference, Webhook


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "kind", "title", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient", "actor")
    show_full_result_count = False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "in_app", "email", "webhook", "digest")
    raw_id_fields = ("user",)


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ("name", "scope_kind", "scope_label", "format", "is_active")
    list_filter = ("format", "scope_kind", "is_active")
    raw_id_fields = ("area", "created_by")
    exclude = ("secret_encrypted",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("id", "channel", "status", "attempts", "response_code", "created_at", "sent_at")
    list_filter = ("channel", "status")
    raw_id_fields = ("notification", "webhook", "recipient")
    show_full_result_count = False
