from django.contrib import admin

from .models import Etablissement, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Etablissement)
class EtablissementAdmin(admin.ModelAdmin):
    list_display = ["uai", "nom", "ville", "telephone"]
    search_fields = ["uai", "nom", "ville"]
    inlines = [MembershipInline]
