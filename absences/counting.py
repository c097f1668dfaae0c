"""The one counting of absences, demi-journées and retards over a period: the Statistiques and the bilans
both read it, so that they always agree.

One query reads the events of the period, only the columns needed, and their demi-journées are counted
here (see ``demi_journees``). A demi-journée counts once per pupil however many events cover it; it is
justifiée when one of them has a justificatif, and goes to the motif of the first of them.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from eleves.models import Division

from .demi_journees import HalfDayHours, half_days_covered
from .models import Evenement, EvenementType, Horaire, HoraireKind


@dataclass
class Counts:
    absences: int = 0
    demi_journees: int = 0
    justifiees: int = 0
    retards: int = 0

    @property
    def non_justifiees(self) -> int:
        return self.demi_journees - self.justifiees

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(
            self.absences + other.absences,
            self.demi_journees + other.demi_journees,
            self.justifiees + other.justifiees,
            self.retards + other.retards,
        )


@dataclass
class Tally:
    """The counts of a period per pupil, per division and per motif (``None``: without one), and the
    demi-journées non justifiées of each pupil per month (keyed by the month's first day)."""

    hours: HalfDayHours
    by_eleve: defaultdict[int, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_division: defaultdict[int | None, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_motif: defaultdict[int | None, Counts] = field(default_factory=lambda: defaultdict(Counts))
    unjustified_by_month: Counter[tuple[int, date]] = field(default_factory=Counter)


def half_day_hours(*, etablissement) -> HalfDayHours:
    """The morning and the afternoon, from the établissement's active lesson slots."""
    return HalfDayHours.from_slots(
        Horaire.objects.filter(etablissement=etablissement, actif=True, kind=HoraireKind.COURS).values_list(
            "debut", "fin"
        )
    )


def period_bounds(du: date, au: date) -> tuple[datetime, datetime]:
    """From ``du`` at midnight to the midnight after ``au``, local time: the period as instants."""
    tz = timezone.get_current_timezone()
    return datetime.combine(du, time.min, tz), datetime.combine(au + timedelta(days=1), time.min, tz)


def events_of_period(*, etablissement, du: date, au: date) -> QuerySet:
    """The établissement's events sharing some time with the days ``du`` to ``au``."""
    start, end = period_bounds(du, au)
    return Evenement.objects.filter(etablissement=etablissement, debut__lt=end, fin__gt=start)


def count_events(
    *,
    etablissement,
    du: date,
    au: date,
    division: Division | None = None,
    eleves: QuerySet | None = None,
) -> Tally:
    """The counts of ``du`` to ``au`` (both included) for the établissement, one of its divisions, or
    some of its pupils: two queries whatever the number of events."""
    events = events_of_period(etablissement=etablissement, du=du, au=au)
    if division is not None:
        events = events.filter(eleve__division=division)
    if eleves is not None:
        events = events.filter(eleve__in=eleves.values("pk"))
    rows = events.order_by("debut", "pk").values_list(
        "eleve_id", "eleve__division_id", "type", "debut", "fin", "motif_id", "justificatif_id"
    )
    return _tally(rows, du, au, half_day_hours(etablissement=etablissement))


def _tally(rows, du: date, au: date, hours: HalfDayHours) -> Tally:
    tally = Tally(hours)
    # Each demi-journée covered, per pupil: its division, its motif (the first event's) and whether an
    # event covering it is justified.
    covered: dict[tuple[int, date, int], list] = {}
    tz = timezone.get_current_timezone()
    for eleve_id, division_id, kind, debut, fin, motif_id, justificatif_id in rows:
        is_retard = kind == EvenementType.RETARD
        for counts in (tally.by_eleve[eleve_id], tally.by_division[division_id], tally.by_motif[motif_id]):
            if is_retard:
                counts.retards += 1
            else:
                counts.absences += 1
        if is_retard:
            continue
        justified = justificatif_id is not None
        local_debut = timezone.localtime(debut, tz).replace(tzinfo=None)
        local_fin = timezone.localtime(fin, tz).replace(tzinfo=None)
        for day, half in half_days_covered(local_debut, local_fin, du=du, au=au, hours=hours):
            seen = covered.setdefault((eleve_id, day, half), [division_id, motif_id, justified])
            seen[2] = seen[2] or justified
    for (eleve_id, day, _half), (division_id, motif_id, justified) in covered.items():
        for counts in (tally.by_eleve[eleve_id], tally.by_division[division_id]):
            counts.demi_journees += 1
            counts.justifiees += justified
        tally.by_motif[motif_id].demi_journees += 1
        if not justified:
            tally.unjustified_by_month[eleve_id, day.replace(day=1)] += 1
    return tally
