"""The reads of the Courriers and Courriels pages, and of the absences app (an event's envois)."""

from django.db.models import QuerySet

from sconet.lists import OUTBOX_SORTS, sorted_by

from .models import WAITING, Envoi, EnvoiKind, EnvoiState

# The tabs of each page: (key, label, url name, state). Each lists one kind in one state, newest
# first but for those waiting (oldest first): one range of the index envoi_list.
COURRIERS_TABS = (
    ("attente", "Courriers en attente", "courriers", EnvoiState.WAITING),
    ("edites", "Courriers édités", "courriers_edites", EnvoiState.DONE),
    ("annules", "Courriers annulés", "courriers_annules", EnvoiState.CANCELLED),
)
COURRIELS_TABS = (
    ("attente", "Courriels en attente", "courriels", EnvoiState.WAITING),
    ("en_cours", "En cours d'envoi", "courriels_en_cours", EnvoiState.SENDING),
    ("envoyes", "Courriels envoyés", "courriels_envoyes", EnvoiState.DONE),
    ("echec", "Courriels en échec", "courriels_echec", EnvoiState.FAILED),
    ("annules", "Courriels annulés", "courriels_annules", EnvoiState.CANCELLED),
)
TABS = {EnvoiKind.COURRIER: COURRIERS_TABS, EnvoiKind.COURRIEL: COURRIELS_TABS}

LIST_FIELDS = (
    "pk",
    "kind",
    "action_label",
    "eleve_label",
    "division_label",
    "event_label",
    "recipient_label",
    "recipient_name",
    "email",
    "state",
    "state_changed_at",
    "in_doubt",
    "claim_token",
    "not_before",
    "error_message",
    "changed_by__username",
    "changed_by__first_name",
    "changed_by__last_name",
)


def envois_list(*, etablissement, kind: str, state: str, sort: str = "") -> QuerySet[Envoi]:
    """One tab: the établissement's letters or emails in ``state``, sorted by ``?tri=``."""
    queryset = (
        Envoi.objects.filter(etablissement=etablissement, kind=kind, state=state)
        .select_related("changed_by")
        .only(*LIST_FIELDS)
    )
    oldest_first = state == EnvoiState.WAITING
    default = ("state_changed_at", "pk") if oldest_first else ("-state_changed_at", "-pk")
    return sorted_by(queryset, sort, OUTBOX_SORTS, default)


def courriers_to_print(*, etablissement, edition: str = "", ids=()) -> QuerySet[Envoi]:
    """The letters of one edition (a click on "Editer"), or the édités chosen to be printed again."""
    letters = Envoi.objects.filter(
        etablissement=etablissement, kind=EnvoiKind.COURRIER, state=EnvoiState.DONE
    )
    letters = letters.filter(batch=edition) if edition else letters.filter(pk__in=list(ids))
    return letters.select_related("changed_by").order_by("eleve_label", "pk")


def envois_for_event(*, etablissement, event_key: str) -> QuerySet[Envoi]:
    """The letters and emails of one event, oldest first (for the Historique des actions)."""
    return Envoi.objects.filter(etablissement=etablissement, event_key=event_key).order_by("created_at", "pk")


def envois_waiting_count_for_event(*, etablissement, event_key: str) -> int:
    """How many of the event's letters and emails still wait (its deletion would annul them)."""
    return Envoi.objects.filter(WAITING, etablissement=etablissement, event_key=event_key).count()
