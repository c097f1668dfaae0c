"""Paramétrages: one set of list pages for every list; in use means retired, never deleted."""

from datetime import time

import pytest
from django.urls import reverse

from absences import defaults
from absences.models import Action, Couleur, Horaire, Justificatif, Motif
from absences.parametrages import KINDS
from absences.services import EvenementData, evenement_record
from etablissements.models import AuditEntry
from sms.services import sms_sending_window_set

from .conftest import today_at


def test_a_new_etablissement_gets_the_usual_horaires_and_default_lists(etablissement, parametrages):
    horaires = Horaire.objects.filter(etablissement=etablissement)

    assert [h.libelle for h in horaires.filter(kind="cours")] == [
        "08:30", "09:25", "10:40", "11:35", "14:00", "14:55", "16:10", "17:05",
    ]  # fmt: skip
    assert set(horaires.exclude(kind="cours").values_list("libelle", flat=True)) == {
        "Demi-pension",
        "Internat",
    }
    assert Motif.objects.filter(
        etablissement=etablissement, libelle="Maladie", couleur__isnull=False
    ).exists()
    assert Justificatif.objects.filter(etablissement=etablissement, libelle="Certificat médical").exists()
    assert parametrages.annee_debut.month == 9


@pytest.mark.parametrize("slug", sorted(KINDS))
def test_every_list_pages_in_constant_queries(
    habilitee_client, etablissement, slug, django_assert_max_num_queries
):
    habilitee_client.get(reverse(KINDS[slug].url_name("list")))  # creates the defaults
    with django_assert_max_num_queries(12):
        response = habilitee_client.get(reverse(KINDS[slug].url_name("list")))

    assert response.status_code == 200
    assert KINDS[slug].add_label in response.content.decode()


def test_add_modify_and_delete_a_motif(habilitee_client, etablissement, parametrages):
    bleu = Couleur.objects.get(etablissement=etablissement, libelle="Bleu")

    response = habilitee_client.post(
        reverse("parametrages_motifs_add"), {"libelle": "Sortie scolaire", "couleur": bleu.pk}
    )
    assert response.status_code == 302
    motif = Motif.objects.get(etablissement=etablissement, libelle="Sortie scolaire")

    habilitee_client.post(
        reverse("parametrages_motifs_edit", args=[motif.pk]),
        {"libelle": "Voyage scolaire", "couleur": bleu.pk},
    )
    motif.refresh_from_db()
    assert motif.libelle == "Voyage scolaire"

    habilitee_client.post(reverse("parametrages_motifs_delete", args=[motif.pk]))
    assert not Motif.objects.filter(pk=motif.pk).exists()
    assert AuditEntry.objects.filter(
        etablissement=etablissement, action="absences.parametrage_supprimé"
    ).exists()


def test_a_duplicate_libelle_gets_a_message(habilitee_client, parametrages):
    response = habilitee_client.post(
        reverse("parametrages_justificatifs_add"), {"libelle": "Certificat médical"}
    )

    assert response.status_code == 200
    assert "Ce libellé existe déjà : « Certificat médical »." in response.content.decode()


def test_a_motif_in_use_cannot_be_deleted_only_retired(
    habilitee_client, habilitee_user, etablissement, eleve, maladie
):
    evenement_record(
        etablissement=etablissement,
        user=habilitee_user,
        eleve=eleve,
        data=EvenementData(type="absence", debut=today_at(8, 30), fin=today_at(9, 25), motif=maladie),
        token="t1",
    )

    response = habilitee_client.post(reverse("parametrages_motifs_delete", args=[maladie.pk]), follow=True)

    assert "est utilisé : il ne peut pas être supprimé, seulement retiré" in response.content.decode()
    assert Motif.objects.filter(pk=maladie.pk).exists()

    habilitee_client.post(reverse("parametrages_motifs_retire", args=[maladie.pk]))
    maladie.refresh_from_db()
    assert maladie.actif is False


def test_a_horaire_ending_before_it_starts_is_refused(habilitee_client, parametrages):
    response = habilitee_client.post(
        reverse("parametrages_horaires_add"),
        {"libelle": "Étude", "kind": "cours", "debut": "18:00", "fin": "17:00"},
    )

    assert "L&#x27;heure de fin doit être après l&#x27;heure de début." in response.content.decode()


