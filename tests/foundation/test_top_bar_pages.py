"""The top bar's pages: Aide, Quoi de neuf, Informations pratiques."""

import re
from datetime import date, time

import pytest
from django.test import Client
from django.urls import resolve, reverse

from absences.forms.saisie import AppelForm, EvenementForm
from absences.rendering import VARIABLES
from absences.services import parametrages_ensure
from etablissements.middleware import SESSION_KEY
from sms.models import ProviderSettings, SmsState
from tests import factories

TITLES = {"aide": "Aide", "quoi_de_neuf": "Quoi de neuf", "informations_pratiques": "Informations pratiques"}
PAGES = tuple(TITLES)
# The words of the screens that the Aide quotes, as the pages and buttons say them.
SCREEN_WORDS = (
    "Absences et retards",
    "Ajouter une action",
    "Destinataire(s)",
    "Heure d'arrivée",
    "Action pour les retards",
    "tout sélectionner",
    "Diffuser les SMS sélectionnés",
    "Confirmer",
    "en transit",
    "Corriger le numéro et renvoyer",
    "Editer les courriers sélectionnés",
    "Envoyer les courriels sélectionnés",
    "Absentéisme à signaler",
    "Liste des absents du jour",
    "accepte les SMS",
)


def _links(html: str) -> list[str]:
    return re.findall(r'href="(/[^"#]*)[^"]*"', html)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_requires_login(client, etablissement, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", ["vie_scolaire_client", "habilitee_client"])
def test_each_page_opens_for_each_role_in_the_shell(request, name, role):
    client = request.getfixturevalue(role)

    html = client.get(reverse(name)).content.decode()

    assert 'aria-label="Menu principal"' in html
    assert f'<li class="breadcrumb-item active" aria-current="page">{TITLES[name]}</li>' in html
    assert f"<title>{TITLES[name]} – SCONET Absences</title>" in html
    assert f'href="{reverse(name)}" aria-current="page">{TITLES[name]}</a>' in html


def test_the_aide_of_the_vie_scolaire_leaves_out_the_personne_habilitee_part(vie_scolaire_client):
    html = vie_scolaire_client.get(reverse("aide")).content.decode()

    for words in SCREEN_WORDS:
        assert words in html, words
    for link in ("sms_waiting", "sms_tracking", "appel", "courriels_echec", "eleves:responsables_sans_sms"):
        assert f'href="{reverse(link)}"' in html, link
    assert "Pour la personne habilitée" not in html
    assert 'id="personne-habilitee"' not in html
    assert f'href="{reverse("sms_provider")}"' not in html
    assert "[NOM]" not in html


# Buttons and headings that an empty page shows already: the Aide quotes them as the page says them.
WORDS_OF_PAGES = {
    "sms_waiting": ("tout sélectionner", "Diffuser les SMS sélectionnés"),
    "courriers": ("Editer les courriers sélectionnés",),
    "courriels": ("Envoyer les courriels sélectionnés",),
    "statistiques": ("Absentéisme à signaler",),
    "documents": ("Liste des absents du jour", "Bilan des absences"),
}


def test_the_aide_quotes_the_words_the_screens_really_use(vie_scolaire_client):
    aide = vie_scolaire_client.get(reverse("aide")).content.decode()
    labels = (
        EvenementForm.base_fields["destinataires"].label,
        EvenementForm.base_fields["arrivee"].label,
        AppelForm.base_fields["action"].label,
        AppelForm.base_fields["retard_action"].label,
        SmsState.SUBMITTED.label,
        SmsState.DELIVERED.label,
        SmsState.INVALID.label,
        SmsState.UNDELIVERED.label,
    )

    for label in labels:
        assert label in aide, label
    for url_name, words in WORDS_OF_PAGES.items():
        page = vie_scolaire_client.get(reverse(url_name)).content.decode()
        for word in words:
            assert word in page, (url_name, word)
            assert word in aide, (url_name, word)


def test_the_aide_of_the_personne_habilitee_has_the_parametrages_and_every_variable(habilitee_client):
    html = habilitee_client.get(reverse("aide")).content.decode()
    main = html.split("<main", 1)[1]

    assert 'href="#personne-habilitee"' in main
    for link in (
        "sms_provider",
        "parametrages_modeles-de-document_list",
        "parametrages_valeurs",
        "eleves:import_export",
        "journal",
    ):
        assert f'href="{reverse(link)}"' in main, link
    for variable in VARIABLES:
        assert f"<code>{variable.placeholder}</code>" in main
        assert variable.description.replace("'", "&#x27;") in main


def test_every_link_and_anchor_of_the_aide_leads_somewhere(habilitee_client):
    main = habilitee_client.get(reverse("aide")).content.decode().split("<main", 1)[1]

    for path in _links(main):
        resolve(path)
    anchors = re.findall(r'href="#([^"]+)"', main)
    assert len(anchors) >= 15
    for anchor in anchors:
        assert f'id="{anchor}"' in main, anchor


@pytest.mark.parametrize("role", ["vie_scolaire_client", "habilitee_client"])
def test_quoi_de_neuf_is_dated_and_lists_what_is_new(request, role):
    html = request.getfixturevalue(role).get(reverse("quoi_de_neuf")).content.decode()

    assert "29/11/2026" in html
    for words in ("Appel", "Courriers et courriels", "absentéisme à signaler", "Plage d'envoi", "Renvoi"):
        assert words in html, words


@pytest.fixture
def two_schools(etablissement, other_etablissement):
    etablissement.adresse, etablissement.code_postal, etablissement.ville = "1 rue Hugo", "69001", "Lyon"
    etablissement.telephone, etablissement.courriel = "04 78 11 11 11", "vie.scolaire@hugo.example"
    etablissement.save()
    other_etablissement.adresse, other_etablissement.ville = "9 avenue Moulin", "Villeurbanne"
    other_etablissement.telephone, other_etablissement.courriel = "04 78 99 99 99", "cpe@moulin.example"
    other_etablissement.save()
    ProviderSettings.objects.create(
        etablissement=etablissement, provider_code="pluriware", window_start=time(8), window_end=time(19)
    )
    ProviderSettings.objects.create(
        etablissement=other_etablissement,
        provider_code="digitalmedia",
        window_start=time(7, 30),
        window_end=time(20, 15),
    )
    valeurs = parametrages_ensure(etablissement=etablissement)
    valeurs.annee_debut, valeurs.annee_fin = date(2026, 9, 1), date(2027, 7, 4)
    valeurs.save()
    factories.habilitee(etablissement, first_name="Aline", last_name="Martin")
    factories.habilitee(other_etablissement, first_name="Bruno", last_name="Durand")
    factories.vie_scolaire(etablissement, first_name="Chloé", last_name="Petit")
    factories.UserFactory(is_superuser=True, first_name="Denis", last_name="Admin")
    return etablissement, other_etablissement


def test_informations_pratiques_show_this_school_and_never_another(two_schools, vie_scolaire_client):
    html = vie_scolaire_client.get(reverse("informations_pratiques")).content.decode()
    main = html.split("<main", 1)[1]

    for words in (
        "Collège Victor Hugo",
        "0699990J",
        "1 rue Hugo",
        "69001 Lyon",
        "04 78 11 11 11",
        "vie.scolaire@hugo.example",
        "PLURIWARE",
        "contact@eple-sms.fr",
        "03 25 78 41 64",
        "de 08:00 à 19:00",
        "Du 01/09/2026 au 04/07/2027",
        "Aline Martin",
    ):
        assert words in main, words
    for words in (
        "Lycée Jean Moulin",
        "0699991K",
        "Moulin",
        "04 78 99 99 99",
        "cpe@moulin.example",
        "DIGITAL MEDIA",
        "digitalmedia.fr",
        "07:30",
        "Bruno Durand",
        "Chloé Petit",
        "Denis Admin",
    ):
        assert words not in main, words


def test_the_other_school_sees_its_own_informations_pratiques(two_schools):
    _, other = two_schools
    client = Client()
    client.force_login(factories.vie_scolaire(other))

    main = client.get(reverse("informations_pratiques")).content.decode().split("<main", 1)[1]

    assert "DIGITAL MEDIA" in main
    assert "de 07:30 à 20:15" in main
    assert "Bruno Durand" in main
    assert "Aline Martin" not in main
    assert "1 rue Hugo" not in main


def test_a_superuser_sees_the_school_picked(two_schools):
    _, other = two_schools
    client = Client()
    client.force_login(factories.UserFactory(is_superuser=True, is_staff=True))
    session = client.session
    session[SESSION_KEY] = other.pk
    session.save()

    main = client.get(reverse("informations_pratiques")).content.decode().split("<main", 1)[1]

    assert "Bruno Durand" in main
    assert "Aline Martin" not in main


def test_informations_pratiques_of_a_school_never_set_up(vie_scolaire_client):
    main = vie_scolaire_client.get(reverse("informations_pratiques")).content.decode().split("<main", 1)[1]

    assert "AUCUN" in main
    assert "aucune, les SMS partent à toute heure" in main
    assert "Informations concernant les fournisseurs de service" not in main
    assert "Aucune personne habilitée" in main
