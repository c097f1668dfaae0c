from etablissements.models import AuditEntry
from etablissements.services import audit_record


def test_audit_record_keeps_who_did_what_where(etablissement, habilitee_user):
    audit_record(
        etablissement=etablissement,
        user=habilitee_user,
        action="sms.provider_settings_changed",
        summary="Paramètres du fournisseur modifiés",
        details={"fields": ["cle"]},
    )

    entry = AuditEntry.objects.get()
    assert (entry.etablissement, entry.user, entry.username) == (etablissement, habilitee_user, "habilitee")
    assert entry.details == {"fields": ["cle"]}


def test_audit_record_by_the_system_has_no_user(etablissement):
    entry = audit_record(etablissement=etablissement, user=None, action="sms.sweep", summary="Reprise")

    assert entry.user is None
    assert entry.username == "système"
