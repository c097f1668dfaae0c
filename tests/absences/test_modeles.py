"""Modèles de document: rendering without non-breaking spaces, and the editor's GSM counter."""

from django.urls import reverse

from absences import rendering

from .conftest import today_at

TRICKY = "Garçon, œuvre l’après-midi : 5\u202f€ dû"


def test_rendered_dates_and_hours_never_carry_a_non_breaking_space(etablissement, eleve):
    etablissement.nom = "Collège\u00a0Victor\u202fHugo"
    values = rendering.values_for(
        etablissement=etablissement,
        eleve=eleve,
        type_label="Absence",
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
