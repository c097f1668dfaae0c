"""The writes of the letters and emails outbox. Other apps import from here only.

- ``outbox``: queueing from an action, the staff's decisions (Editer, Envoyer, Supprimer), and what
  an event's justification or deletion does to its waiting letters and emails;
- ``sending``: the workers' side of the emails (claim, send once, retry, sweep).
"""

from .outbox import (
    EnvoiDraft,
    EnvoiRecipientUnreachable,
    courriels_release,
    courriers_edit,
    envois_cancel_selected,
    envois_cancel_waiting,
    envois_enqueue,
    envois_requeue_cancelled,
    envois_rerender_waiting,
)
from .sending import SendOutcome, courriels_send, courriels_sweep

__all__ = [
    "EnvoiDraft",
    "EnvoiRecipientUnreachable",
    "SendOutcome",
    "courriels_release",
    "courriels_send",
    "courriels_sweep",
    "courriers_edit",
    "envois_cancel_selected",
    "envois_cancel_waiting",
    "envois_enqueue",
    "envois_requeue_cancelled",
    "envois_rerender_waiting",
]
