from django.contrib import admin

from sconet.admin import RecordAdmin
from sms.models import OutboundSms, ProviderSettings, ProviderSettingsChange, SmsHistory


@admin.register(ProviderSettings)
class ProviderSettingsAdmin(admin.ModelAdmin):
    """Read-only here: the keys are changed on the Fournisseur de services page (journaled, encrypted)."""

    list_display = ("etablissement", "provider_code", "sending_blocked", "last_failure_at", "updated_at")
    exclude = ("password_encrypted",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProviderSettingsChange)
class ProviderSettingsChangeAdmin(admin.ModelAdmin):
    list_display = ("at", "etablissement", "username", "summary")
    list_filter = ("etablissement",)

    def has_change_permission(self, request, obj=None):
        return False


class SmsHistoryInline(admin.TabularInline):
    model = SmsHistory
    extra = 0
    can_delete = False
    readonly_fields = ("at", "state", "note", "raw")


@admin.register(OutboundSms)
class OutboundSmsAdmin(RecordAdmin):
    list_display = ("pk", "etablissement", "eleve_label", "recipient_label", "state", "state_changed_at")
    list_filter = ("state", "etablissement")
    search_fields = ("reference", "provider_id", "eleve_label")
    inlines = [SmsHistoryInline]
    list_select_related = ("etablissement",)
