"""The Fournisseur de services of each établissement: settings, journal, connection test, test SMS."""

from dataclasses import dataclass
from datetime import time

from django.db import transaction
from django.utils import timezone

from eleves.phones import PhoneError, mobile_parse, phone_mask
from etablissements.services import audit_record
from sms.crypto import SecretUnreadable, secret_decrypt, secret_encrypt
from sms.models import ProviderSettings, ProviderSettingsChange, new_reference
from sms.providers import get_provider_class
from sms.providers.base import Credentials, OutgoingMessage, Provider, ProviderError, SendOutcome

FIELD_LABELS = {
    "provider_code": "Nom du fournisseur de service",
    "login": "Clé d'identification",
    "password": "Mot de passe",
    "option1": "Option 1",
    "option2": "Option 2",
    "window": "Plage d'envoi des SMS",
}
NO_PROVIDER_LABEL = "AUCUN"
TEST_SMS_TEXT = "SMS de test envoyé par SCONET Absences ({nom}). Merci de ne pas y répondre."


def provider_label(code: str) -> str:
    if not code:
        return NO_PROVIDER_LABEL
    try:
        return get_provider_class(code).label
    except LookupError:
        return code


def provider_build(provider_settings: ProviderSettings) -> Provider:
    """The adapter of the établissement's provider, with its keys (the password decrypted here only)."""
    provider_class = get_provider_class(provider_settings.provider_code)
    credentials = Credentials(
        login=provider_settings.login,
        password=secret_decrypt(provider_settings.password_encrypted),
        option1=provider_settings.option1,
        option2=provider_settings.option2,
    )
    return provider_class(credentials)


def _history(*, etablissement, user, fields: list[str], summary: str) -> None:
    """A change in the provider page's "Historique des modifications"."""
    ProviderSettingsChange.objects.create(
        etablissement=etablissement,
        user=user if user is not None and user.is_authenticated else None,
        username=user.get_username() if user is not None and user.is_authenticated else "système",
        fields=fields,
        summary=summary,
    )


def _journal(*, etablissement, user, fields: list[str], summary: str) -> None:
    _history(etablissement=etablissement, user=user, fields=fields, summary=summary)
    audit_record(
        etablissement=etablissement,
        user=user,
        action="sms.provider_settings_changed",
        summary=f"Fournisseur de services : {summary}",
        details={"champs": fields},
    )


class ProviderSettingsInvalid(ValueError):
    """The keys typed do not suit the chosen provider: ``errors`` maps a form field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def provider_settings_errors(
    *, current_code: str, password_is_set: bool, provider_code: str, login: str, password: str
) -> dict[str, str]:
    """What the chosen provider still needs, by form field. A blank password keeps the current one
    only while the provider stays the same: one company's secret is never sent to another."""
    if not provider_code:
        return {}
    provider_class = get_provider_class(provider_code)
    required, label = provider_class.required_credentials, provider_class.label
    errors = {}
    if "login" in required and not login.strip():
        errors["login"] = f"Saisissez la clé d'identification fournie par {label}."
    keeps_current = provider_code == current_code and password_is_set
    if "password" in required and not password and not keeps_current:
        errors["password"] = (
            f"Vous changez de fournisseur : saisissez le mot de passe fourni par {label} "
            f"(celui de {provider_label(current_code)} n'est pas repris)."
            if current_code and provider_code != current_code
            else f"Saisissez le mot de passe fourni par {label}."
        )
    return errors


def _password_set(row: ProviderSettings, *, password: str, provider_changed: bool) -> bool:
    """Applies the typed password to the row; whether it changed. A blank one keeps the current
    password, unless the provider changed: then the previous provider's password is dropped."""
    if not password:
        if not provider_changed or not row.password_encrypted:
            return False
        row.password_encrypted = ""
        return True
    try:
        if secret_decrypt(row.password_encrypted) == password:
            return False
    except SecretUnreadable:
        pass
    row.password_encrypted = secret_encrypt(password)
    return True


def _settings_for_update(etablissement) -> ProviderSettings:
    ProviderSettings.objects.get_or_create(etablissement=etablissement)
    return ProviderSettings.objects.select_for_update().get(etablissement=etablissement)


def _dispatch_waiting_after_commit(etablissement) -> None:
    from sms.tasks import sms_dispatch  # the task module calls these services: import it late

    transaction.on_commit(lambda: sms_dispatch.delay(etablissement.pk))


@transaction.atomic
def provider_settings_update(
    *,
    etablissement,
    user,
    provider_code: str,
    login: str,
    password: str,
    option1: str,
    option2: str,
) -> list[str]:
    """ "Valider" of the Modification form. A blank password keeps the current one while the
    provider stays the same; ProviderSettingsInvalid when the chosen provider lacks its keys
    (LookupError for a code that is not in the registry). Journals which fields changed (never
    their secret value). Valider also lifts a suspension caused by a permanent failure (the keys
    were corrected, or the credit topped up): sending resumes at once.
    Returns the labels of the changed fields."""
    row = _settings_for_update(etablissement)
    errors = provider_settings_errors(
        current_code=row.provider_code,
        password_is_set=bool(row.password_encrypted),
        provider_code=provider_code,
        login=login,
        password=password,
    )
    if errors:
        raise ProviderSettingsInvalid(errors)
    before_label = provider_label(row.provider_code)
    provider_changed = row.provider_code != provider_code
    values = {"provider_code": provider_code, "login": login, "option1": option1, "option2": option2}
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if _password_set(row, password=password, provider_changed=provider_changed):
        changed.append("password")
    was_blocked = row.sending_blocked
    if not changed and not was_blocked:
        return []
    row.sending_blocked = False
    row.save()
    labels = [FIELD_LABELS[name] for name in changed]
    parts = []
    if "provider_code" in changed:
        parts.append(f"{FIELD_LABELS['provider_code']} : {before_label} → {provider_label(provider_code)}")
    others = [FIELD_LABELS[name] for name in changed if name != "provider_code"]
    if others:
        parts.append(", ".join(others) + (" modifié" if len(others) == 1 else " modifiés"))
    if was_blocked:
        parts.append("envoi des SMS repris")
    _journal(etablissement=etablissement, user=user, fields=labels, summary=" ; ".join(parts))
    if was_blocked:
        _dispatch_waiting_after_commit(etablissement)
    return labels


