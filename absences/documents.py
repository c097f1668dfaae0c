"""Documents: the bilan des absences of pupils over a period, printed from a modèle de bilan, and the
liste des absents du jour.

Both read a constant number of queries whatever the number of pupils and events. The bilan's figures
are those of ``counting.count_events``, the counting of the Statistiques: the two always agree.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from django.utils import timezone

from eleves.models import Division, Eleve

from .counting import Counts, count_events, events_of_period, period_bounds
from .demi_journees import HalfDayHours
from .models import Evenement, Horaire, HoraireKind, ModeleBilan
from .selectors import eleves_search

SANS_DIVISION = "Sans division"
TOUTE_LA_JOURNEE = "Toute la journée"


@dataclass(frozen=True)
class BilanPage:
    """One pupil's page: the figures the modèle shows, as (label, value), and the events if asked."""

    eleve: Eleve
    figures: list[tuple[str, int]]
    evenements: list[Evenement]


@dataclass(frozen=True)
class Bilan:
    modele: ModeleBilan
    du: date
    au: date
    hours: HalfDayHours
    pages: list[BilanPage]


def bilan_eleves(*, etablissement, du: date, division: Division | None, nom: str):
    """The pupils of a bilan: those of the division, or whose name holds every word typed, still in the
    school at the start of the period."""
    return eleves_search(etablissement=etablissement, query=nom, division=division, present_on=du)


def bilan(*, etablissement, modele: ModeleBilan, du: date, au: date, eleves: list[Eleve]) -> Bilan:
    """The bilan of ``eleves`` from ``du`` to ``au`` (both included), with what ``modele`` shows."""
    ids = [eleve.pk for eleve in eleves]
    tally = count_events(etablissement=etablissement, du=du, au=au, eleves=Eleve.objects.filter(pk__in=ids))
    details: defaultdict[int, list[Evenement]] = defaultdict(list)
    if modele.avec_detail:
        events = events_of_period(etablissement=etablissement, du=du, au=au).filter(eleve_id__in=ids)
        for evenement in events.select_related("motif", "justificatif").order_by("debut", "pk"):
            details[evenement.eleve_id].append(evenement)
    pages = []
    for eleve in eleves:
        counts = tally.by_eleve.get(eleve.pk, Counts())
        figures = [(label, getattr(counts, count)) for label, count in modele.figures]
        pages.append(BilanPage(eleve, figures, details[eleve.pk]))
    return Bilan(modele, du, au, tally.hours, pages)


@dataclass(frozen=True)
class Absent:
    """An event of the day: its pupil, and the day's slots it covers (« 08:30, 09:25 »)."""

    evenement: Evenement
    creneaux: str


@dataclass(frozen=True)
class DivisionAbsents:
    division: str
    absents: list[Absent]


def absents_du_jour(*, etablissement, jour: date) -> list[DivisionAbsents]:
    """Every absence and retard of ``jour``, division by division, pupils by name: two queries."""
    start, end = period_bounds(jour, jour)
    slots = list(
        Horaire.objects.filter(etablissement=etablissement, actif=True, kind=HoraireKind.COURS).order_by(
            "debut"
        )
    )
    events = (
        events_of_period(etablissement=etablissement, du=jour, au=jour)
        .select_related("eleve__division", "motif", "justificatif")
        .order_by("eleve__division__code", "eleve__nom", "eleve__prenom", "eleve_id", "debut", "pk")
    )
    absents = [Absent(e, _creneaux(e, slots, jour, start, end)) for e in events]
    by_division = groupby(absents, key=lambda a: _division_code(a.evenement.eleve))
    groups = [DivisionAbsents(code, list(found)) for code, found in by_division]
    # Pupils without a division come last (the database sorts an empty code first or last).
    return sorted(groups, key=lambda group: group.division == SANS_DIVISION)


def _division_code(eleve: Eleve) -> str:
    return eleve.division.code if eleve.division_id else SANS_DIVISION


def _creneaux(evenement: Evenement, slots: list[Horaire], jour: date, start, end) -> str:
    """The lesson slots of ``jour`` the event overlaps (« Toute la journée » for all of them), or its hours
    that day when it overlaps none."""
    tz = timezone.get_current_timezone()
    debut, fin = max(evenement.debut, start), min(evenement.fin, end)
    covered = [
        slot.libelle
        for slot in slots
        if debut < datetime.combine(jour, slot.fin, tz) and fin > datetime.combine(jour, slot.debut, tz)
    ]
    if covered:
        return TOUTE_LA_JOURNEE if len(covered) == len(slots) else ", ".join(covered)
    return f"{timezone.localtime(debut):%H:%M} – {timezone.localtime(fin):%H:%M}"
