"""The paramétrages of an établissement: created with the école's defaults on first use, the valeurs
par défaut (school year, SMS sending window), and the modèles and actions added by hand."""

from datetime import date, time

from django.db import IntegrityError, transaction
from django.utils import timezone

from etablissements.services import audit_record
from sms.selectors import school_year_of

from .. import defaults, rendering
from ..models import (
    Action,
    Couleur,
    Horaire,
    Justificatif,
    ModeleBilan,
    ModeleDocument,
    Motif,
    Traitement,
    ValeursParDefaut,
)


def parametrages_ensure(*, etablissement) -> ValeursParDefaut:
    """The établissement's valeurs par défaut; on first use, also its default lists and SMS modèles."""
    valeurs = ValeursParDefaut.objects.filter(etablissement=etablissement).first()
    if valeurs is not None:
        return valeurs
    try:
        with transaction.atomic():
            return _parametrages_create(etablissement=etablissement)
    except IntegrityError:  # another request created them at the same moment
        return ValeursParDefaut.objects.get(etablissement=etablissement)


def _parametrages_create(*, etablissement) -> ValeursParDefaut:
    debut, fin = school_year_of(timezone.localdate())
    valeurs = ValeursParDefaut.objects.create(etablissement=etablissement, annee_debut=debut, annee_fin=fin)
    couleurs = {
        libelle: Couleur.objects.create(etablissement=etablissement, libelle=libelle, code=code)
        for libelle, code in defaults.COULEURS
    }
    Motif.objects.bulk_create(
        Motif(etablissement=etablissement, libelle=libelle, couleur=couleurs[couleur], legitime=legitime)
        for libelle, couleur, legitime in defaults.MOTIFS
    )
    Justificatif.objects.bulk_create(
        Justificatif(etablissement=etablissement, libelle=libelle) for libelle in defaults.JUSTIFICATIFS
    )
    Horaire.objects.bulk_create(
        Horaire(etablissement=etablissement, libelle=libelle, kind=kind, debut=debut, fin=fin)
        for libelle, kind, debut, fin in defaults.HORAIRES
    )
    modeles = {
        modele.nom: modele
        for modele in ModeleDocument.objects.bulk_create(
            ModeleDocument(etablissement=etablissement, nom=nom, texte=texte)
            for nom, texte in defaults.MODELES
        )
    }
    Action.objects.bulk_create(
        Action(
            etablissement=etablissement,
            libelle_court=libelle_court,
            libelle_long=libelle_long,
            delai_alerte_jours=defaults.ACTION_DELAI_ALERTE_JOURS,
            traitement=Traitement.SMS,
            modele=modeles[modele],
        )
        for libelle_court, libelle_long, modele in defaults.ACTIONS
    )
    ModeleBilan.objects.create(etablissement=etablissement, **defaults.MODELE_BILAN)
    return valeurs


def valeurs_par_defaut_update(
    *, etablissement, user, annee_debut: date, annee_fin: date, sms_start: time | None, sms_end: time | None
) -> ValeursParDefaut:
    """The school year (journaled with what changed) and the SMS sending window (journaled by sms)."""
    from sms.services import sms_sending_window_set

    with transaction.atomic():
        valeurs = parametrages_ensure(etablissement=etablissement)
        before = _school_year_label(valeurs.annee_debut, valeurs.annee_fin)
        if (valeurs.annee_debut, valeurs.annee_fin) != (annee_debut, annee_fin):
            valeurs.annee_debut, valeurs.annee_fin = annee_debut, annee_fin
            valeurs.save(update_fields=["annee_debut", "annee_fin"])
            audit_record(
                etablissement=etablissement,
                user=user,
                action="absences.valeurs_par_defaut_changed",
                summary=f"Année scolaire : {before} → {_school_year_label(annee_debut, annee_fin)}",
                details={"annee": [annee_debut.isoformat(), annee_fin.isoformat()]},
            )
        sms_sending_window_set(etablissement=etablissement, user=user, start=sms_start, end=sms_end)
    return valeurs


def _school_year_label(debut: date, fin: date) -> str:
    return f"du {rendering.date_label(debut)} au {rendering.date_label(fin)}"


def modele_create(*, etablissement, nom: str, texte: str) -> ModeleDocument:
    return ModeleDocument.objects.create(etablissement=etablissement, nom=nom, texte=texte)


def action_create(*, etablissement, **values) -> Action:
    return Action.objects.create(etablissement=etablissement, **values)
