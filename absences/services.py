"""Writes of the absences app: the paramétrages of a new établissement, the évènements, the appel,
and the SMS, courriers and courriels they queue (always through the sms and envois apps' services, in
the same transaction as the event)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from eleves.models import Eleve
from envois.models import EnvoiKind
from envois.services import (
    EnvoiDraft,
    envois_cancel_waiting,
    envois_enqueue,
    envois_requeue_cancelled,
    envois_rerender_waiting,
)
from etablissements.services import audit_record
from sms.selectors import school_year_of
from sms.services import (
    SmsDraft,
    sms_cancel_waiting,
    sms_enqueue,
    sms_requeue_cancelled,
    sms_rerender_waiting,
)

from . import defaults, rendering
from .models import (
    Action,
    Couleur,
    Evenement,
    EvenementAction,
    EvenementType,
    Horaire,
    Justificatif,
    ModeleBilan,
    ModeleDocument,
    Motif,
    Traitement,
    ValeursParDefaut,
)
from .selectors import Destinataire, appel_already_recorded, destinataires_for_eleves, horaires_for

# ----------------------------------------------------------------------------------------------------
# Paramétrages


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


# ----------------------------------------------------------------------------------------------------
# Évènements


@dataclass
class EvenementData:
    """The fields of the entry form (Du, Au, Enseignant, ...)."""

    type: str
    debut: datetime
    fin: datetime
    enseignant: str = ""
    discipline: str = ""
    motif: Motif | None = None
    justificatif: Justificatif | None = None
    etablissement_informe: bool = False
    absence_constatee: bool = False
    classe: bool = False
    motif_legitime: bool = False


@dataclass
class ActionApplied:
    """One action applied by "Valider": for an SMS, courrier or courriel action, who was queued and who
    could not be."""

    action: Action
    queued: list[str] = field(
        default_factory=list
    )  # "REITER Pauline : Légal 1 - Financier (M. REITER Daniel)"
    not_reached: list[str] = field(default_factory=list)  # "... : n'accepte pas les SMS"


@dataclass
class ActionOutcome:
    """What "Valider" did: the event(s), and the action(s) applied (an appel's absences and retards
    may each have theirs)."""

    evenements: list[Evenement] = field(default_factory=list)
    applied: list[ActionApplied] = field(default_factory=list)
    # SMS annulé when the event was justified, waiting again now that it no longer is; and the
    # courriers and courriels so, by kind.
    requeued: int = 0
    requeued_envois: dict[str, int] = field(default_factory=dict)
    # An appel leaves alone the pupils already recorded on the slot: "DUPONT Léa (Absence du ...)".
    already_recorded: list[str] = field(default_factory=list)
    already_done: bool = False

    @property
    def evenement(self) -> Evenement:
        return self.evenements[0]

    @property
    def queued(self) -> list[str]:
        return [who for applied in self.applied for who in applied.queued]

    @property
    def not_reached(self) -> list[str]:
        return [who for applied in self.applied for who in applied.not_reached]


def _datetime_label(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


def _check_school_year(*, valeurs: ValeursParDefaut, debut: datetime, fin: datetime) -> None:
    for moment in (debut, fin):
        day = timezone.localtime(moment).date()
        if not valeurs.annee_debut <= day <= valeurs.annee_fin:
            debut_label, fin_label = (
                rendering.date_label(d) for d in (valeurs.annee_debut, valeurs.annee_fin)
            )
            raise ValidationError(
                f"La date du {rendering.date_label(day)} est en dehors de l'année scolaire "
                f"(du {debut_label} au {fin_label})."
            )


def _check_dates(*, etablissement, eleves: Sequence[Eleve], debut, fin, exclude_pk=None) -> None:
    """Au after Du, inside the school year, and no other event of the same pupil at the same time."""
    if fin <= debut:
        raise ValidationError("La fin (Au) doit être postérieure au début (Du).")
    _check_school_year(valeurs=parametrages_ensure(etablissement=etablissement), debut=debut, fin=fin)
    overlapping = (
        Evenement.objects.filter(eleve__in=eleves, debut__lt=fin, fin__gt=debut)
        .exclude(pk=exclude_pk)
        .select_related("eleve")
        .first()
    )
    if overlapping is not None:
        raise ValidationError(
            f"{overlapping.eleve.nom} {overlapping.eleve.prenom} a déjà un évènement qui chevauche celui-ci "
            f"({rendering.evenement_label(overlapping)}) : rien n'a été enregistré."
        )


def _check_retard(*, etablissement, debut: datetime, fin: datetime) -> None:
    """A retard is an arrival: it starts with a slot (Du) and ends when the pupil arrives, in that slot.
    Arriving later means the slots before were missed: those are an absence."""
    start = timezone.localtime(debut)
    slot = next(
        (h for h in horaires_for(etablissement=etablissement) if h.debut <= start.time() < h.fin),
        None,
    )
    if slot is None:
        raise ValidationError(
            "Un retard commence au début d'un créneau : choisissez l'heure du créneau (Du)."
        )
    _check_arrival(slot=slot, debut=debut, fin=fin)


def _check_arrival(*, slot: Horaire, debut: datetime, fin: datetime, who: str = "") -> None:
    """The arrival of a retard in ``slot``: after its start (Du), at its end at the latest, the same
    day. ``who`` names the pupil when several are recorded at once (the appel)."""
    start, end = timezone.localtime(debut), timezone.localtime(fin)
    if end <= start:
        message = f"L'heure d'arrivée doit être après {start:%H:%M}, le début du créneau."
    elif end.date() != start.date() or end.time() > slot.fin:
        message = (
            f"Un retard tient dans son créneau (de {slot.debut:%H:%M} à {slot.fin:%H:%M}) : pour une "
            f"arrivée après {slot.fin:%H:%M}, saisissez une absence sur les créneaux manqués, puis le retard."
        )
    else:
        return
    raise ValidationError(f"{who} : {message[0].lower()}{message[1:]}" if who else message)


def _check_evenement(*, etablissement, eleves: Sequence[Eleve], data: EvenementData, exclude_pk=None) -> None:
    if data.type == EvenementType.RETARD:
        _check_retard(etablissement=etablissement, debut=data.debut, fin=data.fin)
    _check_dates(
        etablissement=etablissement, eleves=eleves, debut=data.debut, fin=data.fin, exclude_pk=exclude_pk
    )


def _lock_eleves(eleves: Sequence[Eleve]) -> None:
    """Two entries for the same pupil at once: the second waits, then sees the first (no double event)."""
    list(Eleve.objects.select_for_update().filter(pk__in=[e.pk for e in eleves]).values_list("pk"))


# The outbox of each traitement that writes to the families by letter or email.
ENVOI_KINDS = {Traitement.COURRIER: EnvoiKind.COURRIER, Traitement.COURRIEL: EnvoiKind.COURRIEL}


def _modele_text(action: Action, evenement: Evenement) -> str:
    return rendering.render(
        action.modele.texte if action.modele else "", rendering.evenement_values(evenement)
    )


def _envoi_subject(evenement: Evenement) -> str:
    """The "Objet" of a letter or an email:
    "Absence du 15/02/08 08:30 au 15/02/08 18:00 de Pauline REITER"."""
    return f"{rendering.evenement_label(evenement)} de {evenement.eleve.prenom} {evenement.eleve.nom}"


def _key_prefix(action_token: str, evenement: Evenement) -> str:
    """The start of the keys of the SMS (courriers, courriels) one EvenementAction queued: it finds the
    action again."""
    return f"absences:{action_token}:{evenement.pk}:"


def _dedup_key(action_token: str, evenement: Evenement, destinataire: Destinataire) -> str:
    """Unique forever per event action and recipient."""
    return f"{_key_prefix(action_token, evenement)}{destinataire.key}"


def _actions_apply(
    *,
    etablissement,
    user,
    action: Action,
    chosen: Sequence[tuple[Evenement, list[Destinataire]]],
    token: str,
    outcome: ActionOutcome,
    per_eleve: bool = False,
) -> None:
    """Records the action on each event and, for an SMS (courrier, courriel) action, queues one SMS
    (letter, email) per recipient it can reach; those it cannot are named in the outcome, with why.
    The form's token marks the action, with the pupil's id after it when one form (an appel) applies
    actions to several pupils (``per_eleve``)."""
    action_token = {
        evenement.pk: f"{token}:{evenement.eleve_id}" if per_eleve else token for evenement, _ in chosen
    }
    EvenementAction.objects.bulk_create(
        EvenementAction(
            evenement=evenement,
            action=action,
            destinataires=", ".join(d.label for d in destinataires),
            token=action_token[evenement.pk],
            created_by=user,
        )
        for evenement, destinataires in chosen
    )
    applied = ActionApplied(action)
    outcome.applied.append(applied)
    kind = ENVOI_KINDS.get(action.traitement)
    if not (action.sends_sms or kind):
        return
    sms_drafts, envoi_drafts = [], []
    for evenement, destinataires in chosen:
        eleve = evenement.eleve
        snapshot = {
            "event_key": evenement.event_key,
            "eleve": eleve,
            "text": _modele_text(action, evenement),
            "eleve_label": f"{eleve.nom} {eleve.prenom}",
            "division_label": eleve.division.code if eleve.division_id else "",
            "event_label": rendering.evenement_label(evenement),
            "action_label": action.libelle_long,
        }
        for destinataire in destinataires:
            who = f"{eleve.nom} {eleve.prenom} : {destinataire.label} ({destinataire.name})"
            reach = {
                EnvoiKind.COURRIER: destinataire.courrier,
                EnvoiKind.COURRIEL: destinataire.courriel,
            }.get(kind, destinataire.reach)
            if not reach.can_receive:
                applied.not_reached.append(f"{who} : {reach.reason}")
                continue
            applied.queued.append(who)
            recipient = {
                "dedup_key": _dedup_key(action_token[evenement.pk], evenement, destinataire),
                "responsable": destinataire.responsable,
                "recipient_label": destinataire.label,
            }
            if kind:
                envoi_drafts.append(
                    EnvoiDraft(kind=kind, subject=_envoi_subject(evenement), **snapshot, **recipient)
                )
            else:
                sms_drafts.append(
                    SmsDraft(
                        phone=destinataire.responsable.tel_mobile,
                        sender=action.emetteur or etablissement.telephone,
                        service_code=action.code_fournisseur,
                        **snapshot,
                        **recipient,
                    )
                )
    if sms_drafts:
        sms_enqueue(etablissement=etablissement, user=user, drafts=sms_drafts)
    if envoi_drafts:
        envois_enqueue(etablissement=etablissement, user=user, drafts=envoi_drafts)


def _chosen_destinataires(eleve: Eleve, keys: Sequence[str]) -> list[Destinataire]:
    available = destinataires_for_eleves(eleves=[eleve]).get(eleve.pk, [])
    return [d for d in available if d.key in keys]


def evenement_record(
    *,
    etablissement,
    user,
    eleve: Eleve,
    data: EvenementData,
    token: str,
    action: Action | None = None,
    destinataires: Sequence[str] = (),
) -> ActionOutcome:
    """Records an absence or a retard and the action chosen with it ("Valider" of the entry form).

    The same ``token`` twice (a double click, a resent form) records once and queues nothing more.
    """
    existing = Evenement.objects.filter(etablissement=etablissement, token=token).first()
    if existing is not None:
        return ActionOutcome(evenements=[existing], already_done=True)
    outcome = ActionOutcome()
    with transaction.atomic():
        _lock_eleves([eleve])
        _check_evenement(etablissement=etablissement, eleves=[eleve], data=data)
        evenement = Evenement.objects.create(
            etablissement=etablissement, eleve=eleve, token=token, created_by=user, **vars(data)
        )
        outcome.evenements.append(evenement)
        if action is not None:
            _actions_apply(
                etablissement=etablissement,
                user=user,
                action=action,
                chosen=[(evenement, _chosen_destinataires(eleve, destinataires))],
                token=token,
                outcome=outcome,
            )
    return outcome


# The SMS (courriers, courriels) a justification cancelled, found again if the event is no longer justified.
JUSTIFIED = "evenement_justifie"


def evenement_update(
    *,
    etablissement,
    user,
    evenement: Evenement,
    data: EvenementData,
    token: str,
    action: Action | None = None,
    destinataires: Sequence[str] = (),
) -> ActionOutcome:
    """Modifies an event. Its SMS, courriers and courriels still waiting are re-rendered, or cancelled
    if it is now justified (and queued again, as new ones, if it no longer is); one already sent or
    edited never changes. A new action is recorded (once per form token)."""
    outcome = ActionOutcome(evenements=[evenement])
    with transaction.atomic():
        _lock_eleves([evenement.eleve])
        _check_evenement(
            etablissement=etablissement, eleves=[evenement.eleve], data=data, exclude_pk=evenement.pk
        )
        was_justified = evenement.justifie
        for name, value in vars(data).items():
            setattr(evenement, name, value)
        evenement.save()
        if evenement.justifie and not was_justified:
            for cancel_waiting in (sms_cancel_waiting, envois_cancel_waiting):
                cancel_waiting(
                    etablissement=etablissement,
                    event_key=evenement.event_key,
                    reason="Évènement justifié avant l'envoi",
                    kind=JUSTIFIED,
                    user=user,
                )
        else:
            if was_justified and not evenement.justifie:
                requeue = {
                    "etablissement": etablissement,
                    "event_key": evenement.event_key,
                    "kind": JUSTIFIED,
                }
                outcome.requeued = len(sms_requeue_cancelled(**requeue, user=user))
                for envoi in envois_requeue_cancelled(**requeue, user=user):
                    outcome.requeued_envois[envoi.kind] = outcome.requeued_envois.get(envoi.kind, 0) + 1
            _rerender(etablissement=etablissement, evenement=evenement)
        if action is not None and not EvenementAction.objects.filter(token=token).exists():
            _actions_apply(
                etablissement=etablissement,
                user=user,
                action=action,
                chosen=[(evenement, _chosen_destinataires(evenement.eleve, destinataires))],
                token=token,
                outcome=outcome,
            )
    return outcome


def _rerender(*, etablissement, evenement: Evenement) -> int:
    """Each waiting SMS, courrier or courriel is rendered again from the model of the action that
    queued it, found by its key; one sent again by hand (an SMS to a corrected number) keeps the
    action of the same label."""
    by_prefix, by_label = {}, {}
    for event_action in evenement.actions.select_related("action__modele"):
        if event_action.action.sends_sms or event_action.action.traitement in ENVOI_KINDS:
            prefix = _key_prefix(event_action.token, evenement)
            by_prefix[prefix] = by_label[event_action.action.libelle_long] = event_action.action
    if not by_prefix:
        return 0

    def text_for(row) -> str:
        found = [action for prefix, action in by_prefix.items() if row.dedup_key.startswith(prefix)]
        action = found[0] if found else by_label.get(row.action_label)
        return _modele_text(action, evenement) if action else row.text

    rerender = {
        "etablissement": etablissement,
        "event_key": evenement.event_key,
        "event_label": rendering.evenement_label(evenement),
        "text_for": text_for,
    }
    return sms_rerender_waiting(**rerender) + envois_rerender_waiting(
        **rerender, subject=_envoi_subject(evenement)
    )


def evenement_delete(*, etablissement, user, evenement: Evenement) -> int:
    """Deletes an event; its SMS, courriers and courriels still waiting are cancelled (kept, shown
    annulé). Returns how many SMS."""
    with transaction.atomic():
        cancel = {"etablissement": etablissement, "event_key": evenement.event_key, "user": user}
        cancelled = sms_cancel_waiting(**cancel, reason="Évènement supprimé")
        envois_cancelled = envois_cancel_waiting(**cancel, reason="Évènement supprimé")
        audit_record(
            etablissement=etablissement,
            user=user,
            action="absences.evenement_deleted",
            summary=f"{rendering.evenement_label(evenement)} de {evenement.eleve} supprimée",
            details={"evenement": evenement.pk, "sms_annules": cancelled, "envois_annules": envois_cancelled},
        )
        evenement.delete()
    return cancelled


# ----------------------------------------------------------------------------------------------------
# Appel


def _appel_actions_apply(
    *, etablissement, user, actions: Mapping[str, Action | None], token: str, outcome: ActionOutcome
) -> None:
    """Each type of évènement of the appel gets its action (none for AUCUNE), to the responsables
    légaux of each pupil; the recipients of all are found at once."""
    evenements = [e for e in outcome.evenements if actions[e.type] is not None]
    if not evenements:
        return
    recipients = destinataires_for_eleves(eleves=[evenement.eleve for evenement in evenements])
    for type_, action in actions.items():
        chosen = [
            (evenement, [d for d in recipients[evenement.eleve_id] if d.legal])
            for evenement in evenements
            if evenement.type == type_
        ]
        if chosen:
            _actions_apply(
                etablissement=etablissement,
                user=user,
                action=action,
                chosen=chosen,
                token=token,
                outcome=outcome,
                per_eleve=True,
            )


def appel_record(
    *,
    etablissement,
    user,
    eleves: Sequence[Eleve],
    horaire: Horaire,
    day: date,
    token: str,
    action: Action | None = None,
    retard_action: Action | None = None,
    arrivals: Mapping[int, time] | None = None,
) -> ActionOutcome:
    """The roll call: one event per pupil on the slot, ``action`` once for all the absences and
    ``retard_action`` once for all the retards (an SMS action goes to each pupil's responsables
    légaux). A pupil with an arrival time (``arrivals``, by pupil id) is a retard from the slot's start
    to the arrival, inside the slot as in the saisie; the others are absent. A pupil who already has an
    event on the slot (an earlier appel, an entry by hand) is left as recorded and named in the
    outcome; the others are recorded all the same. A constant number of queries."""
    tz = timezone.get_current_timezone()
    debut, fin = datetime.combine(day, horaire.debut, tz), datetime.combine(day, horaire.fin, tz)
    arrivals = {pk: datetime.combine(day, arrival, tz) for pk, arrival in (arrivals or {}).items()}
    for eleve in eleves:
        if eleve.pk in arrivals:
            _check_arrival(
                slot=horaire, debut=debut, fin=arrivals[eleve.pk], who=f"{eleve.nom} {eleve.prenom}"
            )
    if Evenement.objects.filter(etablissement=etablissement, token__startswith=f"{token}:").exists():
        return ActionOutcome(already_done=True)
    outcome = ActionOutcome()
    with transaction.atomic():
        _lock_eleves(eleves)
        recorded = appel_already_recorded(eleves=eleves, day=day, horaire=horaire)
        outcome.already_recorded = [
            f"{eleve.nom} {eleve.prenom} ({rendering.evenement_label(recorded[eleve.pk])})"
            for eleve in eleves
            if eleve.pk in recorded
        ]
        eleves = [eleve for eleve in eleves if eleve.pk not in recorded]
        if not eleves:
            return outcome
        # No overlap is left to look for: those ticked are locked, and those recorded set aside.
        _check_school_year(valeurs=parametrages_ensure(etablissement=etablissement), debut=debut, fin=fin)
        outcome.evenements = Evenement.objects.bulk_create(
            Evenement(
                etablissement=etablissement,
                eleve=eleve,
                type=EvenementType.RETARD if eleve.pk in arrivals else EvenementType.ABSENCE,
                debut=debut,
                fin=arrivals.get(eleve.pk, fin),
                absence_constatee=eleve.pk not in arrivals,
                token=f"{token}:{eleve.pk}",
                created_by=user,
            )
            for eleve in eleves
        )
        _appel_actions_apply(
            etablissement=etablissement,
            user=user,
            actions={EvenementType.ABSENCE: action, EvenementType.RETARD: retard_action},
            token=token,
            outcome=outcome,
        )
        retards = sum(1 for eleve in eleves if eleve.pk in arrivals)
        audit_record(
            etablissement=etablissement,
            user=user,
            action="absences.appel_recorded",
            summary=(
                f"Appel du {day:%d/%m/%Y} {horaire.libelle} : {len(eleves) - retards} absent(s)"
                + (f", {retards} retard(s)" if retards else "")
            ),
            details={
                "horaire": horaire.pk,
                "absents": len(eleves) - retards,
                "retards": retards,
                "sms": len(outcome.queued),
            },
        )
    return outcome
