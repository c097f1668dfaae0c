"""The absences app's writes. Callers import from here only (``from absences.services import
evenement_record``).

- ``parametrages``: the paramétrages of a new établissement, the valeurs par défaut, modèles and actions;
- ``evenements``: the saisie (record, update, delete an évènement) and the checks of its dates;
- ``appel``: the roll call, one évènement per pupil ticked on a slot;
- ``actions``: the action chosen with the évènements, and the SMS, courriers and courriels it queues
  (always through the sms and envois apps' services, in the same transaction as the event).
"""

from .actions import ActionApplied, ActionOutcome
from .appel import appel_actions_remember, appel_record
from .evenements import EvenementData, evenement_delete, evenement_record, evenement_update
from .parametrages import action_create, modele_create, parametrages_ensure, valeurs_par_defaut_update

__all__ = [
    "ActionApplied",
    "ActionOutcome",
    "EvenementData",
    "action_create",
    "appel_actions_remember",
    "appel_record",
    "evenement_delete",
    "evenement_record",
    "evenement_update",
    "modele_create",
    "parametrages_ensure",
    "valeurs_par_defaut_update",
]