def _action_form(sms_action, emetteur: str) -> dict:
    return {
        "libelle_court": "SMS2",
        "libelle_long": "Envoi de SMS",
        "delai_alerte_jours": "2",
        "traitement": "sms",
        "modele": sms_action.modele_id,
        "emetteur": emetteur,
        "code_fournisseur": "0",
    }


@pytest.mark.parametrize(
    ("emetteur", "stored"),
    [("01 46 00 00 00", "+33146000000"), ("COLLEGE VH", "COLLEGE VH"), ("", "")],
)
def test_add_the_sms_action_with_a_valid_emetteur(
    habilitee_client, etablissement, sms_action, emetteur, stored
):
    response = habilitee_client.post(
        reverse("parametrages_actions_add"),
        _action_form(sms_action, emetteur),
    )

    assert response.status_code == 302
    assert Action.objects.get(etablissement=etablissement, libelle_court="SMS2").emetteur == stored


@pytest.mark.parametrize("emetteur", ["COLLEGE VICTOR HUGO", "0146", "Collège", "+33 6 12"])
def test_a_bad_emetteur_is_refused_in_french(habilitee_client, sms_action, emetteur):
    response = habilitee_client.post(
        reverse("parametrages_actions_add"),
        _action_form(sms_action, emetteur),
    )

    assert response.status_code == 200
    assert "ou un nom de 11 caractères au plus" in response.content.decode()


def test_the_action_form_has_the_seed_labels(habilitee_client, parametrages):
    html = habilitee_client.get(reverse("parametrages_actions_add")).content.decode()

    for label in (
        "Libellé court",
        "Libellé long",
        "Délai de réponse du responsable avant alerte",
        "Jour(s)",
        "Traitement",
        "Envoi de SMS",
        "Modèle de document",
        "Emetteur",
        "Code Fournisseur de Service",
        "champs obligatoires",
    ):
        assert label in html
    assert 'value="0"' in html  # the code fournisseur is 0 by default
    assert 'value="04 72 00 00 00"' in html  # the school's phone is offered as émetteur


@pytest.mark.parametrize(
    ("url", "field", "empty"),
    [("parametrages_actions_add", "modele", "AUCUN"), ("parametrages_motifs_add", "couleur", "AUCUNE")],
)
def test_an_empty_choice_says_aucun_in_french(habilitee_client, parametrages, url, field, empty):
    """The Modèle de document of an action offered Django's « --------- » for none."""
    html = habilitee_client.get(reverse(url)).content.decode()

    assert "---------" not in html
    assert f'<select name="{field}"' in html
    assert f'<option value="" selected>{empty}</option>' in html


def test_a_document_model_with_an_unknown_variable_is_refused(habilitee_client, parametrages):
    response = habilitee_client.post(
        reverse("parametrages_modeles-de-document_add"), {"nom": "retard", "texte": "[PRENOM] [CLASSE]"}
    )

    assert "Variable inconnue : [CLASSE]" in response.content.decode()


def test_the_valeurs_par_defaut_refuse_an_inverted_school_year(habilitee_client, parametrages):
    response = habilitee_client.post(
        reverse("parametrages_valeurs"), {"annee_debut": "2026-09-01", "annee_fin": "2026-08-31"}
    )

    assert "La fin de l&#x27;année scolaire doit être après son début." in response.content.decode()


def test_a_groupe_de_divisions_takes_only_this_schools_divisions(
    habilitee_client, etablissement, other_etablissement
):
    from eleves.models import GroupeDivisions
    from tests.factories import DivisionFactory

    mine = DivisionFactory(etablissement=etablissement, code="3A")
    foreign = DivisionFactory(etablissement=other_etablissement, code="3Z")
    url = reverse("parametrages_groupes-de-divisions_add")

    refused = habilitee_client.post(url, {"nom": "Tous les 3e", "divisions": [foreign.pk]})
    assert refused.status_code == 200
    habilitee_client.post(url, {"nom": "Tous les 3e", "divisions": [mine.pk]})

    groupe = GroupeDivisions.objects.get(etablissement=etablissement)
    assert list(groupe.divisions.all()) == [mine]
    assert "3A" in habilitee_client.get(reverse("parametrages_groupes-de-divisions_list")).content.decode()


