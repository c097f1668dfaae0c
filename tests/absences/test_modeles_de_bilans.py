"""Paramétrages > Modèles de bilans: the personne habilitée's list, its form, the default model and
the journal."""

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from absences.models import ModeleBilan, ValeursParDefaut
from etablissements.models import AuditEntry

LIST = reverse("parametrages_modeles-de-bilans_list")
ADD = reverse("parametrages_modeles-de-bilans_add")


def form_values(**values) -> dict:
    return {
        "nom": "Bilan court",
        "titre": "Absences du trimestre",
        "avec_demi_journees": "on",
        "avec_non_justifiees": "on",
        "texte_bas": "Merci de justifier toute absence auprès de la vie scolaire.",
        **values,
    }


def test_a_new_etablissement_starts_with_the_bilan_des_absences(etablissement, parametrages):
    modele = ModeleBilan.objects.get(etablissement=etablissement)

    assert modele.nom == "Bilan des absences"
    assert modele.contenu == (
        "Absences, Demi-journées d'absence, dont justifiées, dont non justifiées, Retards, "
        "Détail des évènements"
    )
    assert modele.texte_bas == "Merci de justifier toute absence auprès de la vie scolaire."


def test_the_migration_gives_the_default_model_to_schools_that_had_their_parametrages(
    etablissement, other_etablissement, parametrages
):
    ModeleBilan.objects.all().delete()
    migration = import_module("absences.migrations.0004_modele_bilan_par_defaut")

    migration.create_default_bilans(apps, None)
    migration.create_default_bilans(apps, None)  # run twice: still one

    assert list(ModeleBilan.objects.values_list("etablissement_id", "nom")) == [
        (etablissement.pk, "Bilan des absences")
    ]
    assert not ValeursParDefaut.objects.filter(etablissement=other_etablissement).exists()


def test_the_personne_habilitee_adds_a_model_with_the_columns_she_chose_and_it_is_journaled(
    habilitee_client, etablissement, parametrages
):
    response = habilitee_client.post(ADD, form_values())

    assert response.status_code == 302
    modele = ModeleBilan.objects.get(etablissement=etablissement, nom="Bilan court")
    assert modele.figures == [
        ("Demi-journées d'absence", "demi_journees"),
        ("dont non justifiées", "non_justifiees"),
    ]
    assert not modele.avec_detail
    entry = AuditEntry.objects.get(etablissement=etablissement, action="absences.parametrage_ajouté")
    assert entry.summary == "Modèles de bilans : « Bilan court » ajouté"

    html = habilitee_client.get(LIST).content.decode()
    assert "Absences du trimestre" in html
    assert "Demi-journées d&#x27;absence, dont non justifiées" in html


def test_modifying_a_model_is_journaled(habilitee_client, etablissement, parametrages):
    modele = ModeleBilan.objects.get(etablissement=etablissement)

    habilitee_client.post(
        reverse("parametrages_modeles-de-bilans_edit", args=[modele.pk]),
        form_values(nom="Bilan des absences", avec_detail="on"),
    )

    modele.refresh_from_db()
    assert (modele.titre, modele.avec_absences, modele.avec_detail) == ("Absences du trimestre", False, True)
    assert AuditEntry.objects.filter(
        etablissement=etablissement,
        action="absences.parametrage_modifié",
        summary="Modèles de bilans : « Bilan des absences » modifié",
    ).exists()


@pytest.mark.parametrize("nom", ["bilan des absences", "BILAN DES ABSENCES", " Bilan des abséncès "])
def test_a_name_repeating_another_but_for_case_or_accents_is_refused(habilitee_client, parametrages, nom):
    response = habilitee_client.post(ADD, form_values(nom=nom))

    assert response.status_code == 200
    assert "Ce libellé existe déjà : « Bilan des absences »." in response.content.decode()


def test_another_schools_model_of_the_same_name_is_no_duplicate(
    habilitee_client, etablissement, other_etablissement, parametrages
):
    ModeleBilan.objects.create(etablissement=other_etablissement, nom="Bilan court", titre="X")

    assert habilitee_client.post(ADD, form_values()).status_code == 302


def test_a_model_showing_nothing_is_refused_and_keeps_what_was_typed(habilitee_client, parametrages):
    response = habilitee_client.post(
        ADD, form_values(avec_demi_journees="", avec_non_justifiees="", titre="Mon titre")
    )

    html = response.content.decode()
    assert "Cochez au moins un chiffre ou le détail des évènements : le bilan serait vide." in html
    assert 'value="Mon titre"' in html
    assert not ModeleBilan.objects.filter(nom="Bilan court").exists()


def test_a_texte_en_bas_too_long_for_the_page_is_refused_and_kept(habilitee_client, parametrages):
    """A texte en bas of any length was taken: each pupil's « one A4 page » ran on for pages."""
    texte = "Signé : la CPE." * 40

    html = habilitee_client.post(ADD, form_values(texte_bas=texte)).content.decode()
    habilitee_client.post(ADD, form_values(texte_bas="x" * 500))

    assert "Ce texte fait 600 caractères : 500 au plus, pour que le bilan de chaque élève tienne" in html
    assert "Signé : la CPE." in html
    assert ModeleBilan.objects.get(nom="Bilan court").texte_bas == "x" * 500


def test_the_list_shows_only_this_schools_models(habilitee_client, other_etablissement, parametrages):
    ModeleBilan.objects.create(etablissement=other_etablissement, nom="Bilan du lycée", titre="X")

    html = habilitee_client.get(LIST).content.decode()

    assert "Bilan des absences" in html
    assert "Bilan du lycée" not in html


def test_the_vie_scolaire_is_refused_the_models_and_a_visitor_must_log_in(
    client, vie_scolaire_user, etablissement, parametrages
):
    modele = ModeleBilan.objects.get(etablissement=etablissement)
    edit = reverse("parametrages_modeles-de-bilans_edit", args=[modele.pk])
    assert client.get(LIST).url.startswith(reverse("login"))

    client.force_login(vie_scolaire_user)

    assert client.get(LIST).status_code == 403
    assert client.post(ADD, form_values()).status_code == 403
    assert client.post(edit, form_values(nom="Changé")).status_code == 403
    assert ModeleBilan.objects.get(pk=modele.pk).nom == "Bilan des absences"
    home = client.get(reverse("home")).content.decode()
    assert "Modèles de bilans" not in home


def test_the_menu_leads_the_personne_habilitee_to_the_models(habilitee_client, parametrages):
    html = habilitee_client.get(reverse("home")).content.decode()

    assert f'<a href="{LIST}">Modèles de bilans</a>' in html
