"""Documents: the bilan des absences (its figures agree with the Statistiques; the modèle chooses what
it shows), the liste des absents du jour, the period's messages, and the établissement's own data only."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from absences.models import Evenement, ModeleBilan
from tests import factories

from .test_statistiques import (
    MARCH,
    MONDAY,
    WRONG_PERIODS,
    _many_events,
    absence,
    certificat,
    motif,
    retard,
    table,
)

INDEX = reverse("documents")
BILAN = reverse("documents_bilan")
ABSENTS = reverse("documents_absents")
QUERIES = 13  # the session (read and saved), the user, its roles, the établissement; the bilan's six reads


@pytest.fixture
def school(school, etablissement):
    """The Statistiques' school, with its default modèle de bilan."""
    return {**school, "modele": ModeleBilan.objects.get(etablissement=etablissement)}


def bilan_query(school, **values) -> dict:
    return {"modele": school["modele"].pk, **MARCH, "division": school["5B"].pk, **values}


def figures(response) -> dict[str, dict[str, int]]:
    """Each pupil's figures on the bilan: {"REITER": {"Absences": 2, ...}}."""
    return {page.eleve.nom: dict(page.figures) for page in response.context["bilan"].pages}


# ----------------------------------------------------------------------------------------------------
# The bilan


def test_the_bilan_prints_each_pupils_figures_of_the_period(vie_scolaire_client, etablissement, school):
    reiter = school["reiter"]
    # Monday morning: two absences overlapping, one justified; Monday afternoon: not justified.
    absence(reiter, MONDAY, "08:30", "10:20", motif=motif(etablissement, "Maladie"))
    absence(reiter, MONDAY, "09:25", "12:30", justificatif=certificat(etablissement))
    absence(reiter, MONDAY, "14:00", "14:55")
    retard(reiter, MONDAY + timedelta(1))
    absence(reiter, date(2025, 4, 1), "08:30", "12:30")  # after the period
    absence(school["durand"], MONDAY, "08:30", "12:30")  # 5C

    response = vie_scolaire_client.get(BILAN, bilan_query(school))

    assert response.status_code == 200
    assert list(figures(response)) == ["MARTIN", "PETIT", "REITER"]
    assert figures(response)["REITER"] == {
        "Absences": 3,
        "Demi-journées d'absence": 2,
        "dont justifiées": 1,
        "dont non justifiées": 1,
        "Retards": 1,
    }
    assert set(figures(response)["MARTIN"].values()) == {0}
    html = response.content.decode()
    assert html.count('class="sconet-document-page"') == 3
    assert "Collège Victor Hugo" in html
    assert "Bilan des absences et retards" in html
    assert "du 01/03/2025 au 31/03/2025" in html
    assert "Merci de justifier toute absence auprès de la vie scolaire." in html


def test_the_bilan_agrees_with_the_statistiques_of_the_same_period(
    vie_scolaire_client, etablissement, school
):
    _many_events(etablissement, [school["5B"], school["5C"]], pupils=60, per_pupil=12)

    bilan = vie_scolaire_client.get(BILAN, bilan_query(school))
    stats = vie_scolaire_client.get(reverse("statistiques"), {**MARCH, "division": school["5B"].pk})

    totals = [sum(pupil[label] for pupil in figures(bilan).values()) for label in figures(bilan)["REITER"]]
    effectif, absences, demi_journees, justifiees, non_justifiees, retards, _taux = table(
        stats, "Par division"
    )["5B"]
    assert totals == [absences, demi_journees, justifiees, non_justifiees, retards]
    assert demi_journees > 100
    assert len(figures(bilan)) == effectif == 33


def test_the_model_chooses_the_figures_and_the_detail(vie_scolaire_client, etablissement, school):
    modele = ModeleBilan.objects.create(
        etablissement=etablissement,
        nom="Retards seuls",
        titre="Vos retards",
        avec_detail=False,
        texte_bas="",
        **{name: name == "avec_retards" for name in ModeleBilan.FIGURES},
    )
    retard(school["reiter"], MONDAY, motif=motif(etablissement, "Problème de transport"))

    retards_seuls = vie_scolaire_client.get(BILAN, bilan_query(school, modele=modele.pk))
    avec_detail = vie_scolaire_client.get(BILAN, bilan_query(school))

    assert figures(retards_seuls)["REITER"] == {"Retards": 1}
    html = retards_seuls.content.decode()
    assert "Vos retards" in html
    assert "Détail des évènements" not in html
    assert "Problème de transport" not in html
    assert "Merci de justifier" not in html
    detail = avec_detail.content.decode()
    assert "Détail des évènements" in detail
    assert "10/03/2025 08:30" in detail
    assert "Problème de transport" in detail
    assert "Aucune absence ni aucun retard sur la période." in detail  # MARTIN's page