@pytest.mark.parametrize("delai", ["99999999999999", "366"])
def test_a_delai_beyond_a_year_is_refused_in_french(habilitee_client, etablissement, sms_action, delai):
    response = habilitee_client.post(
        reverse("parametrages_actions_add"),
        {**_action_form(sms_action, "COLLEGE VH"), "delai_alerte_jours": delai},
    )

    assert response.status_code == 200
    assert "Le délai de réponse est de 0 à 365 jours." in response.content.decode()
    assert not Action.objects.filter(etablissement=etablissement, libelle_court="SMS2").exists()


def test_a_delai_of_a_year_is_accepted_and_the_field_says_its_bounds(
    habilitee_client, etablissement, sms_action
):
    html = habilitee_client.get(reverse("parametrages_actions_add")).content.decode()
    assert 'min="0" max="365"' in html

    response = habilitee_client.post(
        reverse("parametrages_actions_add"),
        {**_action_form(sms_action, "COLLEGE VH"), "delai_alerte_jours": "365"},
    )

    assert response.status_code == 302
    assert Action.objects.get(etablissement=etablissement, libelle_court="SMS2").delai_alerte_jours == 365


def test_the_migration_brings_a_delai_beyond_a_year_down_to_a_year(sms_action):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("absences.migrations.0002_action_delai_alerte_at_most_365")
    Action.objects.filter(pk=sms_action.pk).update(delai_alerte_jours=32767)

    migration.clamp_delais(apps, None)

    sms_action.refresh_from_db()
    assert sms_action.delai_alerte_jours == 365


@pytest.mark.parametrize("libelle", ["maladie", "MALADIE", "  Maladie ", "Màladie"])
def test_a_motif_repeating_another_but_for_case_or_accents_is_refused(
    habilitee_client, etablissement, parametrages, libelle
):
    response = habilitee_client.post(reverse("parametrages_motifs_add"), {"libelle": libelle})

    assert response.status_code == 200
    assert "Ce libellé existe déjà : « Maladie »." in response.content.decode()
    assert Motif.objects.filter(etablissement=etablissement).count() == len(defaults.MOTIFS)


def test_a_motif_of_another_school_or_its_own_libelle_is_no_duplicate(
    habilitee_client, etablissement, other_etablissement, parametrages, maladie
):
    Motif.objects.create(etablissement=other_etablissement, libelle="Stage")

    added = habilitee_client.post(reverse("parametrages_motifs_add"), {"libelle": "stage"})
    kept = habilitee_client.post(
        reverse("parametrages_motifs_edit", args=[maladie.pk]), {"libelle": "maladie", "legitime": "on"}
    )

    assert added.status_code == kept.status_code == 302
    maladie.refresh_from_db()
    assert maladie.libelle == "maladie"


def test_a_horaire_inside_another_of_the_same_kind_is_refused_and_names_it(
    habilitee_client, etablissement, parametrages
):
    response = habilitee_client.post(
        reverse("parametrages_horaires_add"),
        {"libelle": "Soutien", "kind": "cours", "debut": "08:45", "fin": "09:10"},
    )

    assert response.status_code == 200
    assert "Cet horaire chevauche l&#x27;horaire « 08:30 » (08:30 – 09:25) du même type" in (
        response.content.decode()
    )
    assert not Horaire.objects.filter(etablissement=etablissement, libelle="Soutien").exists()


def test_a_horaire_touching_another_or_of_another_kind_is_accepted(
    habilitee_client, etablissement, parametrages
):
    url = reverse("parametrages_horaires_add")
    touching = habilitee_client.post(
        url, {"libelle": "Étude", "kind": "cours", "debut": "18:00", "fin": "18:45"}
    )
    other_kind = habilitee_client.post(
        url, {"libelle": "Petit-déjeuner", "kind": "internat", "debut": "07:30", "fin": "08:45"}
    )
    retired = Horaire.objects.get(etablissement=etablissement, libelle="08:30")
    retired.actif = False
    retired.save()
    replacing = habilitee_client.post(
        url, {"libelle": "08:45", "kind": "cours", "debut": "08:45", "fin": "09:25"}
    )

    assert touching.status_code == other_kind.status_code == replacing.status_code == 302


