"""The live preview of a modèle de document: rendered on a real pupil, measured as an SMS; and the
limits of a modèle's length (the SMS one binds only the modèles an « Envoi de SMS » action sends)."""

from datetime import datetime, time

from django.utils import timezone

from eleves.models import Eleve
from sms.encoding import GSM_7, MULTI_PART_UNITS, UCS_2, analyse, make_gsm_safe

from . import rendering
from .models import Action, EvenementType, Motif, Traitement

# An « Envoi de SMS » action may cost each family at most this many SMS (4 parts: about 600 characters
# of GSM text). A letter or an email has no such limit, only this one (about two printed pages).
MAX_SMS_PARTS = 4
MAX_TEXTE_CHARS = 5000

SMS_LIMIT = (
    f"{MAX_SMS_PARTS} SMS au plus, soit {MAX_SMS_PARTS * MULTI_PART_UNITS[GSM_7]} caractères dans "
    f"l'alphabet GSM, {MAX_SMS_PARTS * MULTI_PART_UNITS[UCS_2]} hors de lui"
)


def texte_too_long_message(texte: str) -> str | None:
    if len(texte) <= MAX_TEXTE_CHARS:
        return None
    return (
        f"Ce texte fait {len(texte)} caractères : {MAX_TEXTE_CHARS} au plus, même pour un courrier "
        "ou un courriel. Raccourcissez-le."
    )


def sms_note(parts: int) -> str | None:
    """The preview's word on an SMS too long: information, since only an SMS action is bound by it."""
    if parts <= MAX_SMS_PARTS:
        return None
    return (
        f"Ce texte ferait {parts} SMS par destinataire : trop long pour une action « Envoi de SMS » "
        f"({SMS_LIMIT}). Un courrier ou un courriel peut être plus long."
    )


def sms_actions_of(modele) -> list[str]:
    """The « Envoi de SMS » actions (retired ones included: they can be put back) sending this modèle."""
    if modele.pk is None:
        return []
    return list(
        Action.objects.filter(etablissement=modele.etablissement, modele=modele, traitement=Traitement.SMS)
        .order_by("libelle_court")
        .values_list("libelle_court", flat=True)
    )


def modele_sms_refusal(*, modele, texte: str) -> str | None:
    """Why this text cannot be the modèle's: an « Envoi de SMS » action sends it and it is too long."""
    actions = sms_actions_of(modele)
    if not actions or (parts := sms_parts(etablissement=modele.etablissement, texte=texte)) <= MAX_SMS_PARTS:
        return None
    names = ", ".join(f"« {name} »" for name in actions)
    if len(actions) == 1:
        who, which = f"l'action {names} l'envoie", "cette action"
    else:
        who, which = f"les actions {names} l'envoient", "ces actions"
    return (
        f"Ce texte ferait {parts} SMS par destinataire, or {who} par SMS : {SMS_LIMIT}. Raccourcissez-le, "
        f"ou changez d'abord le modèle ou le traitement de {which}."
    )


def action_sms_refusal(*, modele) -> str | None:
    """Why an « Envoi de SMS » action cannot send this modèle: it is too long for an SMS."""
    if (parts := sms_parts(etablissement=modele.etablissement, texte=modele.texte)) <= MAX_SMS_PARTS:
        return None
    return (
        f"Le modèle « {modele.nom} » ferait {parts} SMS par destinataire : une action « Envoi de SMS » "
        f"en envoie {SMS_LIMIT}. Choisissez un modèle plus court, ou raccourcissez d'abord celui-ci."
    )


def sms_parts(*, etablissement, texte: str) -> int:
    return analyse(_sample(etablissement=etablissement, texte=texte)[1]).parts


def _sample(*, etablissement, texte: str) -> tuple[Eleve, str]:
    """The text rendered on the school's first pupil (or a made-up one), today."""
    eleve = (
        Eleve.objects.filter(etablissement=etablissement, division__isnull=False)
        .select_related("division")
        .order_by("nom", "prenom")
        .first()
    ) or Eleve(etablissement=etablissement, nom="DUPONT", prenom="Léa")
    motif = Motif.objects.filter(etablissement=etablissement, actif=True).first()
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    # A modèle that names the arrival is a retard's: shown on a retard (08:30, arrivée à 08:45).
    retard = rendering.ARRIVAL.placeholder in texte
    rendered = rendering.render(
        texte,
        rendering.values_for(
            etablissement=etablissement,
            eleve=eleve,
            type=EvenementType.RETARD if retard else EvenementType.ABSENCE,
            debut=datetime.combine(today, time(8, 30), tz),
            fin=datetime.combine(today, time(8, 45) if retard else time(18, 0), tz),
            motif=motif,
        ),
    )
    return eleve, rendered


def preview_for(*, etablissement, texte: str) -> dict:
    eleve, rendered = _sample(etablissement=etablissement, texte=texte)
    analysis = analyse(rendered)
    return {
        "eleve": f"{eleve.nom} {eleve.prenom}",
        "rendered": rendered,
        "encoding": analysis.encoding,
        "gsm": analysis.encoding == "GSM-7",
        "units": analysis.units,
        "parts": analysis.parts,
        "sms_too_long": sms_note(analysis.parts),
        "too_long": texte_too_long_message(texte),
        "non_gsm_chars": list(analysis.non_gsm_chars),
        "gsm_safe_texte": make_gsm_safe(texte),
        "unknown_variables": rendering.unknown_variables(texte),
    }