def test_the_detail_names_the_motif_and_the_justificatif(vie_scolaire_client, etablissement, school):
    absence(
        school["reiter"],
        MONDAY,
        "08:30",
        "12:30",
        motif=motif(etablissement, "Maladie"),
        justificatif=certificat(etablissement),
    )
    absence(school["reiter"], MONDAY + timedelta(1), "14:00", "14:55")

    response = vie_scolaire_client.get(BILAN, bilan_query(school, eleve="reiter", division=""))

    page = response.context["bilan"].pages[0]
    assert [
        (e.motif and e.motif.libelle, e.justificatif and e.justificatif.libelle) for e in page.evenements
    ] == [
        ("Maladie", "Certificat médical"),
        (None, None),
    ]
    html = response.content.decode()
    assert "<td>Certificat médical</td>" in html
    assert "<td>Non justifié</td>" in html


def test_one_pupil_is_found_by_name(vie_scolaire_client, school):
    response = vie_scolaire_client.get(BILAN, bilan_query(school, division="", eleve="durand tom"))

    assert list(figures(response)) == ["DURAND"]


def test_a_pupil_who_left_before_the_period_gets_no_page(vie_scolaire_client, school):
    school["petit"].date_sortie = date(2025, 2, 1)
    school["petit"].save()

    assert list(figures(vie_scolaire_client.get(BILAN, bilan_query(school)))) == ["MARTIN", "REITER"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        *WRONG_PERIODS,
        ({"division": ""}, "Division : Choisissez une division, ou tapez le nom d&#x27;un élève."),
        ({"division": "", "eleve": "personne"}, "Aucun élève ne correspond"),
        ({"modele": ""}, "Modèle de bilan : Choisissez un modèle de bilan."),
    ],
)
def test_a_wrong_choice_says_why_in_french_and_keeps_what_was_typed(
    vie_scolaire_client, school, values, message
):
    query = bilan_query(school, **values)

    response = vie_scolaire_client.get(BILAN, query)

    html = response.content.decode()
    assert response.status_code == 200
    assert "bilan" not in response.context
    assert message in html
    assert f'value="{query["au"]}"' in html
    assert 'class="sconet-document-page"' not in html


def test_another_schools_models_divisions_and_pupils_are_unreachable(
    vie_scolaire_client, etablissement, other_etablissement, school
):
    from absences.services import parametrages_ensure

    parametrages_ensure(etablissement=other_etablissement)
    lycee_modele = ModeleBilan.objects.get(etablissement=other_etablissement)
    lycee_division = factories.DivisionFactory(etablissement=other_etablissement, code="2A")
    factories.EleveFactory(etablissement=other_etablissement, division=lycee_division, nom="LYCEEN")

    by_modele = vie_scolaire_client.get(BILAN, bilan_query(school, modele=lycee_modele.pk))
    by_division = vie_scolaire_client.get(BILAN, bilan_query(school, division=lycee_division.pk))
    by_name = vie_scolaire_client.get(BILAN, bilan_query(school, division="", eleve="lyceen"))
    index = vie_scolaire_client.get(INDEX)

    assert "Choisissez un modèle de bilan de la liste." in by_modele.content.decode()
    assert "Sélectionnez un choix valide" in by_division.content.decode()
    assert "Aucun élève ne correspond" in by_name.content.decode()
    assert all("bilan" not in r.context for r in (by_modele, by_division, by_name))
    offered = index.context["bilan_form"].fields
    assert list(offered["modele"].queryset) == [school["modele"]]
    assert list(offered["division"].queryset) == [school["5B"], school["5C"]]
    assert f">{school['5B'].code}<" in index.content.decode()  # divisions are offered by their code
    assert f">{lycee_division.code}<" not in index.content.decode()


def test_a_retired_model_is_no_longer_offered(vie_scolaire_client, school):
    ModeleBilan.objects.filter(pk=school["modele"].pk).update(actif=False)

    html = vie_scolaire_client.get(INDEX).content.decode()

    assert "Aucun modèle de bilan : la personne habilitée en crée dans Paramétrages" in html
    assert "bilan" not in vie_scolaire_client.get(BILAN, bilan_query(school)).context


def test_documents_opens_on_the_school_year_up_to_today(vie_scolaire_client, parametrages, school):
    html = vie_scolaire_client.get(INDEX).content.decode()

    assert f'value="{parametrages.annee_debut.isoformat()}"' in html
    assert f'value="{timezone.localdate().isoformat()}"' in html
    assert f'action="{BILAN}"' in html
    assert f'action="{ABSENTS}"' in html


