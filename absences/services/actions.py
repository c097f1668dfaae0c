"""What "Valider" does with the action chosen with one or more évènements: records it, queues the
SMS, courriers or courriels it sends (through the sms and envois apps' services), and renders them
again when the event changes while they wait. Each message's key finds the action that queued it."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from envois.models import EnvoiKind
from envois.services import EnvoiDraft, envois_enqueue, envois_rerender_waiting
from sms.services import SmsDraft, sms_enqueue, sms_rerender_waiting

from .. import rendering
from ..models import Action, Evenement, EvenementAction, Traitement
from ..selectors import Destinataire


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


def actions_apply(
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


def actions_rerender(*, etablissement, evenement: Evenement) -> int:
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
