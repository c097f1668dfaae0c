"""Helpers for the courriers and courriels tests: a pupil of 5B whose Légal 1 has a postal address and
a courriel and whose Légal 2 has neither; letters and emails queued through the real service."""

import itertools

import pytest
from django.utils import timezone

from absences.models import Action
from envois.models import Envoi, EnvoiKind, EnvoiState
from envois.services import EnvoiDraft, envois_enqueue
from sconet.demo import demo_courrier_actions_create
from tests import factories
from tests.absences.conftest import eleve, legal2, maladie, parametrages  # noqa: F401 (fixtures)
from tests.sms.conftest import page_text  # noqa: F401 (for the tests)

# The demo's letter, rendered for REITER Pauline of 5B.
RENDERED = "votre enfant Pauline REITER (5B) a été noté(e) en absence du "
_sequence = itertools.count(1)


@pytest.fixture
def legal1(eleve):  # noqa: F811
    return factories.LienFactory(
        eleve=eleve,
        responsable__nom="REITER",
        responsable__adresse="9, rue Notre-Dame\nBâtiment B",
        responsable__code_postal="69003",
        responsable__commune="Lyon",
        responsable__pays="FRANCE",
        responsable__courriel="daniel.reiter@example.org",
    )


@pytest.fixture
def demo_actions(etablissement, parametrages) -> list[Action]:  # noqa: F811
    """The demo's "Courrier" and "Courriel" actions, with its letter model."""
    return demo_courrier_actions_create(etablissement)


@pytest.fixture
def courrier_action(demo_actions) -> Action:
    return demo_actions[0]


@pytest.fixture
def courriel_action(demo_actions) -> Action:
    return demo_actions[1]


def draft_for(lien, kind: str, **fields) -> EnvoiDraft:
    n = next(_sequence)
    eleve = lien.eleve  # noqa: F811
    return EnvoiDraft(
        **{
            "kind": kind,
            "dedup_key": f"test:{n}",
            "event_key": f"absences.evenement:{n}",
            "eleve": eleve,
            "responsable": lien.responsable,
            "recipient_label": lien.qualites_label,
            "subject": f"Absence du 15/02/08 08:30 au 15/02/08 18:00 de {eleve.prenom} {eleve.nom}",
            "text": f"Votre enfant {eleve.prenom} était absent.",
            "eleve_label": f"{eleve.nom} {eleve.prenom}",
            "division_label": eleve.division.code if eleve.division_id else "",
            "event_label": "Absence du 15/02/08 08:30 au 15/02/08 18:00",
            "action_label": f"{kind.capitalize()} aux responsables",
            **fields,
        }
    )


def queue_envois(etablissement, kind: str = EnvoiKind.COURRIER, count: int = 1, *, user=None) -> list[Envoi]:
    """``count`` letters (or emails), each to its own pupil's Légal 1, through envois_enqueue."""
    liens = [
        factories.LienFactory(
            eleve__etablissement=etablissement,
            responsable__adresse="1 place Bellecour",
            responsable__code_postal="69002",
            responsable__commune="Lyon",
            responsable__courriel=f"parent{next(_sequence)}@example.org",
        )
        for _ in range(count)
    ]
    return envois_enqueue(
        etablissement=etablissement, user=user, drafts=[draft_for(lien, kind) for lien in liens]
    )


def bulk_envois(etablissement, count: int, *, kind=EnvoiKind.COURRIER, state=EnvoiState.WAITING, **fields):
    """Many rows at once, for the query-count tests (pages must not depend on the number of rows)."""
    now = timezone.now()
    Envoi.objects.bulk_create(
        Envoi(
            etablissement=etablissement,
            kind=kind,
            dedup_key=f"bulk:{kind}:{state}:{i}:{now.timestamp()}",
            event_key=f"bulk:{i}",
            action_label=f"{kind.capitalize()} aux responsables",
            eleve_label=f"ELEVE{i:05d} Pauline",
            division_label=f"5{'ABCD'[i % 4]}",
            event_label="Absence du 15/02/08",
            recipient_label="Légal 1 - Financier",
            recipient_name=f"Monsieur PARENT{i:05d} Daniel",
            address_lines="1 place Bellecour\n69002 LYON",
            email=f"parent{i}@example.org" if kind == EnvoiKind.COURRIEL else "",
            subject="Absence",
            text="Votre enfant était absent.",
            state=state,
            state_changed_at=now,
            **fields,
        )
        for i in range(count)
    )