def test_modifying_a_horaire_is_not_an_overlap_with_itself(habilitee_client, etablissement, parametrages):
    horaire = Horaire.objects.get(etablissement=etablissement, libelle="08:30")

    response = habilitee_client.post(
        reverse("parametrages_horaires_edit", args=[horaire.pk]),
        {"libelle": "08:30", "kind": "cours", "debut": "08:35", "fin": "09:25"},
    )

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("annee_fin", "message"),
    [
        ("9999-12-31", "Saisissez une date valide, entre le 01/01/1900 et le 31/12/2999."),
        (
            "2027-10-02",
            "Une année scolaire dure au plus 13 mois : sa fin doit être au plus tard le 01/10/2027.",
        ),
        ("2026-09-01", "La fin de l&#x27;année scolaire doit être après son début."),
    ],
)
def test_the_valeurs_par_defaut_refuse_a_school_year_too_long_or_inverted(
    habilitee_client, parametrages, annee_fin, message
):
    response = habilitee_client.post(
        reverse("parametrages_valeurs"), {"annee_debut": "2026-09-01", "annee_fin": annee_fin}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    parametrages.refresh_from_db()
    assert parametrages.annee_fin.year < 9999


def test_a_school_year_of_thirteen_months_is_accepted(habilitee_client, parametrages):
    response = habilitee_client.post(
        reverse("parametrages_valeurs"), {"annee_debut": "2026-08-31", "annee_fin": "2027-09-30"}
    )

    assert response.status_code == 302
    parametrages.refresh_from_db()
    assert str(parametrages.annee_fin) == "2027-09-30"


@pytest.mark.parametrize(
    ("stored", "shown"), [("+33472000000", "04 72 00 00 00"), ("COLLEGE VH", "COLLEGE VH")]
)
def test_the_actions_list_shows_the_emetteur_as_its_form_does(habilitee_client, sms_action, stored, shown):
    sms_action.emetteur = stored
    sms_action.save()

    page = habilitee_client.get(reverse("parametrages_actions_list")).content.decode()

    assert shown in page
    assert "+33472000000" not in page


@pytest.mark.parametrize(
    "typed",
    [
        {"annee_debut": "0005-09-01"},
        {"annee_fin": "0005-07-04"},
        {"annee_debut": "20026-09-01"},
        {"annee_fin": "20026-07-04"},
    ],
)
def test_a_school_year_typed_in_a_year_nobody_means_is_refused_in_french_and_kept(
    habilitee_client, parametrages, typed
):
    values = {"annee_debut": "2026-09-01", "annee_fin": "2027-07-04", **typed}
    before = (parametrages.annee_debut, parametrages.annee_fin)

    response = habilitee_client.post(reverse("parametrages_valeurs"), values)

    page = response.content.decode()
    assert "Saisissez une date valide, entre le 01/01/1900 et le 31/12/2999." in page
    [(name, value)] = typed.items()
    assert f'name="{name}" value="{value}"' in page
    assert response.status_code == 200
    parametrages.refresh_from_db()
    assert (parametrages.annee_debut, parametrages.annee_fin) == before


def test_the_journal_says_what_the_valeurs_par_defaut_changed(
    habilitee_client, etablissement, habilitee_user, parametrages
):
    sms_sending_window_set(etablissement=etablissement, user=habilitee_user, start=time(7, 30), end=time(20))
    valeurs = parametrages
    AuditEntry.objects.all().delete()

    habilitee_client.post(
        reverse("parametrages_valeurs"),
        {
            "annee_debut": valeurs.annee_debut.isoformat(),
            "annee_fin": "2027-07-04",
            "sms_start": "08:00",
            "sms_end": "19:00",
        },
    )

    journal = set(AuditEntry.objects.values_list("action", "summary"))
    assert journal == {
        (
            "absences.valeurs_par_defaut_changed",
            f"Année scolaire : du {valeurs.annee_debut:%d/%m/%Y} au {valeurs.annee_fin:%d/%m/%Y} "
            f"→ du {valeurs.annee_debut:%d/%m/%Y} au 04/07/2027",
        ),
        ("sms.sending_window_changed", "Plage d'envoi des SMS : 07:30–20:00 → 08:00–19:00"),
    }
    page = habilitee_client.get(reverse("journal")).content.decode()
    assert "<td>Plage d&#x27;envoi des SMS modifiée</td>" in page
    assert "<td>Fournisseur de services modifié</td>" not in page