@transaction.atomic
def sms_sending_window_set(*, etablissement, user, start: time | None, end: time | None) -> None:
    """The hours outside which SMS wait (Valeurs par défaut); both empty: any time."""
    if (start is None) != (end is None):
        raise ValueError(
            "Indiquez l'heure de début et l'heure de fin de la plage d'envoi, ou aucune des deux."
        )
    if start is not None and start == end:
        raise ValueError("La plage d'envoi des SMS ne peut pas commencer et finir à la même heure.")
    row = _settings_for_update(etablissement)
    before = _window_label(row.window_start, row.window_end)
    if (row.window_start, row.window_end) == (start, end):
        return
    row.window_start, row.window_end = start, end
    row.save(update_fields=["window_start", "window_end", "updated_at"])
    fields, summary = (
        [FIELD_LABELS["window"]],
        f"{FIELD_LABELS['window']} : {before} → {_window_label(start, end)}",
    )
    _history(etablissement=etablissement, user=user, fields=fields, summary=summary)
    audit_record(
        etablissement=etablissement,
        user=user,
        action="sms.sending_window_changed",
        summary=summary,
        details={"champs": fields},
    )


def _window_label(start: time | None, end: time | None) -> str:
    """ "07:30–20:00", or "à toute heure" when SMS may leave at any time."""
    return f"{start:%H:%M}–{end:%H:%M}" if start is not None else "à toute heure"


def provider_block(*, etablissement_id: int, message: str) -> None:
    """A permanent failure (credentials refused, no credit): sending stops for this school until its
    settings change or a connection test succeeds; the reason is shown on the pages."""
    ProviderSettings.objects.filter(etablissement_id=etablissement_id).update(
        sending_blocked=True, last_failure_at=timezone.now(), last_failure_message=message[:300]
    )


@dataclass(frozen=True)
class ProviderAnswer:
    ok: bool
    message: str  # in French, for the personne habilitée


def _configured(etablissement) -> ProviderSettings | None:
    row = ProviderSettings.objects.filter(etablissement=etablissement).first()
    return row if row is not None and row.provider_code else None


def provider_connection_test(*, etablissement, user) -> ProviderAnswer:
    """ "Tester la connexion": asks the provider whether it accepts the keys, where it can."""
    row = _configured(etablissement)
    if row is None:
        return ProviderAnswer(False, "Aucun fournisseur de service n'est paramétré.")
    label = provider_label(row.provider_code)
    try:
        provider = provider_build(row)
        if not provider.capabilities.can_check_credentials:
            return ProviderAnswer(
                False,
                f"{label} ne permet pas de vérifier la clé sans envoyer de SMS : "
                "utilisez « Envoyer un SMS de test ».",
            )
        provider.check_credentials()
    except SecretUnreadable as error:
        return ProviderAnswer(False, str(error))
    except ProviderError as error:
        return ProviderAnswer(False, f"{label} a répondu : {error.message_fr}")
    if row.sending_blocked:
        ProviderSettings.objects.filter(pk=row.pk).update(sending_blocked=False)
        _journal(
            etablissement=etablissement,
            user=user,
            fields=[],
            summary="envoi des SMS repris (connexion réussie)",
        )
        _dispatch_waiting_after_commit(etablissement)
    return ProviderAnswer(
        True, f"Connexion réussie : {label} accepte la clé d'identification et le mot de passe."
    )


def provider_test_sms(*, etablissement, user, phone: str) -> ProviderAnswer:
    """ "Envoyer un SMS de test" to a number typed on the page; reports the provider's answer."""
    row = _configured(etablissement)
    if row is None:
        return ProviderAnswer(False, "Aucun fournisseur de service n'est paramétré.")
    try:
        number = mobile_parse(phone, etranger=phone.strip().startswith(("+", "00")))
    except PhoneError as error:
        return ProviderAnswer(False, error.message)
    if not number:
        return ProviderAnswer(False, "Saisissez le numéro de mobile qui doit recevoir le SMS de test.")
    label = provider_label(row.provider_code)
    message = OutgoingMessage(
        reference=new_reference(), to=number, text=TEST_SMS_TEXT.format(nom=etablissement.nom)
    )
    try:
        (result,) = provider_build(row).send_batch([message])
    except SecretUnreadable as error:
        return ProviderAnswer(False, str(error))
    except ProviderError as error:
        return ProviderAnswer(False, f"{label} a répondu : {error.message_fr}")
    audit_record(
        etablissement=etablissement,
        user=user,
        action="sms.test_sent",
        summary=f"SMS de test envoyé au {phone_mask(number)} par {label} : {result.outcome}",
    )
    if result.outcome == SendOutcome.ACCEPTED:
        return ProviderAnswer(True, f"{label} a accepté le SMS de test (message {result.provider_id}).")
    if result.outcome == SendOutcome.REJECTED:
        return ProviderAnswer(False, f"{label} a refusé le SMS de test : {result.error}")
    return ProviderAnswer(
        False, f"{label} n'a pas confirmé la réception du SMS de test ({result.error or 'sans réponse'})."
    )
