"""Modèles de document: rendering without non-breaking spaces, and the editor's GSM counter."""

import html

from django.urls import reverse

from absences import rendering
from absences.models import Action, Evenement, ModeleDocument
from tests import factories

from .conftest import today_at

TRICKY = "Garçon, œuvre l’après-midi : 5\u202f€ dû"


def test_rendered_dates_and_hours_never_carry_a_non_breaking_space(etablissement, eleve):
    etablissement.nom = "Collège\u00a0Victor\u202fHugo"
    values = rendering.values_for(
        etablissement=etablissement,
        eleve=eleve,
        type="absence",
        debut=today_at(8, 30),
        fin=today_at(18),
        motif=None,
    )

    text = rendering.render("[ETABLISSEMENT] [DATE DEBUT] [HEURE DEBUT]-[HEURE FIN] [INCONNUE]", values)

    assert text == f"Collège Victor Hugo {today_at(8, 30):%d/%m/%Y} 08:30-18:00 [INCONNUE]"


def test_the_preview_counts_tricky_french_text_and_names_what_forces_ucs2(habilitee_client, eleve):
    response = habilitee_client.post(reverse("parametrages_modele_preview"), {"texte": f"[PRENOM] {TRICKY}"})

    data = response.json()
    assert data["eleve"] == "REITER Pauline"
    assert data["rendered"] == f"Pauline {TRICKY}"
    assert data["encoding"] == "UCS-2"
    assert data["non_gsm_chars"] == ["ç", "œ", "’", "\u202f", "û"]
    assert data["units"] == len(f"Pauline {TRICKY}")
    assert data["parts"] == 1
    assert data["gsm_safe_texte"] == "[PRENOM] Garcon, oeuvre l'après-midi : 5 € du"


def test_the_preview_of_gsm_text_counts_the_euro_twice(habilitee_client, eleve):
    data = habilitee_client.post(reverse("parametrages_modele_preview"), {"texte": "5 € " + "a" * 156}).json()

    assert (data["encoding"], data["units"], data["parts"]) == ("GSM-7", 161, 2)


def test_heure_arrivee_is_the_arrival_of_a_retard_and_empty_for_an_absence(etablissement, eleve):
    texte = "[TYPE] [HEURE DEBUT]-[HEURE ARRIVEE]."
    retard = Evenement(
        etablissement=etablissement, eleve=eleve, type="retard", debut=today_at(8, 30), fin=today_at(8, 50)
    )
    absence = Evenement(etablissement=etablissement, eleve=eleve, debut=today_at(8, 30), fin=today_at(9, 25))

    assert rendering.render(texte, rendering.evenement_values(retard)) == "retard 08:30-08:50."
    assert rendering.render(texte, rendering.evenement_values(absence)) == "absence 08:30-."


def test_the_model_editor_lists_heure_arrivee_and_says_what_it_is(habilitee_client, parametrages):
    page = html.unescape(
        habilitee_client.get(reverse("parametrages_modeles-de-document_add")).content.decode()
    )

    assert "[HEURE ARRIVEE] – heure d'arrivée d'un retard (08:45) ; vide pour une absence" in page
    assert "[HEURE DEBUT] – heure de début (08:30) ; d'un retard : le début du créneau" in page


def test_the_preview_of_a_model_naming_the_arrival_shows_a_retard(habilitee_client, eleve):
    data = habilitee_client.post(
        reverse("parametrages_modele_preview"), {"texte": "[PRENOM] en [TYPE] à [HEURE ARRIVEE]"}
    ).json()

    assert data["rendered"] == "Pauline en retard à 08:45"


def test_a_new_etablissement_gets_sms_models_and_its_retard_one_says_when_the_pupil_arrived(
    etablissement, eleve, parametrages
):
    modeles = dict(ModeleDocument.objects.filter(etablissement=etablissement).values_list("nom", "texte"))
    retard = Evenement(
        etablissement=etablissement, eleve=eleve, type="retard", debut=today_at(8, 30), fin=today_at(8, 50)
    )

    text = rendering.render(modeles["SMS retard"], rendering.evenement_values(retard))

    assert set(modeles) == {"SMS absence", "SMS retard"}
    assert text == (
        "Collège Victor Hugo : Pauline REITER (5B) est arrivé(e) en retard le "
        f"{today_at(8, 30):%d/%m/%Y} à 08:50 (cours de 08:30). "
        f"Merci de nous contacter au {etablissement.telephone}."
    )
    assert not rendering.unknown_variables(modeles["SMS absence"])


def test_the_migration_gives_existing_schools_the_sms_models_and_leaves_theirs_alone(
    etablissement, other_etablissement, parametrages
):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("absences.migrations.0005_modeles_sms_par_defaut")
    mine = ModeleDocument.objects.filter(etablissement=etablissement)
    Action.objects.filter(etablissement=etablissement).delete()  # nor the actions, that came after
    mine.filter(nom="SMS retard").delete()  # as before this change: the school had none of them
    mine.filter(nom="SMS absence").update(texte="Notre texte à nous : [PRENOM].")

    migration.create_default_sms_modeles(apps, None)
    migration.create_default_sms_modeles(apps, None)  # run twice: nothing more

    assert dict(mine.values_list("nom", "texte")) == {
        "SMS absence": "Notre texte à nous : [PRENOM].",
        "SMS retard": dict(migration.MODELES)["SMS retard"],
    }
    assert not ModeleDocument.objects.filter(
        etablissement=other_etablissement
    ).exists()  # no Paramétrages yet


def test_a_new_etablissement_gets_an_sms_action_for_each_sms_model(etablissement, parametrages):
    actions = Action.objects.filter(etablissement=etablissement)

    assert {(a.libelle_court, a.traitement, a.modele.nom) for a in actions} == {
        ("SMS absence", "sms", "SMS absence"),
        ("SMS retard", "sms", "SMS retard"),
    }
    assert all(a.actif and a.delai_alerte_jours == 2 for a in actions)


def test_the_migration_gives_existing_schools_the_missing_sms_actions_and_leaves_theirs_alone(
    etablissement, other_etablissement, parametrages
):
    from importlib import import_module

    from django.apps import apps

    from absences.services import parametrages_ensure

    migration = import_module("absences.migrations.0006_actions_sms_par_defaut")
    mine = Action.objects.filter(etablissement=etablissement)
    mine.filter(libelle_court="SMS retard").delete()  # as before this change: the school had none
    mine.filter(libelle_court="SMS absence").update(libelle_long="Notre SMS", delai_alerte_jours=5)
    # A third school wrote its own action on the retard modèle, and renamed the absence one's.
    third = factories.EtablissementFactory(uai="0699992L")
    parametrages_ensure(etablissement=third)
    theirs = Action.objects.filter(etablissement=third)
    theirs.filter(libelle_court="SMS retard").update(libelle_court="Retards")
    theirs.filter(libelle_court="SMS absence").delete()
    ModeleDocument.objects.filter(etablissement=third, nom="SMS absence").delete()

    migration.create_default_sms_actions(apps, None)
    migration.create_default_sms_actions(apps, None)  # run twice: nothing more

    assert {(a.libelle_court, a.libelle_long, a.delai_alerte_jours, a.modele.nom) for a in mine} == {
        ("SMS absence", "Notre SMS", 5, "SMS absence"),
        ("SMS retard", "SMS de retard aux responsables", 2, "SMS retard"),
    }
    assert list(theirs.values_list("libelle_court", flat=True)) == ["Retards"]
    assert not Action.objects.filter(etablissement=other_etablissement).exists()  # no Paramétrages yet
