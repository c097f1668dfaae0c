from django.contrib import admin

from .models import AuditEntry, Etablissement, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Etablissement)
class EtablissementAdmin(admin.ModelAdmin):
    list_display = ["uai", "nom", "ville", "telephone"]
    search_fields = ["uai", "nom", "ville"]
    inlines = [MembershipInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "etablissement", "username", "action", "summary"]
    list_filter = ["action", "etablissement"]
    search_fields = ["username", "summary"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
