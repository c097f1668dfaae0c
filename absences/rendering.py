"""Modèles de document: [VARIABLES] a CPE reads and types, filled in from the pupil and the event.

Dates and hours are written by hand (15/02/2008, 08:30), never through a locale, and any non-breaking
space that a value might bring is turned into a plain space: one of them would make an SMS UCS-2 and
double its price.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from .models import EvenementType


@dataclass(frozen=True)
class Variable:
    name: str
    description: str

    @property
    def placeholder(self) -> str:
        return f"[{self.name}]"


# A retard runs from its slot's start to the arrival: [HEURE DEBUT] is the slot, [HEURE ARRIVEE] the
# arrival. An absence has no arrival: the variable is empty (its end is [HEURE FIN]).
ARRIVAL = Variable("HEURE ARRIVEE", "heure d'arrivée d'un retard (08:45) ; vide pour une absence")

VARIABLES: tuple[Variable, ...] = (
    Variable("NOM", "nom de l'élève"),
    Variable("PRENOM", "prénom de l'élève"),
    Variable("DIVISION", "division de l'élève"),
    Variable("TYPE", "absence ou retard"),
    Variable("DATE DEBUT", "date de début (15/02/2008)"),
    Variable("HEURE DEBUT", "heure de début (08:30) ; d'un retard : le début du créneau"),
    Variable("DATE FIN", "date de fin"),
    Variable("HEURE FIN", "heure de fin"),
    ARRIVAL,
    Variable("MOTIF", "motif de l'évènement"),
    Variable("ETABLISSEMENT", "nom de l'établissement"),
    Variable("TELEPHONE ETABLISSEMENT", "téléphone de l'établissement"),
)
KNOWN = {v.name for v in VARIABLES}
PLACEHOLDER = re.compile(r"\[([A-Z][A-Z ]*[A-Z])\]")
NON_BREAKING_SPACES = {"\u00a0": " ", "\u202f": " ", "\u2007": " "}


def unknown_variables(texte: str) -> list[str]:
    return [f"[{name}]" for name in dict.fromkeys(PLACEHOLDER.findall(texte)) if name not in KNOWN]


def _plain(value) -> str:
    text = str(value or "")
    for nbsp, space in NON_BREAKING_SPACES.items():
        text = text.replace(nbsp, space)
    return text


def date_label(day: date) -> str:
    """15/02/2008, the year always on four digits (strftime writes year 1 as "01/01/1")."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _date(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


def _hour(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def values_for(*, etablissement, eleve, type: str, debut, fin, motif) -> dict[str, str]:
    """The [VARIABLES] of one event of ``type`` (an EvenementType)."""
    return {
        "NOM": eleve.nom,
        "PRENOM": eleve.prenom,
        "DIVISION": eleve.division.code if eleve.division_id else "",
        "TYPE": EvenementType(type).label.lower(),
        "DATE DEBUT": _date(debut),
        "HEURE DEBUT": _hour(debut),
        "DATE FIN": _date(fin),
        "HEURE FIN": _hour(fin),
        ARRIVAL.name: _hour(fin) if type == EvenementType.RETARD else "",
        "MOTIF": motif.libelle if motif else "",
        "ETABLISSEMENT": etablissement.nom,
        "TELEPHONE ETABLISSEMENT": etablissement.telephone,
    }


def evenement_values(evenement) -> dict[str, str]:
    return values_for(
        etablissement=evenement.etablissement,
        eleve=evenement.eleve,
        type=evenement.type,
        debut=evenement.debut,
        fin=evenement.fin,
        motif=evenement.motif,
    )


def render(texte: str, values: dict[str, str]) -> str:
    """Fills the known [VARIABLES]; an unknown one is left as typed (the editor points it out).

    What a value brings never holds a non-breaking space; the model's own text is the editor's
    business (it names such characters and offers to replace them)."""
    return PLACEHOLDER.sub(lambda m: _plain(values[m[1]]) if m[1] in values else m[0], texte)


def evenement_label(evenement) -> str:
    """As "SMS à diffuser" shows it: "Absence du 15/02/08 08:30 au 15/02/08 18:00", and a retard by
    its arrival: "Retard du 15/02/08 08:30, arrivée à 08:45"."""
    debut, fin = timezone.localtime(evenement.debut), timezone.localtime(evenement.fin)
    if evenement.type == EvenementType.RETARD and fin.date() == debut.date():
        return f"{evenement.get_type_display()} du {debut:%d/%m/%y %H:%M}, arrivée à {fin:%H:%M}"
    return f"{evenement.get_type_display()} du {debut:%d/%m/%y %H:%M} au {fin:%d/%m/%y %H:%M}"
