"""Envoi aux familles > Courriers and Courriels: the seed's words, Editer and its printable page,
Supprimer, Envoyer; constant queries; another school's letters are unreachable."""

import html
import re

import pytest
from django.db import connection
from django.urls import reverse

from envois import services
from envois.models import Envoi, EnvoiKind, EnvoiState
from envois.selectors import envois_list
from etablissements.models import AuditEntry
from tests import factories
from tests.pagination import page_links

from .conftest import bulk_envois, page_text, queue_envois


def test_courriers_lists_the_waiting_letters_with_the_seed_words(vie_scolaire_client, etablissement):
    queue_envois(etablissement, EnvoiKind.COURRIER, 1)

    response = vie_scolaire_client.get(reverse("courriers"))
    page = page_text(response)

    assert "Il y a actuellement 1 courrier(s) en attente d'édition" in page
    for word in ("Action", "Nom élève", "Division", "Evènement", "Destinataire", "tout sélectionner"):
        assert word in page
    assert "Courrier aux responsables" in page
    assert "Légal 1 - Financier" in page
    assert "Editer les courriers sélectionnés" in page
    assert "Supprimer" in page
    assert "Enregistrement(s) 1 à 1, sur 1 trouvé(s)" in page
    assert page_links(response) == ["[1]"]
    assert "Courriers édités" in page


def test_courriels_lists_the_waiting_emails(vie_scolaire_client, etablissement):
    queue_envois(etablissement, EnvoiKind.COURRIEL, 2)
    queue_envois(etablissement, EnvoiKind.COURRIER, 1)

    page = page_text(vie_scolaire_client.get(reverse("courriels")))

    assert "Il y a actuellement 2 courriel(s) en attente d'envoi" in page
    assert "Envoyer les courriels sélectionnés" in page
    for tab in ("Courriels envoyés", "Courriels en échec", "En cours d'envoi", "Courriels annulés"):
        assert tab in page


def test_the_menu_leads_to_courriers_and_courriels(vie_scolaire_client):
    page = page_text(vie_scolaire_client.get(reverse("home")))

    assert f'href="{reverse("courriers")}"' in page
    assert f'href="{reverse("courriels")}"' in page


def test_courriers_paginates_and_sorts_by_destinataire(vie_scolaire_client, etablissement):
    bulk_envois(etablissement, 45)

    first = page_text(vie_scolaire_client.get(reverse("courriers"), {"tri": "-eleve"}))
    last = page_text(vie_scolaire_client.get(reverse("courriers"), {"tri": "-eleve", "page": 3}))
    beyond = page_text(vie_scolaire_client.get(reverse("courriers"), {"page": 9}))

    assert "Enregistrement(s) 1 à 20, sur 45 trouvé(s)" in first
    assert "ELEVE00044" in first
    assert "ELEVE00000" not in first
    assert "Enregistrement(s) 41 à 45, sur 45 trouvé(s)" in last
    assert "ELEVE00000" in last
    assert "Enregistrement(s) 41 à 45, sur 45 trouvé(s)" in beyond
    assert 'href="?tri=destinataire"' in first


