"""Statistiques: for a period, per division and per motif, the absences, their demi-journées and the
retards, and the pupils whose absenteeism is to be reported.

A constant number of queries whatever the size of the school: the events of the period are read in one
query, only the columns needed, and their demi-journées are counted here (see ``demi_journees``). A
demi-journée counts once per pupil however many events cover it; it is justifiée when one of them has a
justificatif, and goes to the motif of the first of them.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import models
from django.db.models import Count
from django.utils import timezone

from eleves.models import Division, Eleve

from .demi_journees import HalfDayHours, half_days_covered, working_half_days
from .models import Evenement, EvenementType, Horaire, HoraireKind, Motif
from .rendering import date_label

# Demi-journées d'absence non justifiées in a calendar month from which the pupil is reported (to the
# DASEN, in France).
SIGNALEMENT_THRESHOLD = 4
SANS_DIVISION = "Sans division"
SANS_MOTIF = "Sans motif (non saisi)"
TOTAL = "Total"


class EventKind(models.TextChoices):
    """The « Type » filter: which figures the tables show."""

    TOUS = "tous", "Absences et retards"
    ABSENCES = "absences", "Absences"
    RETARDS = "retards", "Retards"


def default_period(*, annee_debut: date, annee_fin: date, today: date) -> tuple[date, date]:
    """The school year of the Valeurs par défaut up to today (all of it once over or not yet begun)."""
    return annee_debut, min(today, annee_fin) if today >= annee_debut else annee_fin


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
class Line:
    """A row of a table: a division (with its effectif and taux d'absentéisme) or a motif."""

    label: str
    counts: Counts = field(default_factory=Counts)
    effectif: int = 0
    taux: Decimal | None = None


@dataclass(frozen=True)
class Signalement:
    eleve_id: int
    nom: str
    prenom: str
    division: str
    month: date
    demi_journees: int


@dataclass(frozen=True)
class Statistiques:
    du: date
    au: date
    hours: HalfDayHours
    working_half_days: int
    divisions: list[Line]
    divisions_total: Line
    motifs: list[Line]
    motifs_total: Line
    signalements: list[Signalement]


def statistiques(*, etablissement, du: date, au: date, division: Division | None = None) -> Statistiques:
    """The figures of ``du`` to ``au`` (both included) for the établissement, or one of its divisions."""
    hours = HalfDayHours.from_slots(
        Horaire.objects.filter(etablissement=etablissement, actif=True, kind=HoraireKind.COURS).values_list(
            "debut", "fin"
        )
    )
    by_division, by_motif, covered = _count_events(
        _events_of_period(etablissement=etablissement, du=du, au=au, division=division), du, au, hours
    )
    unjustified: Counter[tuple[int, date]] = Counter()
    for (eleve_id, day, _half), (division_id, motif_id, justified) in covered.items():
        by_division[division_id].demi_journees += 1
        by_division[division_id].justifiees += justified
        by_motif[motif_id].demi_journees += 1
        if not justified:
            unjustified[eleve_id, day.replace(day=1)] += 1
    working = working_half_days(du, au)
    divisions = _division_lines(etablissement=etablissement, du=du, division=division, counts=by_division)
    divisions_total = Line(TOTAL, _sum(divisions), sum(line.effectif for line in divisions))
    for line in (*divisions, divisions_total):
        line.taux = _taux(line.counts.demi_journees, line.effectif * working)
    motifs = _motif_lines(counts=by_motif)
    return Statistiques(
        du=du,
        au=au,
        hours=hours,
        working_half_days=working,
        divisions=divisions,
        divisions_total=divisions_total,
        motifs=motifs,
        motifs_total=Line(TOTAL, _sum(motifs)),
        signalements=_signalements({key: n for key, n in unjustified.items() if n >= SIGNALEMENT_THRESHOLD}),
    )


def _events_of_period(*, etablissement, du: date, au: date, division: Division | None):
    tz = timezone.get_current_timezone()
    start = datetime.combine(du, time.min, tz)
    end = datetime.combine(au + timedelta(days=1), time.min, tz)
    events = Evenement.objects.filter(etablissement=etablissement, debut__lt=end, fin__gt=start)
    if division is not None:
        events = events.filter(eleve__division=division)
    return events.order_by("debut", "pk").values_list(
        "eleve_id", "eleve__division_id", "type", "debut", "fin", "motif_id", "justificatif_id"
    )


def _count_events(rows, du: date, au: date, hours: HalfDayHours):
    """The events and retards per division and per motif, and each demi-journée covered, per pupil:
    its division, its motif (the first event's) and whether an event covering it is justified."""
    by_division: defaultdict[int | None, Counts] = defaultdict(Counts)
    by_motif: defaultdict[int | None, Counts] = defaultdict(Counts)
    covered: dict[tuple[int, date, int], list] = {}
    tz = timezone.get_current_timezone()
    for eleve_id, division_id, kind, debut, fin, motif_id, justificatif_id in rows:
        if kind == EvenementType.RETARD:
            by_division[division_id].retards += 1
            by_motif[motif_id].retards += 1
            continue
        by_division[division_id].absences += 1
        by_motif[motif_id].absences += 1
        justified = justificatif_id is not None
        local_debut = timezone.localtime(debut, tz).replace(tzinfo=None)
        local_fin = timezone.localtime(fin, tz).replace(tzinfo=None)
        for day, half in half_days_covered(local_debut, local_fin, du=du, au=au, hours=hours):
            seen = covered.setdefault((eleve_id, day, half), [division_id, motif_id, justified])
            seen[2] = seen[2] or justified
    return by_division, by_motif, covered


def _division_lines(*, etablissement, du: date, division: Division | None, counts) -> list[Line]:
    """One line per division (the chosen one only), and « Sans division » when pupils have none."""
    eleves = Eleve.objects.filter(etablissement=etablissement).present(on=du)
    divisions = Division.objects.filter(etablissement=etablissement).order_by("code")
    if division is not None:
        eleves, divisions = eleves.filter(division=division), divisions.filter(pk=division.pk)
    effectifs = dict(
        eleves.order_by().values("division_id").annotate(n=Count("pk")).values_list("division_id", "n")
    )
    lines = [
        Line(code, counts.get(pk, Counts()), effectifs.get(pk, 0))
        for pk, code in divisions.values_list("pk", "code")
    ]
    if division is None and (effectifs.get(None) or None in counts):
        lines.append(Line(SANS_DIVISION, counts.get(None, Counts()), effectifs.get(None, 0)))
    return lines


def _motif_lines(*, counts) -> list[Line]:
    """One line per motif of the events (of the établissement's events only), by libellé, then the
    events without a motif."""
    wanted = [pk for pk in counts if pk is not None]
    labels = dict(Motif.objects.filter(pk__in=wanted).values_list("pk", "libelle"))
    lines = sorted((Line(labels[pk], counts[pk]) for pk in wanted), key=lambda line: line.label.lower())
    if None in counts:
        lines.append(Line(SANS_MOTIF, counts[None]))
    return lines


def _signalements(flagged: dict[tuple[int, date], int]) -> list[Signalement]:
    """The pupils reported, month by month, by name."""
    if not flagged:
        return []
    eleves = {
        pk: (nom, prenom, code or "")
        for pk, nom, prenom, code in Eleve.objects.filter(pk__in={pk for pk, _ in flagged}).values_list(
            "pk", "nom", "prenom", "division__code"
        )
    }
    found = [Signalement(pk, *eleves[pk], month, n) for (pk, month), n in flagged.items()]
    return sorted(found, key=lambda s: (s.month, s.nom, s.prenom, s.eleve_id))


def _sum(lines: list[Line]) -> Counts:
    return sum((line.counts for line in lines), Counts())


def _taux(demi_journees: int, possible: int) -> Decimal | None:
    """Demi-journées d'absence per hundred demi-journées ouvrées of the pupils, to two decimals."""
    if not possible:
        return None
    return (Decimal(demi_journees) * 100 / possible).quantize(Decimal("0.01"))


# ----------------------------------------------------------------------------------------------------
# The tables, as the page and the CSV export show them


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Line], object]
    kinds: frozenset[str]


