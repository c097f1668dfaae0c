"""The live preview of a modèle de document: rendered on a real pupil, measured as an SMS."""

from datetime import datetime, time

from django.utils import timezone

from eleves.models import Eleve
from sms.encoding import GSM_7, MULTI_PART_UNITS, UCS_2, analyse, make_gsm_safe

from . import rendering
from .models import EvenementType, Motif

# A modèle may cost each family at most this many SMS (4 parts: about 600 characters of GSM text).
MAX_SMS_PARTS = 4


def too_long_message(parts: int) -> str | None:
    if parts <= MAX_SMS_PARTS:
        return None
    return (
        f"Ce texte ferait {parts} SMS par destinataire : {MAX_SMS_PARTS} SMS au plus. Raccourcissez-le "
        f"(au plus {MAX_SMS_PARTS * MULTI_PART_UNITS[GSM_7]} caractères dans l'alphabet GSM, "
        f"{MAX_SMS_PARTS * MULTI_PART_UNITS[UCS_2]} hors de lui)."
    )


def preview_for(*, etablissement, texte: str) -> dict:
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
    analysis = analyse(rendered)
    return {
        "eleve": f"{eleve.nom} {eleve.prenom}",
        "rendered": rendered,
        "encoding": analysis.encoding,
        "gsm": analysis.encoding == "GSM-7",
        "units": analysis.units,
        "parts": analysis.parts,
        "too_long": too_long_message(analysis.parts),
        "non_gsm_chars": list(analysis.non_gsm_chars),
        "gsm_safe_texte": make_gsm_safe(texte),
        "unknown_variables": rendering.unknown_variables(texte),
    }