@pytest.mark.parametrize(
    ("url_name", "kind", "state"),
    [
        ("courriers", EnvoiKind.COURRIER, EnvoiState.WAITING),
        ("courriers_edites", EnvoiKind.COURRIER, EnvoiState.DONE),
        ("courriers_annules", EnvoiKind.COURRIER, EnvoiState.CANCELLED),
        ("courriels", EnvoiKind.COURRIEL, EnvoiState.WAITING),
        ("courriels_en_cours", EnvoiKind.COURRIEL, EnvoiState.SENDING),
        ("courriels_envoyes", EnvoiKind.COURRIEL, EnvoiState.DONE),
        ("courriels_echec", EnvoiKind.COURRIEL, EnvoiState.FAILED),
    ],
)
def test_list_pages_run_the_same_queries_for_ten_or_three_thousand_rows(
    vie_scolaire_client,
    vie_scolaire_user,
    etablissement,
    django_assert_max_num_queries,
    url_name,
    kind,
    state,
):
    bulk_envois(etablissement, 10, kind=kind, state=state, changed_by=vie_scolaire_user)
    vie_scolaire_client.get(reverse(url_name))  # session and caches warmed
    with django_assert_max_num_queries(10) as few:
        assert vie_scolaire_client.get(reverse(url_name)).status_code == 200

    bulk_envois(etablissement, 3000, kind=kind, state=state, changed_by=vie_scolaire_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = vie_scolaire_client.get(reverse(url_name))

    assert "sur 3010 trouvé(s)" in page_text(response)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")
@pytest.mark.parametrize("state", [EnvoiState.WAITING, EnvoiState.DONE])
def test_the_lists_read_their_page_from_one_index_range_in_order(etablissement, state):
    for each in (EnvoiState.WAITING, EnvoiState.DONE, EnvoiState.CANCELLED):
        bulk_envois(etablissement, 1000, state=each)
        bulk_envois(etablissement, 1000, kind=EnvoiKind.COURRIEL, state=each)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE envois_envoi")
        cursor.execute("SET LOCAL enable_seqscan = off")

    plan = envois_list(etablissement=etablissement, kind=EnvoiKind.COURRIER, state=state)[20:40].explain()

    assert "envoi_list" in plan
    assert "Sort" not in plan


def test_editer_marks_the_ticked_letters_edited_once_and_opens_the_printable_page(
    vie_scolaire_client, vie_scolaire_user, etablissement
):
    etablissement.adresse, etablissement.code_postal, etablissement.ville = (
        "12 rue Victor Hugo",
        "69002",
        "Lyon",
    )
    etablissement.courriel = "vie-scolaire@example.org"
    etablissement.save()
    edited, untouched = queue_envois(etablissement, EnvoiKind.COURRIER, 2)

    response = vie_scolaire_client.post(reverse("courriers"), {"envoi": [edited.pk], "action": "editer"})
    again = vie_scolaire_client.post(
        reverse("courriers"), {"envoi": [edited.pk], "action": "editer"}, follow=True
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("courriers_impression") + "?edition=")
    edited.refresh_from_db()
    assert (edited.state, edited.changed_by) == (EnvoiState.DONE, vie_scolaire_user)
    assert Envoi.objects.get(pk=untouched.pk).state == EnvoiState.WAITING
    assert "1 courrier(s) déjà édité(s) ou supprimé(s) entre-temps" in page_text(again)
    assert AuditEntry.objects.filter(action="envois.courriers_edited").count() == 1

    printable = page_text(vie_scolaire_client.get(response.url))
    assert printable.count('class="lettre"') == 1
    assert "Collège Victor Hugo" in printable
    assert "12 rue Victor Hugo" in printable
    assert "Tél. : 04 72 00 00 00" in printable
    assert edited.recipient_name in printable
    assert "1 place Bellecour" in printable
    assert "69002 LYON" in printable
    assert re.search(r"Lyon, le \d{1,2} \w+ \d{4}", printable)
    assert f"Objet :</strong> {edited.subject}" in printable
    assert edited.text in printable
    assert "Signature" in printable
    assert "page-break-after" in open_css()
    assert "Courriers édités" in page_text(vie_scolaire_client.get(reverse("courriers_edites")))


def test_what_editer_did_is_said_on_the_printable_page_not_later_on_another(
    vie_scolaire_client, etablissement
):
    """The printable page left « imprimez-les » unsaid: it came up later on the next list shown, in
    another tab too."""
    edited, waiting = queue_envois(etablissement, EnvoiKind.COURRIER, 2)

    printable = page_text(
        vie_scolaire_client.post(
            reverse("courriers"), {"envoi": [edited.pk], "action": "editer"}, follow=True
        )
    )
    listed = page_text(vie_scolaire_client.get(reverse("courriers")))

    assert "1 courrier(s) édité(s) : imprimez-les" in printable
    assert "imprimez-les" not in listed
    assert waiting.recipient_name in listed


def open_css() -> str:
    from django.contrib.staticfiles import finders

    with open(finders.find("css/courriers.css")) as css:
        return css.read()


def test_a_letter_edited_can_be_printed_again_from_courriers_edites(vie_scolaire_client, etablissement):
    first, second = queue_envois(etablissement, EnvoiKind.COURRIER, 2)
    vie_scolaire_client.post(reverse("courriers"), {"envoi": [first.pk, second.pk], "action": "editer"})

    listed = page_text(vie_scolaire_client.get(reverse("courriers_edites")))
    response = vie_scolaire_client.post(reverse("courriers_edites"), {"envoi": [second.pk]})
    printable = page_text(vie_scolaire_client.get(response.url))

    assert "Il y a actuellement 2 courrier(s) édité(s)" in listed
    assert "Imprimer à nouveau les courriers sélectionnés" in listed
    assert printable.count('class="lettre"') == 1
    assert second.recipient_name in printable
    assert first.recipient_name not in printable


def test_supprimer_cancels_keeps_the_record_and_journals(vie_scolaire_client, etablissement):
    deleted, kept = queue_envois(etablissement, EnvoiKind.COURRIER, 2)

    response = vie_scolaire_client.post(
        reverse("courriers"), {"envoi": [deleted.pk], "action": "confirmer-suppression"}, follow=True
    )

    assert "1 courrier(s) supprimé(s)" in page_text(response)
    deleted.refresh_from_db()
    assert deleted.state == EnvoiState.CANCELLED
    assert deleted.error_message == "Supprimé par viescolaire dans « Courriers »"
    assert Envoi.objects.get(pk=kept.pk).state == EnvoiState.WAITING
    assert "Supprimé par viescolaire" in page_text(vie_scolaire_client.get(reverse("courriers_annules")))
    assert AuditEntry.objects.get(action="envois.cancelled").summary == (
        "1 courrier(s) supprimé(s) de « Courriers »"
    )


@pytest.mark.parametrize(
    ("kind", "url_name", "words"),
    [
        (
            EnvoiKind.COURRIER,
            "courriers",
            (
                "Vous allez supprimer 2 courrier(s) : ils ne seront pas édités. Confirmer la suppression ?",
                "Les courriers supprimés restent visibles dans « Courriers annulés ».",
            ),
        ),
        (
            EnvoiKind.COURRIEL,
            "courriels",
            (
                "Vous allez supprimer 2 courriel(s) : ils ne seront pas envoyés. Confirmer la suppression ?",
                "Les courriels supprimés restent visibles dans « Courriels annulés ».",
            ),
        ),
    ],
)
def test_supprimer_lists_the_ticked_ones_and_only_confirmer_annuls_them(
    vie_scolaire_client, etablissement, kind, url_name, words
):
    first, second, untouched = queue_envois(etablissement, kind, 3)

    confirmation = vie_scolaire_client.post(
        reverse(url_name), {"envoi": [first.pk, second.pk], "action": "supprimer"}
    )

    page = page_text(confirmation)
    assert confirmation.status_code == 200
    for word in words:
        assert word in page
    for envoi in (first, second):
        assert envoi.eleve_label in page
    assert untouched.eleve_label not in page
    assert set(Envoi.objects.values_list("state", flat=True)) == {EnvoiState.WAITING}
    assert not AuditEntry.objects.filter(action="envois.cancelled").exists()

    done = vie_scolaire_client.post(
        reverse(url_name), {"envoi": [first.pk, second.pk], "action": "confirmer-suppression"}, follow=True
    )

    states = dict(Envoi.objects.values_list("pk", "state"))
    assert states == {first.pk: "cancelled", second.pk: "cancelled", untouched.pk: "waiting"}
    assert f"2 {kind}(s) supprimé(s)" in page_text(done)


def test_annuler_the_suppression_comes_back_to_courriels_with_the_same_ones_ticked(
    vie_scolaire_client, etablissement
):
    ticked, other = queue_envois(etablissement, EnvoiKind.COURRIEL, 2)
    url = reverse("courriels") + "?tri=-eleve"
    confirmation = vie_scolaire_client.post(url, {"envoi": [ticked.pk], "action": "supprimer"})
    cancel_url = html.unescape(re.search(r'href="([^"]*)"[^>]*>Annuler<', confirmation.content.decode())[1])

    back = vie_scolaire_client.get(cancel_url).content.decode()

    assert cancel_url == f"{reverse('courriels')}?tri=-eleve&envoi={ticked.pk}"
    assert f'value="{ticked.pk}" checked' in back
    assert f'value="{other.pk}" checked' not in back
    assert f'action="{reverse("courriels")}?tri=-eleve"' in back  # the selection leaves the address
    assert Envoi.objects.get(pk=ticked.pk).state == EnvoiState.WAITING


def test_the_confirmation_leaves_out_a_letter_edited_meanwhile_and_another_schools(
    vie_scolaire_client, etablissement, other_etablissement
):
    edited, waiting = queue_envois(etablissement, EnvoiKind.COURRIER, 2)
    (theirs,) = queue_envois(other_etablissement, EnvoiKind.COURRIER, 1)
    services.courriers_edit(
        etablissement=etablissement, user=factories.vie_scolaire(etablissement), ids=[edited.pk]
    )

    page = page_text(
        vie_scolaire_client.post(
            reverse("courriers"), {"envoi": [edited.pk, waiting.pk], "action": "supprimer"}
        )
    )
    refused = vie_scolaire_client.post(
        reverse("courriers"), {"envoi": [theirs.pk], "action": "confirmer-suppression"}, follow=True
    )
    nothing_left = vie_scolaire_client.post(
        reverse("courriers"), {"envoi": [edited.pk], "action": "supprimer"}, follow=True
    )

    assert "Vous allez supprimer 1 courrier(s)" in page
    assert waiting.eleve_label in page
    assert edited.eleve_label not in page
    assert "1 courrier(s) déjà édité(s) ou supprimé(s) entre-temps" in page
    assert "Sélectionnez un choix valide" in page_text(refused)
    assert Envoi.objects.get(pk=theirs.pk).state == EnvoiState.WAITING
    assert "Vous allez supprimer" not in page_text(nothing_left)
    assert "Il y a actuellement 1 courrier(s) en attente d'édition" in page_text(nothing_left)


def test_nothing_ticked_says_so(vie_scolaire_client, etablissement):
    queue_envois(etablissement, EnvoiKind.COURRIER, 1)

    response = vie_scolaire_client.post(reverse("courriers"), {"action": "editer"}, follow=True)

    assert "Cochez au moins un courrier." in page_text(response)


def test_envoyer_releases_the_ticked_emails_to_the_workers_after_commit(
    vie_scolaire_client, etablissement, django_capture_on_commit_callbacks
):
    sent, untouched = queue_envois(etablissement, EnvoiKind.COURRIEL, 2)

    with django_capture_on_commit_callbacks() as callbacks:
        response = vie_scolaire_client.post(
            reverse("courriels"), {"envoi": [sent.pk], "action": "envoyer"}, follow=True
        )

    assert len(callbacks) == 1  # the sending task, queued once the transaction commits
    assert "1 courriel(s) en cours d'envoi" in page_text(response)
    assert dict(Envoi.objects.values_list("pk", "state")) == {
        sent.pk: EnvoiState.SENDING,
        untouched.pk: EnvoiState.WAITING,
    }
    assert AuditEntry.objects.filter(action="envois.courriels_released").count() == 1


def test_the_failed_tab_gives_the_reason_in_french(vie_scolaire_client, etablissement):
    (email,) = queue_envois(etablissement, EnvoiKind.COURRIEL, 1)
    Envoi.objects.filter(pk=email.pk).update(
        state=EnvoiState.FAILED, error_message="Adresse refusée par le serveur de courriel (550 No such user)"
    )

    page = page_text(vie_scolaire_client.get(reverse("courriels_echec")))

    assert "Il y a actuellement 1 courriel(s) en échec" in page
    assert "Adresse refusée par le serveur de courriel (550 No such user)" in page


def test_another_schools_letters_are_unreachable_by_list_and_by_id(
    vie_scolaire_client, etablissement, other_etablissement
):
    (theirs,) = queue_envois(other_etablissement, EnvoiKind.COURRIER, 1)
    (their_email,) = queue_envois(other_etablissement, EnvoiKind.COURRIEL, 1)

    listed = page_text(vie_scolaire_client.get(reverse("courriers")))
    edit = vie_scolaire_client.post(
        reverse("courriers"), {"envoi": [theirs.pk], "action": "editer"}, follow=True
    )
    send = vie_scolaire_client.post(reverse("courriels"), {"envoi": [their_email.pk], "action": "envoyer"})
    Envoi.objects.filter(pk=theirs.pk).update(state=EnvoiState.DONE, batch="leur-edition")
    printed = page_text(vie_scolaire_client.get(reverse("courriers_impression"), {"courrier": theirs.pk}))
    by_edition = page_text(
        vie_scolaire_client.get(reverse("courriers_impression"), {"edition": "leur-edition"})
    )

    assert "Il y a actuellement 0 courrier(s)" in listed
    assert theirs.eleve_label not in listed
    assert "Sélectionnez un choix valide" in page_text(edit)
    assert send.status_code == 302
    assert Envoi.objects.get(pk=their_email.pk).state == EnvoiState.WAITING
    for page in (printed, by_edition):
        assert theirs.recipient_name not in page
        assert "Aucun courrier édité à imprimer." in page


def test_a_colleague_of_another_school_cannot_see_ours(client, etablissement, other_etablissement):
    (ours,) = queue_envois(etablissement, EnvoiKind.COURRIER, 1)
    client.force_login(factories.vie_scolaire(other_etablissement))

    assert ours.eleve_label not in page_text(client.get(reverse("courriers")))


def test_the_printed_letter_shows_markup_typed_anywhere_as_text(vie_scolaire_client, etablissement):
    """A name, an address, a modèle's text or the school's letterhead holding markup is printed as
    typed, never run by the browser."""
    script = "<script>alert(1)</script>"
    etablissement.adresse = f"1 rue {script}"
    etablissement.save()
    (letter,) = queue_envois(etablissement, EnvoiKind.COURRIER, 1)
    Envoi.objects.filter(pk=letter.pk).update(
        recipient_name=f"Monsieur {script}",
        address_lines="<b>1 place</b>\n69002 LYON",
        subject=f"Objet {script}",
        text=f"Bonjour {script}",
        eleve_label=f"ELEVE {script}",
    )
    response = vie_scolaire_client.post(reverse("courriers"), {"envoi": [letter.pk], "action": "editer"})

    printable = vie_scolaire_client.get(response.url).content.decode()

    assert "<script>" not in printable
    assert "<b>" not in printable
    # The letterhead, the name (and the page's label), the subject, the pupil and the text.
    assert printable.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 6
    assert "&lt;b&gt;1 place&lt;/b&gt;" in printable


@pytest.mark.parametrize(
    ("url_name", "kind"), [("courriers", EnvoiKind.COURRIER), ("courriels", EnvoiKind.COURRIEL)]
)
@pytest.mark.parametrize("action", [None, "imprimer", "n'importe quoi"])
def test_a_post_without_a_known_button_changes_nothing(
    vie_scolaire_client, etablissement, url_name, kind, action
):
    """Only « Editer » edits and only « Envoyer » sends: a form posted otherwise (a stale page, a
    script) leaves the letters and emails waiting."""
    (envoi,) = queue_envois(etablissement, kind, 1)
    data = {"envoi": [envoi.pk], **({"action": action} if action else {})}

    response = vie_scolaire_client.post(reverse(url_name), data, follow=True)

    assert Envoi.objects.get(pk=envoi.pk).state == EnvoiState.WAITING
    assert "Choisissez ce que vous voulez faire des" in page_text(response)