WITH_ABSENCES = frozenset({EventKind.TOUS, EventKind.ABSENCES})
WITH_RETARDS = frozenset({EventKind.TOUS, EventKind.RETARDS})
ABSENCES = Column("Absences", lambda line: line.counts.absences, WITH_ABSENCES)
DEMI_JOURNEES = Column("Demi-journées d'absence", lambda line: line.counts.demi_journees, WITH_ABSENCES)
RETARDS = Column("Retards", lambda line: line.counts.retards, WITH_RETARDS)
DIVISION_COLUMNS = (
    Column("Effectif", lambda line: line.effectif, frozenset(EventKind)),
    ABSENCES,
    DEMI_JOURNEES,
    Column("dont justifiées", lambda line: line.counts.justifiees, WITH_ABSENCES),
    Column("dont non justifiées", lambda line: line.counts.non_justifiees, WITH_ABSENCES),
    RETARDS,
    Column("Taux d'absentéisme (%)", lambda line: line.taux, WITH_ABSENCES),
)
MOTIF_COLUMNS = (ABSENCES, DEMI_JOURNEES, RETARDS)


@dataclass(frozen=True)
class Table:
    title: str
    headers: list[str]
    rows: list[list]
    total: list


def _table(title: str, first: str, columns, lines: list[Line], total: Line, kind: str) -> Table:
    shown = [column for column in columns if kind in column.kinds]

    def cells(line: Line) -> list:
        return [line.label, *(column.value(line) for column in shown)]

    rows = [cells(line) for line in lines]
    return Table(title, [first, *(column.header for column in shown)], rows, cells(total))


def tables(stats: Statistiques, kind: str) -> list[Table]:
    """« Par division » and « Par motif », with the columns of the « Type » chosen; a motif that has
    nothing to show for that type is left out."""
    motifs = [
        line
        for line in stats.motifs
        if any(column.value(line) for column in MOTIF_COLUMNS if kind in column.kinds)
    ]
    return [
        _table("Par division", "Division", DIVISION_COLUMNS, stats.divisions, stats.divisions_total, kind),
        _table("Par motif", "Motif", MOTIF_COLUMNS, motifs, stats.motifs_total, kind),
    ]


def csv_filename(stats: Statistiques) -> str:
    return f"statistiques-absences-{stats.du.isoformat()}-au-{stats.au.isoformat()}.csv"


def csv_rows(stats: Statistiques, kind: str, *, division: Division | None) -> Iterator[list]:
    """The tables one under the other, after the period and the filters, numbers written the French way."""
    yield ["Statistiques des absences", f"du {date_label(stats.du)} au {date_label(stats.au)}"]
    yield ["Division", division.code if division else "Toutes"]
    yield ["Type", EventKind(kind).label]
    yield ["Demi-journées ouvrées", stats.working_half_days]
    for table in tables(stats, kind):
        yield []
        yield [table.title]
        yield table.headers
        for row in (*table.rows, table.total):
            yield [_csv_cell(cell) for cell in row]


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return value
