"""Paramétrages > Coordonnées de l'établissement: the letterhead of courriers and bilans."""

from django.urls import reverse

from etablissements.models import AuditEntry

URL = reverse("parametrages_coordonnees")
VALID = {
    "adresse": "12 rue des Écoles\nBP 42",
    "code_postal": "69 003",
    "ville": "Lyon",
    "telephone": "0472000000",
    "courriel": "ce.0690001a@ac-lyon.fr",
}


def test_the_personne_habilitee_sets_the_coordonnees(habilitee_client, etablissement):
    response = habilitee_client.post(URL, VALID, follow=True)

    etablissement.refresh_from_db()
    assert (etablissement.adresse, etablissement.code_postal, etablissement.ville) == (
        "12 rue des Écoles\nBP 42",
        "69003",
        "LYON",
    )
    assert etablissement.telephone == "04 72 00 00 00"
    assert etablissement.courriel == "ce.0690001a@ac-lyon.fr"
    assert "Coordonnées enregistrées" in response.content.decode()


def test_what_changed_is_journaled(habilitee_client, etablissement):
    etablissement.telephone = "04 72 00 00 00"
    etablissement.save()

    habilitee_client.post(URL, {**VALID, "telephone": "04 78 11 22 33"})

    entry = AuditEntry.objects.get(etablissement=etablissement, action="etablissements.coordonnees_changed")
    assert "téléphone 04 72 00 00 00 → 04 78 11 22 33" in entry.summary
    assert "adresse modifiée" in entry.summary


def test_nothing_changed_writes_no_journal_line(habilitee_client, etablissement):
    habilitee_client.post(URL, VALID)
    habilitee_client.post(URL, VALID)

    assert AuditEntry.objects.filter(action="etablissements.coordonnees_changed").count() == 1


def test_bad_input_is_refused_in_french_and_kept(habilitee_client, etablissement):
    response = habilitee_client.post(
        URL, {**VALID, "code_postal": "6900", "telephone": "12345", "courriel": "pas-un-courriel"}
    )

    page = response.content.decode()
    assert "Un code postal s&#x27;écrit avec 5 chiffres" in page
    assert "n&#x27;est pas un numéro français" in page
    assert "Saisissez une adresse de courriel valide" in page
    assert "12 rue des Écoles" in page  # what was typed is shown again
    etablissement.refresh_from_db()
    assert etablissement.code_postal == ""


def test_only_the_users_own_school_changes(habilitee_client, etablissement, other_etablissement):
    habilitee_client.post(URL, VALID)

    other_etablissement.refresh_from_db()
    assert other_etablissement.ville == ""


def test_the_vie_scolaire_cannot_change_them(vie_scolaire_client, etablissement):
    response = vie_scolaire_client.post(URL, VALID)

    assert response.status_code == 403
    etablissement.refresh_from_db()
    assert etablissement.ville == ""


def test_an_address_too_long_for_the_letterhead_is_refused_and_kept(habilitee_client, etablissement):
    """Letterheads overlapped the recipient's address and the letter once the address ran long."""
    too_many_lines = "12 rue des Écoles\nBP 42\nBâtiment B\nEscalier C\nCS 1234"
    too_wide = "12 rue des Écoles et de la République Française"

    for adresse, message, kept in (
        (too_many_lines, "L&#x27;adresse fait 5 lignes : 4 au plus", "Escalier C"),
        (too_wide, "une ligne de l&#x27;adresse fait 38 caractères au plus", "République Française"),
    ):
        page = habilitee_client.post(URL, {**VALID, "adresse": adresse}).content.decode()

        assert message in page
        assert kept in page  # what was typed is shown again
    etablissement.refresh_from_db()
    assert etablissement.adresse == ""


def test_blank_lines_and_spaces_of_the_address_are_dropped(habilitee_client, etablissement):
    habilitee_client.post(URL, {**VALID, "adresse": "  12 rue des Écoles \n\n\n BP 42\n"})

    etablissement.refresh_from_db()
    assert etablissement.adresse == "12 rue des Écoles\nBP 42"
