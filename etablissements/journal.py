"""The operations of the audit journal, in French, for the "Journal des opérations" page.

Every ``action`` code given to ``etablissements.services.audit_record`` has its label here
(``tests/foundation/test_journal.py`` fails for a code without one).
"""

# The username recorded when no one is logged in: a Celery worker, a management command.
SYSTEM_USERNAME = "système"

OPERATIONS: dict[str, str] = {
    "absences.appel_recorded": "Appel enregistré",
    "absences.evenement_deleted": "Évènement supprimé",
    "absences.parametrage_ajouté": "Paramétrage ajouté",
    "absences.parametrage_modifié": "Paramétrage modifié",
    "absences.parametrage_retiré": "Paramétrage retiré",
    "absences.parametrage_rétabli": "Paramétrage rétabli",
    "absences.parametrage_supprimé": "Paramétrage supprimé",
    "absences.valeurs_par_defaut_changed": "Valeurs par défaut modifiées",
    "eleves.consent_changed": "Consentement SMS ou Tél. Mobile modifié",
    "eleves.siecle_imported": "Import SIECLE",
    "envois.cancelled": "Courriers ou courriels supprimés",
    "envois.courriels_released": "Courriels envoyés",
    "envois.courriers_edited": "Courriers édités",
    "sms.batch_dispatched": "Lot de SMS transmis au fournisseur",
    "sms.batch_released": "SMS diffusés",
    "sms.cancelled": "SMS supprimés",
    "sms.provider_settings_changed": "Fournisseur de services modifié",
    "sms.resent": "SMS renvoyé",
    "sms.sending_window_changed": "Plage d'envoi des SMS modifiée",
    "sms.test_sent": "SMS de test envoyé",
}


def operation_label(code: str) -> str:
    """The French label of an action code; a code of no known operation is shown as such."""
    return OPERATIONS.get(code) or f"Autre opération ({code})"


def operation_choices() -> list[tuple[str, str]]:
    """The operations for a select, in the order of their labels."""
    return sorted(OPERATIONS.items(), key=lambda item: item[1])
