from django.contrib import admin

from envois.models import Envoi
from sconet.admin import RecordAdmin


@admin.register(Envoi)
class EnvoiAdmin(RecordAdmin):
    list_display = (
        "pk",
        "etablissement",
        "kind",
        "eleve_label",
        "recipient_label",
        "state",
        "state_changed_at",
    )
    list_filter = ("kind", "state", "etablissement")
    search_fields = ("eleve_label", "recipient_name", "email")
    list_select_related = ("etablissement",)