def test_the_menu_leads_to_documents(vie_scolaire_client, parametrages):
    html = vie_scolaire_client.get(reverse("home")).content.decode()

    assert f'<a href="{INDEX}">Documents</a>' in html


@pytest.mark.parametrize("url", [INDEX, BILAN, ABSENTS])
def test_a_visitor_must_log_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# ----------------------------------------------------------------------------------------------------
# La liste des absents du jour


def test_the_liste_des_absents_gives_every_pupil_absent_or_late_that_day_by_division(
    vie_scolaire_client, etablissement, other_etablissement, school
):
    absence(school["reiter"], MONDAY, "08:30", "10:20", motif=motif(etablissement, "Maladie"))
    absence(
        school["durand"],
        MONDAY - timedelta(3),
        "14:00",
        "09:25",
        until=MONDAY,
        justificatif=certificat(etablissement),
    )
    retard(school["martin"], MONDAY, motif=motif(etablissement, "Problème de transport"))
    absence(school["petit"], MONDAY + timedelta(1), "08:30", "12:30")  # the next day
    sans_division = factories.EleveFactory(etablissement=etablissement, division=None, nom="NOUVEAU")
    absence(sans_division, MONDAY - timedelta(7), "08:30", "18:00", until=MONDAY + timedelta(2))
    absence(sans_division, MONDAY, "14:00", "14:55")  # events by their start
    lycee = factories.EleveFactory(etablissement=other_etablissement, nom="LYCEEN")
    absence(lycee, MONDAY, "08:30", "18:00")

    response = vie_scolaire_client.get(ABSENTS, {"jour": MONDAY.isoformat()})

    rows = [
        (
            group.division,
            a.evenement.eleve.nom,
            a.evenement.get_type_display(),
            a.creneaux,
            str(a.evenement.motif or ""),
            a.evenement.justifie,
        )
        for group in response.context["groups"]
        for a in group.absents
    ]
    assert rows == [
        ("5B", "MARTIN", "Retard", "08:30", "Problème de transport", False),
        ("5B", "REITER", "Absence", "08:30, 09:25", "Maladie", False),
        ("5C", "DURAND", "Absence", "08:30", "", True),
        ("Sans division", "NOUVEAU", "Absence", "Toute la journée", "", False),
        ("Sans division", "NOUVEAU", "Absence", "14:00", "", False),
    ]
    html = response.content.decode()
    assert "Liste des absents du lundi 10 mars 2025" in html
    assert "Retard (arrivée 08:45)" in html
    assert "Oui (Certificat médical)" in html
    assert "LYCEEN" not in html


def test_the_liste_des_absents_is_of_today_by_default(vie_scolaire_client, school):
    from .conftest import today_at

    factories.EvenementFactory(eleve=school["reiter"], debut=today_at(8, 30), fin=today_at(9, 25))

    response = vie_scolaire_client.get(ABSENTS)

    assert response.context["jour"] == timezone.localdate()
    assert [a.evenement.eleve.nom for a in response.context["groups"][0].absents] == ["REITER"]


def test_a_day_without_absents_says_so(vie_scolaire_client, school):
    html = vie_scolaire_client.get(ABSENTS, {"jour": MONDAY.isoformat()}).content.decode()

    assert "Aucun élève absent ni en retard ce jour-là." in html


@pytest.mark.parametrize("jour", ["3000-01-01", "31/02/2025", ""])
def test_a_wrong_day_says_why_in_french(vie_scolaire_client, school, jour):
    response = vie_scolaire_client.get(ABSENTS, {"jour": jour})

    assert "groups" not in response.context
    assert "Date : " in response.content.decode()


# ----------------------------------------------------------------------------------------------------
# Speed


@pytest.mark.parametrize(("pupils", "per_pupil"), [(2, 2), (70, 20)])
def test_the_documents_run_a_constant_number_of_queries(
    vie_scolaire_client, etablissement, school, django_assert_max_num_queries, pupils, per_pupil
):
    _many_events(etablissement, [school["5B"], school["5C"]], pupils=pupils, per_pupil=per_pupil)
    absence(school["reiter"], MONDAY, "08:30", "09:25")

    with django_assert_max_num_queries(QUERIES):
        bilan = vie_scolaire_client.get(BILAN, bilan_query(school))
    with django_assert_max_num_queries(QUERIES):
        absents = vie_scolaire_client.get(ABSENTS, {"jour": MONDAY.isoformat()})

    assert len(bilan.context["bilan"].pages) == 3 + pupils // 2
    assert sum(len(page.evenements) for page in bilan.context["bilan"].pages) > pupils * per_pupil // 4
    assert sum(len(group.absents) for group in absents.context["groups"]) >= 1 + pupils // 20
    assert Evenement.objects.count() >= pupils * per_pupil
