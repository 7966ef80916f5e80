from django.contrib import admin

from .models import AlertDelivery, SavedView


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "query", "email", "webhook_url", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "query", "email", "webhook_url"]
    readonly_fields = ["feed_token", "created_at", "updated_at"]


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: what was sent where, how many attempts it took, and why one failed."""

    list_display = ["incident_id", "saved_view", "channel", "status", "attempts", "response_code", "created_at",
                    "delivered_at"]  # fmt: skip
    list_filter = ["status", "channel"]
    search_fields = ["saved_view__name", "=incident_id"]
    readonly_fields = [f.name for f in AlertDelivery._meta.fields]

    def has_add_permission(self, request):
        return False
