"""The permission matrix: for every URL and each role, the expected answer.

Anonymous visitors go to the login page (302); the vie scolaire is refused the Paramétrages, the
Fournisseur de services and the imports (403); the personne habilitée and a superuser (who picked the
school) are let in. A URL with an object id is asked for an object that does not exist (404 for whoever
may use the page); a URL that only takes POST is posted to. A new URL fails this test until its line is
added here: decide who may use it.
"""

import pytest
from django.test import Client

from etablissements.middleware import SESSION_KEY
from tests import factories
from tests.urls import all_routes, example_path

ROLES = ("anonyme", "vie_scolaire", "habilitee", "superuser")
MISSING_ID = "999999"

# route: (method, expected status for anonyme, vie_scolaire, habilitee, superuser)
MATRIX = {
    "": ("GET", (302, 200, 200, 200)),
    "absences/appel/": ("GET", (302, 200, 200, 200)),
    "absences/documents/": ("GET", (302, 200, 200, 200)),
    "absences/documents/absents/": ("GET", (302, 200, 200, 200)),
    "absences/documents/bilan/": ("GET", (302, 200, 200, 200)),
    "absences/parametrages/actions/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/actions/<int:pk>/": ("GET", (302, 403, 404, 404)),
    "absences/parametrages/actions/<int:pk>/retirer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/actions/<int:pk>/supprimer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/actions/ajouter/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/coordonnees/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/couleurs/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/couleurs/<int:pk>/": ("GET", (302, 403, 404, 404)),
    "absences/parametrages/couleurs/<int:pk>/retirer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/couleurs/<int:pk>/supprimer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/couleurs/ajouter/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/groupes-de-divisions/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/groupes-de-divisions/<int:pk>/": ("GET", (302, 403, 404, 404)),
    "absences/parametrages/groupes-de-divisions/<int:pk>/retirer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/groupes-de-divisions/<int:pk>/supprimer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/groupes-de-divisions/ajouter/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/horaires/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/horaires/<int:pk>/": ("GET", (302, 403, 404, 404)),
    "absences/parametrages/horaires/<int:pk>/retirer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/horaires/<int:pk>/supprimer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/horaires/ajouter/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/justificatifs/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/justificatifs/<int:pk>/": ("GET", (302, 403, 404, 404)),
    "absences/parametrages/justificatifs/<int:pk>/retirer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/justificatifs/<int:pk>/supprimer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/justificatifs/ajouter/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/modeles-de-bilans/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/modeles-de-bilans/<int:pk>/": ("GET", (302, 403, 404, 404)),
    "absences/parametrages/modeles-de-bilans/<int:pk>/retirer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/modeles-de-bilans/<int:pk>/supprimer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/modeles-de-bilans/ajouter/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/modeles-de-document/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/modeles-de-document/<int:pk>/": ("GET", (302, 403, 404, 404)),
    "absences/parametrages/modeles-de-document/<int:pk>/retirer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/modeles-de-document/<int:pk>/supprimer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/modeles-de-document/ajouter/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/modeles-de-document/apercu/": ("POST", (302, 403, 200, 200)),
    "absences/parametrages/motifs/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/motifs/<int:pk>/": ("GET", (302, 403, 404, 404)),
    "absences/parametrages/motifs/<int:pk>/retirer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/motifs/<int:pk>/supprimer/": ("POST", (302, 403, 404, 404)),
    "absences/parametrages/motifs/ajouter/": ("GET", (302, 403, 200, 200)),
    "absences/parametrages/valeurs-par-defaut/": ("GET", (302, 403, 200, 200)),
    "absences/saisie/": ("GET", (302, 200, 200, 200)),
    "absences/saisie/eleve/<int:eleve_id>/": ("GET", (302, 404, 404, 404)),
    "absences/saisie/evenement/<int:pk>/": ("GET", (302, 404, 404, 404)),
    "absences/saisie/evenement/<int:pk>/supprimer/": ("POST", (302, 404, 404, 404)),
    "absences/statistiques/": ("GET", (302, 200, 200, 200)),
    "absences/suivi/alertes/": ("GET", (302, 200, 200, 200)),
    "aide/": ("GET", (302, 200, 200, 200)),
    "connexion/": ("GET", (200, 302, 302, 302)),
    "deconnexion/": ("POST", (302, 302, 302, 302)),
    "envois/courriels/": ("GET", (302, 200, 200, 200)),
    "envois/courriels/annules/": ("GET", (302, 200, 200, 200)),
    "envois/courriels/echec/": ("GET", (302, 200, 200, 200)),
    "envois/courriels/en-cours/": ("GET", (302, 200, 200, 200)),
    "envois/courriels/envoyes/": ("GET", (302, 200, 200, 200)),
    "envois/courriers/": ("GET", (302, 200, 200, 200)),
    "envois/courriers/annules/": ("GET", (302, 200, 200, 200)),
    "envois/courriers/edites/": ("GET", (302, 200, 200, 200)),
    "envois/courriers/impression/": ("GET", (302, 302, 302, 302)),
    "eleves/<int:eleve_pk>/responsables/<int:pk>/modifier/": ("GET", (302, 404, 404, 404)),
    "eleves/<int:pk>/": ("GET", (302, 404, 404, 404)),
    "eleves/<int:pk>/responsables/": ("GET", (302, 404, 404, 404)),
    "eleves/<int:pk>/scolarite/": ("GET", (302, 404, 404, 404)),
    "eleves/fiches/": ("GET", (302, 200, 200, 200)),
    "eleves/import/": ("GET", (302, 403, 200, 200)),
    "eleves/import/<int:pk>/": ("GET", (302, 403, 404, 404)),
    "eleves/responsables-sans-sms/": ("GET", (302, 200, 200, 200)),
    "etablissement/choisir/": ("GET", (302, 200, 200, 200)),
    "healthz": ("GET", (200, 200, 200, 200)),
    "informations-pratiques/": ("GET", (302, 200, 200, 200)),
    "journal/": ("GET", (302, 403, 200, 200)),
    "quoi-de-neuf/": ("GET", (302, 200, 200, 200)),
    "sms/<int:pk>/": ("GET", (302, 404, 404, 404)),
    "sms/<int:pk>/renvoyer/": ("GET", (302, 404, 404, 404)),
    "sms/a-diffuser/": ("GET", (302, 200, 200, 200)),
    "sms/fournisseur/": ("GET", (302, 403, 200, 200)),
    "sms/fournisseur/modifier/": ("GET", (302, 403, 200, 200)),
    "sms/fournisseur/sms-de-test/": ("POST", (302, 403, 302, 302)),
    "sms/fournisseur/tester/": ("POST", (302, 403, 302, 302)),
    "sms/suivi/": ("GET", (302, 200, 200, 200)),
    "sms/suivi/delivres/": ("GET", (302, 200, 200, 200)),
    "sms/suivi/invalides/": ("GET", (302, 200, 200, 200)),
    "sms/suivi/mettre-a-jour/": ("POST", (302, 302, 302, 302)),
    "sms/suivi/synthese/": ("GET", (302, 200, 200, 200)),
}


@pytest.fixture
def clients(etablissement):
    users = {
        "vie_scolaire": factories.vie_scolaire(etablissement),
        "habilitee": factories.habilitee(etablissement),
        "superuser": factories.UserFactory(is_superuser=True, is_staff=True),
    }
    clients = {"anonyme": Client()}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        session = client.session
        session[SESSION_KEY] = etablissement.pk
        session.save()
        clients[role] = client
    return clients


def test_every_url_is_in_the_matrix():
    assert {route for route, _ in all_routes()} == set(MATRIX)


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_each_role_gets_the_expected_answer(clients, route):
    method, expected = MATRIX[route]
    path = example_path(route).replace("/1/", f"/{MISSING_ID}/")

    answers = tuple(getattr(clients[role], method.lower())(path).status_code for role in ROLES)

    assert answers == expected
