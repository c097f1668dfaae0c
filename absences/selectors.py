"""Reads of the absences app: the recipients of a pupil, the week grid, the alert list."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import CharField, Min, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from eleves.models import Eleve, Lien
from eleves.sms_reach import SmsReach, sms_reach
from envois.models import EnvoiKind
from envois.reach import EnvoiReach, envoi_reach
from sms.selectors import sms_first_delivered_subquery

from .models import (
    DELAI_ALERTE_MAX_JOURS,
    EVENT_KEY_PREFIX,
    Action,
    AppelActions,
    Evenement,
    EvenementAction,
    Horaire,
    HoraireKind,
    Traitement,
)
from .rendering import ARRIVAL

ELEVE_KEY = "eleve"
ELEVE_NO_PHONE = "l'élève n'a pas de numéro de mobile dans la Base élèves"


@dataclass(frozen=True)
class Destinataire:
    """A possible recipient of an action: a responsable (by their qualités) or the pupil."""

    key: str  # "lien:12" or "eleve"
    label: str  # "Légal 1 - Financier", "Elève"
    name: str
    responsable: object | None
    reach: SmsReach
    legal: bool = False  # a responsable légal (Légal 1 or 2): those the appel writes to
    # Whether a letter (a postal address) or an email (a courriel) can reach them, and why not.
    courrier: EnvoiReach = envoi_reach(EnvoiKind.COURRIER, None)
    courriel: EnvoiReach = envoi_reach(EnvoiKind.COURRIEL, None)


def _lien_destinataire(lien: Lien) -> Destinataire:
    return Destinataire(
        key=f"lien:{lien.pk}",
        label=lien.qualites_label or lien.get_lien_display(),
        name=f"{lien.responsable.nom} {lien.responsable.prenom}",
        responsable=lien.responsable,
        reach=sms_reach(lien.responsable),
        legal=lien.legal_rank in (1, 2),
        courrier=envoi_reach(EnvoiKind.COURRIER, lien.responsable),
        courriel=envoi_reach(EnvoiKind.COURRIEL, lien.responsable),
    )


def destinataires_for_eleves(*, eleves: list[Eleve]) -> dict[int, list[Destinataire]]:
    """The recipients of each pupil, responsables first (Légal 1, Légal 2, ...), then "Elève"; one query."""
    by_eleve: dict[int, list[Destinataire]] = defaultdict(list)
    for lien in Lien.objects.filter(eleve__in=eleves).select_related("responsable"):
        by_eleve[lien.eleve_id].append(_lien_destinataire(lien))
    for eleve in eleves:
        by_eleve[eleve.pk].append(
            Destinataire(
                ELEVE_KEY, "Elève", f"{eleve.nom} {eleve.prenom}", None, SmsReach(False, ELEVE_NO_PHONE)
            )
        )
    return dict(by_eleve)


def actions_offered(*, etablissement, sms_possible: bool):
    """The actions of the "Action" select: an "Envoi de SMS" one only when a provider is configured."""
    actions = Action.objects.filter(etablissement=etablissement, actif=True).select_related("modele")
    return actions if sms_possible else actions.exclude(traitement=Traitement.SMS)


def action_for_retards(*, actions) -> Action | None:
    """The action the Appel proposes for its retards: the first of those offered whose modèle says when
    the pupil arrived ([HEURE ARRIVEE]), as the default « SMS retard » does."""
    return actions.filter(modele__texte__contains=ARRIVAL.placeholder).first()


def appel_actions_remembered(*, etablissement, user) -> dict | None:
    """The actions (``action``, ``retard_action``; None for AUCUNE) the user chose at their last
    appel in the établissement, or None if they never made one."""
    remembered = AppelActions.objects.filter(etablissement=etablissement, user=user).first()
    if remembered is None:
        return None
    return {"action": remembered.action_id, "retard_action": remembered.retard_action_id}


def horaires_for(*, etablissement) -> list[Horaire]:
    """The active slots, as the grid shows them: the lessons by time, then Demi-pension, then Internat."""
    order = {HoraireKind.COURS: 0, HoraireKind.DEMI_PENSION: 1, HoraireKind.INTERNAT: 2}
    horaires = Horaire.objects.filter(etablissement=etablissement, actif=True)
    return sorted(horaires, key=lambda h: (order[h.kind], h.debut))


@dataclass(frozen=True)
class GridCell:
    evenement: Evenement | None

    @property
    def colour(self) -> str:
        if self.evenement is None:
            return ""
        motif = self.evenement.motif
        return motif.couleur.code if motif and motif.couleur else "#adb5bd"


@dataclass(frozen=True)
class GridRow:
    horaire: Horaire
    cells: list[GridCell]


@dataclass(frozen=True)
class WeekGrid:
    monday: date
    days: list[date]
    rows: list[GridRow]

    @property
    def previous(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next(self) -> date:
        return self.monday + timedelta(days=7)


def week_grid(*, eleve: Eleve, horaires: list[Horaire], day: date) -> WeekGrid:
    """The pupil's week (Lu to Di) by slot; a cell shows the event covering it, in its motif's colour."""
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=i) for i in range(7)]
    tz = timezone.get_current_timezone()
    week_start = datetime.combine(monday, datetime.min.time(), tz)
    evenements = list(
        Evenement.objects.filter(eleve=eleve, debut__lt=week_start + timedelta(days=7), fin__gt=week_start)
        .select_related("motif__couleur")
        .order_by("debut")
    )

    def covering(d: date, horaire: Horaire) -> Evenement | None:
        start, end = datetime.combine(d, horaire.debut, tz), datetime.combine(d, horaire.fin, tz)
        return next((e for e in evenements if e.debut < end and e.fin > start), None)

    rows = [GridRow(h, [GridCell(covering(d, h)) for d in days]) for h in horaires]
    return WeekGrid(monday=monday, days=days, rows=rows)


def evenement_actions(*, evenement: Evenement):
    return evenement.actions.select_related("action", "created_by")


def appel_already_recorded(*, eleves, day: date, horaire: Horaire) -> dict[int, Evenement]:
    """The pupils who already have an event during the slot (recorded by an earlier appel or by
    hand), with that event: one query, whatever the size of the class."""
    tz = timezone.get_current_timezone()
    debut, fin = datetime.combine(day, horaire.debut, tz), datetime.combine(day, horaire.fin, tz)
    overlapping = Evenement.objects.filter(eleve__in=list(eleves), debut__lt=fin, fin__gt=debut).order_by(
        "debut"
    )
    recorded: dict[int, Evenement] = {}
    for evenement in overlapping:
        recorded.setdefault(evenement.eleve_id, evenement)
    return recorded


def eleves_search(*, etablissement, query: str = "", division=None, present_on: date | None = None):
    """The pupils whose nom or prénom hold every word of ``query``, of ``division`` if given: those
    still in the school, or those still there on ``present_on`` (a bilan over a past period)."""
    eleves = Eleve.objects.filter(etablissement=etablissement).select_related("division")
    eleves = eleves.present(on=present_on) if present_on else eleves.filter(date_sortie__isnull=True)
    for word in query.split():
        eleves = eleves.filter(nom__icontains=word) | eleves.filter(prenom__icontains=word)
    if division is not None:
        eleves = eleves.filter(division=division)
    return eleves.order_by("nom", "prenom")


@dataclass(frozen=True)
class Alerte:
    evenement: Evenement
    action: Action
    delivered_at: datetime
    due: datetime


def alerte_delai(delai_alerte_jours: int) -> timedelta:
    """The action's délai as a duration, at most the allowed maximum: a value stored before the
    maximum existed (or typed into a database that did not check it) never overflows a date."""
    return timedelta(days=min(max(delai_alerte_jours, 0), DELAI_ALERTE_MAX_JOURS))


def alertes(*, etablissement, now: datetime) -> list[Alerte]:
    """Events still not justified N days (the action's délai) after their SMS was délivré, oldest first.

    The database keeps only the events whose SMS was délivré at least the shortest délai ago, so that
    the rows read are about the alerts themselves, not the year's events.
    """
    shortest_delai = Action.objects.filter(etablissement=etablissement, traitement=Traitement.SMS).aggregate(
        shortest=Min("delai_alerte_jours")
    )["shortest"]
    if shortest_delai is None:
        return []
    event_key = Concat(Value(EVENT_KEY_PREFIX), Cast(OuterRef("evenement_id"), output_field=CharField()))
    candidates = (
        EvenementAction.objects.filter(
            evenement__etablissement=etablissement,
            evenement__justificatif__isnull=True,
            evenement__classe=False,
            action__traitement=Traitement.SMS,
        )
        .annotate(delivered_at=sms_first_delivered_subquery(etablissement=etablissement, event_key=event_key))
        .filter(delivered_at__lte=now - alerte_delai(shortest_delai))
        .select_related("action", "evenement__eleve__division", "evenement__motif")
        .order_by("evenement__debut")
    )
    found: dict[int, Alerte] = {}
    for ea in candidates:
        due = ea.delivered_at + alerte_delai(ea.action.delai_alerte_jours)
        if due <= now and (ea.evenement_id not in found or due < found[ea.evenement_id].due):
            found[ea.evenement_id] = Alerte(ea.evenement, ea.action, ea.delivered_at, due)
    return sorted(found.values(), key=lambda a: a.due)
