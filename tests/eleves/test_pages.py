"""The Base élèves screens: search, fiche, responsable form, the CPE list, Import/Export."""

import pytest
from django.urls import reverse

from eleves.demo import demo_export_files
from eleves.models import ConsentChange, Eleve, Lien, Responsable, SiecleImport
from eleves.services import siecle_import
from etablissements.models import AuditEntry
from tests.factories import DivisionFactory, EleveFactory, LienFactory
from tests.pagination import page_links


@pytest.fixture
def college(etablissement, habilitee_user):
    """The Collège Victor Hugo with its pupils of the synthetic export."""
    siecle_import(etablissement=etablissement, files=demo_export_files("sample-a"), user=habilitee_user)
    return etablissement


def _form_data(lien, **changes):
    responsable = lien.responsable
    data = {
        "civilite": responsable.civilite,
        "nom": responsable.nom,
        "prenom": responsable.prenom,
        "adresse": responsable.adresse,
        "code_postal": responsable.code_postal,
        "commune": responsable.commune,
        "pays": responsable.pays,
        "courriel": responsable.courriel,
        "tel_domicile": responsable.tel_domicile,
        "tel_domicile_etranger": str(responsable.tel_domicile_etranger),
        "tel_travail": responsable.tel_travail,
        "tel_travail_etranger": str(responsable.tel_travail_etranger),
        "tel_mobile": responsable.tel_mobile,
        "tel_mobile_etranger": str(responsable.tel_mobile_etranger),
        "lien": lien.lien,
        "legal_1": "on" if lien.legal_rank == 1 else "",
        "legal_2": "on" if lien.legal_rank == 2 else "",
        "financier": "on" if lien.financier else "",
        "correspondant": "on" if lien.correspondant else "",
    }
    if responsable.accepte_sms:
        data["accepte_sms"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _lien(eleve_siecle_id, personne_siecle_id):
    return Lien.objects.select_related("responsable").get(
        eleve__siecle_id=eleve_siecle_id, responsable__siecle_id=personne_siecle_id
    )


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"nom": "mor"}, ["MOREL Gabriel", "MOREL Inès"]),
        ({"nom": "MOR", "prenom": "ines"}, ["MOREL Inès"]),
        ({"prenom": "THEO"}, ["BONNET Théo"]),
        ({"nom": "rel"}, []),  # the start of the name, not the middle
    ],
)
def test_fiches_individuelles_match_the_start_ignoring_case_and_accents(
    vie_scolaire_client, college, query, found
):
    response = vie_scolaire_client.get(reverse("eleves:fiches"), query)

    assert [f"{e.nom} {e.prenom}" for e in response.context["page"]] == found


def test_fiches_individuelles_filter_by_classe_and_paginate_in_constant_queries(
    vie_scolaire_client, etablissement, django_assert_max_num_queries
):
    division = DivisionFactory(etablissement=etablissement, code="5B")
    EleveFactory.create_batch(120, etablissement=etablissement, division=division)
    EleveFactory.create_batch(
        5, etablissement=etablissement, division=DivisionFactory(etablissement=etablissement, code="4A")
    )

    with django_assert_max_num_queries(12):
        response = vie_scolaire_client.get(reverse("eleves:fiches"), {"division": division.pk, "page": 2})

    page = response.context["page"]
    assert (page.paginator.count, page.number, len(page.object_list)) == (120, 2, 50)
    assert "Enregistrement(s) 51 à 100, sur 120 trouvé(s)" in response.content.decode()


def test_fiches_individuelles_page_links_surround_the_current_page_and_keep_the_search(
    vie_scolaire_client, etablissement
):
    division = DivisionFactory(etablissement=etablissement, code="5B")
    EleveFactory.create_batch(450, etablissement=etablissement, division=division)  # 9 pages of 50

    response = vie_scolaire_client.get(
        reverse("eleves:fiches"), {"nom": "eleve", "division": division.pk, "page": 3}
    )

    assert "Enregistrement(s) 101 à 150, sur 450 trouvé(s)" in response.content.decode()
    link = f"?nom=eleve&division={division.pk}&page="
    assert page_links(response) == [
        f"{link}1",
        f"{link}2",
        "[3]",
        f"{link}4",
        f"{link}5",
        "…",
        f"{link}8",
        f"{link}9",
    ]


