"""Statistiques: for a period, per division and per motif, the absences, their demi-journées and the
retards, and the pupils whose absenteeism is to be reported.

A constant number of queries whatever the size of the school: the events are counted once, by
``counting.count_events`` (which the bilans read too).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Count
from django.utils.formats import date_format

from eleves.models import Division, Eleve

from .counting import Counts, count_events
from .demi_journees import HalfDayHours, working_half_days
from .models import Motif
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
    tally = count_events(etablissement=etablissement, du=du, au=au, division=division)
    working = working_half_days(du, au)
    divisions = _division_lines(
        etablissement=etablissement, du=du, division=division, counts=tally.by_division
    )
    divisions_total = Line(TOTAL, _sum(divisions), sum(line.effectif for line in divisions))
    for line in (*divisions, divisions_total):
        line.taux = _taux(line.counts.demi_journees, line.effectif * working)
    motifs = _motif_lines(counts=tally.by_motif)
    flagged = {key: n for key, n in tally.unjustified_by_month.items() if n >= SIGNALEMENT_THRESHOLD}
    return Statistiques(
        du=du,
        au=au,
        hours=tally.hours,
        working_half_days=working,
        divisions=divisions,
        divisions_total=divisions_total,
        motifs=motifs,
        motifs_total=Line(TOTAL, _sum(motifs)),
        signalements=_signalements(flagged),
    )


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


SIGNALEMENTS_TITLE = "Absentéisme à signaler"
SIGNALEMENTS_HEADERS = ["Nom", "Prénom", "Division", "Mois", "Demi-journées non justifiées"]


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
    if kind != EventKind.RETARDS:  # as the page: the pupils to report, every one, not a page of them
        yield []
        yield [SIGNALEMENTS_TITLE]
        yield SIGNALEMENTS_HEADERS
        for s in stats.signalements:
            yield [s.nom, s.prenom, s.division, date_format(s.month, "F Y"), s.demi_journees]


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return value