def test_another_schools_classe_is_refused_with_a_message_and_shows_nothing(
    vie_scolaire_client, etablissement, other_etablissement
):
    theirs = DivisionFactory(etablissement=other_etablissement, code="2A")
    EleveFactory(etablissement=other_etablissement, nom="VOISIN", division=theirs)

    response = vie_scolaire_client.get(reverse("eleves:fiches"), {"division": theirs.pk})

    assert response.context["page"] is None
    assert "Classe : Sélectionnez un choix valide." in response.content.decode()
    assert "VOISIN" not in response.content.decode()


def test_a_pupil_who_left_is_found_only_on_request(vie_scolaire_client, etablissement):
    EleveFactory(etablissement=etablissement, nom="PARTI", date_sortie="2020-01-01")

    assert not vie_scolaire_client.get(reverse("eleves:fiches"), {"nom": "parti"}).context["page"].object_list
    found = vie_scolaire_client.get(reverse("eleves:fiches"), {"nom": "parti", "sortis": "on"}).context[
        "page"
    ]
    assert [e.nom for e in found] == ["PARTI"]


def test_the_responsables_tab_shows_each_one_with_their_sms_status(vie_scolaire_client, college):
    lucas = Eleve.objects.get(siecle_id="2310406")

    response = vie_scolaire_client.get(reverse("eleves:fiche_responsables", args=[lucas.pk]))

    html = response.content.decode()
    assert [lien.responsable.prenom for lien, _ in response.context["liens"]] == [
        "Isabelle",
        "Stéphane",
        "Josiane",
    ]
    assert "Légal 1 - Financier" in html
    assert "SMS impossible : n&#x27;accepte pas les SMS" in html
    assert "06 92 41 27 83" in html
    assert html.count(">Modifier</a>") == 3


def test_the_responsable_form_saves_consent_and_keeps_its_history(
    vie_scolaire_client, college, vie_scolaire_user
):
    lien = _lien("2310401", "4410002")  # Julien MARTIN, who did not accept SMS
    url = reverse("eleves:responsable_modifier", args=[lien.eleve_id, lien.responsable_id])

    response = vie_scolaire_client.post(url, _form_data(lien, accepte_sms="on", tel_mobile="06 98 76 54 33"))

    assert response.status_code == 302
    julien = Responsable.objects.get(pk=lien.responsable_id)
    assert (julien.accepte_sms, julien.tel_mobile) == (True, "+33698765433")
    changes = set(
        julien.consent_changes.filter(source="saisie").values_list(
            "username", "field", "old_value", "new_value"
        )
    )
    assert changes == {
        ("viescolaire", "accepte_sms", "non", "oui"),
        ("viescolaire", "tel_mobile", "+33698765432", "+33698765433"),
    }
    journal = list(
        AuditEntry.objects.filter(action="eleves.consent_changed").values_list("summary", flat=True)
    )
    assert "accepte les SMS de MARTIN Julien : « non » → « oui »" in journal
    assert "Tél. Mobile de MARTIN Julien : « 06 •• •• •• 32 » → « 06 •• •• •• 33 »" in journal
    page = vie_scolaire_client.get(url).content.decode()
    assert "Historique du consentement" in page
    assert "06 98 76 54 33" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"tel_mobile": "06 12 34"}, "tel_mobile", "n'est pas un numéro français : il faut 10 chiffres"),
        (
            {"tel_mobile": "01 46 00 00 00"},
            "tel_mobile",
            "n'est pas un numéro de mobile : c'est une ligne fixe.",
        ),
        (
            {"tel_mobile": "0470123456", "tel_mobile_etranger": "True"},
            "tel_mobile",
            "au format international",
        ),
        ({"nom": ""}, "nom", "Ce champ est obligatoire."),
        ({"legal_1": "on", "legal_2": "on"}, "legal_2", "à la fois Légal 1 et Légal 2"),
        ({"legal_1": "on"}, "legal_1", "MARTIN Sophie est déjà Légal 1 de cet élève."),
        ({"tel_mobile": ""}, "tel_mobile", "il faut un numéro de mobile"),
        ({"courriel": "pas-un-courriel"}, "courriel", "Saisissez une adresse de courriel valide."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(
    vie_scolaire_client, college, changes, field, message
):
    lien = _lien("2310401", "4410002")
    before = list(Responsable.objects.filter(pk=lien.responsable_id).values())
    url = reverse("eleves:responsable_modifier", args=[lien.eleve_id, lien.responsable_id])

    response = vie_scolaire_client.post(url, _form_data(lien, **{"accepte_sms": "on", **changes}))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "La fiche n'a pas été enregistrée" in response.content.decode()
    assert list(Responsable.objects.filter(pk=lien.responsable_id).values()) == before
    assert not ConsentChange.objects.filter(source="saisie").exists()


def test_a_refused_form_shows_the_responsable_as_saved_not_as_typed(vie_scolaire_client, college):
    lien = _lien("2310401", "4410002")  # Julien MARTIN, who did not accept SMS
    url = reverse("eleves:responsable_modifier", args=[lien.eleve_id, lien.responsable_id])

    response = vie_scolaire_client.post(
        url, _form_data(lien, nom="MARTINEZ", accepte_sms="on", courriel="pas-un-courriel")
    )

    assert response.status_code == 200
    assert "Responsable : Monsieur MARTIN Julien" in response.content.decode()
    assert "SMS impossible : n&#x27;accepte pas les SMS" in response.content.decode()
    assert response.context["form"]["nom"].value() == "MARTINEZ"


def test_a_foreign_mobile_is_kept_in_international_form(vie_scolaire_client, college):
    lien = _lien("2310404", "4410006")  # Marc ROUSSEAU, in Brussels
    url = reverse("eleves:responsable_modifier", args=[lien.eleve_id, lien.responsable_id])

    form_page = vie_scolaire_client.get(url).content.decode()
    response = vie_scolaire_client.post(url, _form_data(lien, tel_mobile="+32 470 12 34 99"))

    assert 'value="+32 470 12 34 56"' in form_page
    assert response.status_code == 302
    assert Responsable.objects.get(pk=lien.responsable_id).tel_mobile == "+32470123499"


def test_the_cpe_list_shows_legal_responsables_no_sms_reaches_per_division_and_exports_csv(
    vie_scolaire_client, college, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = vie_scolaire_client.get(reverse("eleves:responsables_sans_sms"))

    rows = [(lien.responsable.prenom, reach.reason) for lien, reach in response.context["page"]]
    # Légaux only: Josiane HOARAU (contact) and Martine FRANÇOIS (en charge) are not listed.
    assert sorted(rows) == sorted(
        [
            ("Julien", "n'accepte pas les SMS"),
            ("Olivier", "n'accepte pas les SMS"),
            ("Thomas", "n'accepte pas les SMS"),
            ("Stéphane", "n'accepte pas les SMS"),
            ("Frédéric", "n'accepte pas les SMS"),
        ]
    )
    division = college.divisions.get(code="5B")
    csv_response = vie_scolaire_client.get(
        reverse("eleves:responsables_sans_sms"), {"division": division.pk, "format": "csv"}
    )
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Division;Élève;Responsable;Qualités;Tél. Mobile;Raison"
    assert lines[1:] == [
        "5B;MARTIN Léa;Monsieur MARTIN Julien;Légal 2;06 98 76 54 32;n'accepte pas les SMS",
        "5B;PETIT Chloé;Monsieur PETIT Olivier;Légal 2;;n'accepte pas les SMS",
    ]


def test_the_import_page_imports_then_shows_the_report(habilitee_client, etablissement):
    eleves_file, responsables_file = demo_export_files("sample-a")

    response = habilitee_client.post(
        reverse("eleves:import_export"),
        {"eleves": _upload(*eleves_file), "responsables": _upload(*responsables_file)},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse(
        "eleves:import_report", args=[SiecleImport.objects.get().pk]
    )
    html = response.content.decode()
    assert "Compte rendu de l'import SIECLE" in html
    assert "<th>Élèves</th><td>12</td><td>0</td><td>0</td><td>0</td>" in html


def test_the_import_page_refuses_another_schools_export_and_changes_nothing(habilitee_client, etablissement):
    eleves_file, responsables_file = demo_export_files("lycee-jean-moulin")

    response = habilitee_client.post(
        reverse("eleves:import_export"),
        {"eleves": _upload(*eleves_file), "responsables": _upload(*responsables_file)},
    )

    assert response.status_code == 200
    assert "Cet export est celui de l&#x27;établissement 0699991K" in response.content.decode()
    assert not Eleve.objects.exists()


def test_the_import_page_refuses_an_export_re_saved_as_utf8_and_says_what_to_do(
    habilitee_client, etablissement
):
    (eleves_name, eleves_data), responsables_file = demo_export_files("sample-a")
    resaved = eleves_data.decode("iso-8859-15").encode("utf-8")

    response = habilitee_client.post(
        reverse("eleves:import_export"),
        {"eleves": _upload(eleves_name, resaved), "responsables": _upload(*responsables_file)},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "a été ré-enregistré dans un autre encodage que celui de SIECLE" in html
    assert "Exportez de nouveau les fichiers depuis SIECLE" in html
    assert not Eleve.objects.exists()


def _upload(name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/xml")


def test_vie_scolaire_may_not_import(vie_scolaire_client, etablissement):
    assert vie_scolaire_client.get(reverse("eleves:import_export")).status_code == 403
    assert vie_scolaire_client.post(reverse("eleves:import_export"), {}).status_code == 403


def test_a_user_without_a_role_sees_no_fiche(client, etablissement):
    from tests.factories import UserFactory

    client.force_login(UserFactory(etablissements=[etablissement]))
    lien = LienFactory(eleve__etablissement=etablissement)

    for url in (
        reverse("eleves:fiches"),
        reverse("eleves:fiche", args=[lien.eleve_id]),
        reverse("eleves:responsable_modifier", args=[lien.eleve_id, lien.responsable_id]),
        reverse("eleves:responsables_sans_sms"),
    ):
        assert client.get(url).status_code == 403, url


def test_every_eleves_url_with_an_object_id_answers_404_for_another_school(
    habilitee_client, other_etablissement, habilitee_user
):
    lien = LienFactory(eleve__etablissement=other_etablissement)
    foreign_import = siecle_import(
        etablissement=other_etablissement, files=demo_export_files("lycee-jean-moulin"), user=habilitee_user
    )
    urls = [
        reverse("eleves:fiche", args=[lien.eleve_id]),
        reverse("eleves:fiche_scolarite", args=[lien.eleve_id]),
        reverse("eleves:fiche_responsables", args=[lien.eleve_id]),
        reverse("eleves:responsable_modifier", args=[lien.eleve_id, lien.responsable_id]),
        reverse("eleves:import_report", args=[foreign_import.pk]),
    ]

    for url in urls:
        assert habilitee_client.get(url).status_code == 404, url
    assert habilitee_client.post(urls[3], _form_data(lien, nom="PIRATE")).status_code == 404
    assert Responsable.objects.get(pk=lien.responsable_id).nom != "PIRATE"


def test_the_csv_export_never_hands_a_spreadsheet_a_formula(vie_scolaire_client, college):
    lien = _lien("2310401", "4410002")  # MARTIN Julien, no consent, father of Léa
    Eleve.objects.filter(pk=lien.eleve_id).update(nom='=HYPERLINK("http://x";"y")')
    Responsable.objects.filter(pk=lien.responsable_id).update(tel_mobile="+32470123499")

    csv_response = vie_scolaire_client.get(reverse("eleves:responsables_sans_sms"), {"format": "csv"})

    [line] = [row for row in csv_response.content.decode("utf-8-sig").splitlines() if "HYPERLINK" in row]
    assert line.startswith("5B;\"'=HYPERLINK(")
    assert ";+32 470 12 34 99;" in line


def test_a_foreign_mobile_typed_with_francais_ticked_is_kept_as_etranger(vie_scolaire_client, college):
    lien = _lien("2310401", "4410002")  # Julien MARTIN, French numbers
    url = reverse("eleves:responsable_modifier", args=[lien.eleve_id, lien.responsable_id])

    response = vie_scolaire_client.post(
        url, _form_data(lien, tel_mobile="+44 7911 123456", tel_mobile_etranger="False")
    )

    assert response.status_code == 302
    julien = Responsable.objects.get(pk=lien.responsable_id)
    assert (julien.tel_mobile, julien.tel_mobile_etranger) == ("+447911123456", True)
    form_page = vie_scolaire_client.get(url).content.decode()
    assert 'value="+44 7911 123456"' in form_page


def test_the_import_report_shows_the_conflicting_mobiles_formatted(
    vie_scolaire_client, habilitee_client, college, habilitee_user
):
    lien = _lien("2310401", "4410002")  # Julien MARTIN, +33698765432 in SIECLE
    vie_scolaire_client.post(
        reverse("eleves:responsable_modifier", args=[lien.eleve_id, lien.responsable_id]),
        _form_data(lien, tel_mobile="06 98 76 54 33"),
    )
    again = siecle_import(etablissement=college, files=demo_export_files("sample-a"), user=habilitee_user)

    html = habilitee_client.get(reverse("eleves:import_report", args=[again.pk])).content.decode()

    assert "<td>Tél. Mobile</td><td>06 98 76 54 33</td><td>06 98 76 54 32</td>" in html
    assert "+3369876543" not in html
