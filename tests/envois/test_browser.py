"""In a real headless Chromium: an absence with the action Courrier, the letter in Courriers, Editer,
the printable page; an absence with the action Courriel, Envoyer, a real Celery worker sending it to a
real SMTP server on loopback, the email in « Courriels envoyés »."""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from envois.models import Envoi, EnvoiState
from tests.fixtures.browser import supprimer_two_of_three

from .conftest import RENDERED

pytestmark = pytest.mark.browser


def _absence_with_action(page, eleve, action_label: str) -> None:
    page.goto(reverse("saisie_eleve", args=[eleve.pk]))
    page.get_by_label("Légal 1 - Financier").check()
    page.get_by_label("Légal 2").check()
    page.get_by_label("Action").select_option(label=action_label)
    page.get_by_role("button", name="Valider").click()


def _tick_all(page) -> None:
    page.wait_for_load_state()  # "tout sélectionner" works once the page's script has run
    page.get_by_label("tout sélectionner").check()
    expect(page.get_by_role("checkbox", name=re.compile("Sélectionner le")).first).to_be_checked()


def test_a_courrier_action_is_listed_edited_and_printed(
    page, login, screenshot, etablissement, vie_scolaire_user, eleve, legal1, legal2, courrier_action
):
    login("viescolaire")
    _absence_with_action(page, eleve, "Courrier")

    expect(page.get_by_text(re.compile("1 courrier\\(s\\) en attente d'édition"))).to_be_visible()
    expect(page.get_by_text(re.compile("Pas de courrier pour : .* pas d'adresse postale"))).to_be_visible()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Courriers").click()
    expect(page.get_by_text("Il y a actuellement 1 courrier(s) en attente d'édition")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="REITER Pauline")
    expect(row).to_contain_text("Courrier aux responsables")
    expect(row).to_contain_text("Légal 1 - Financier")
    _tick_all(page)
    screenshot("courriers")
    page.get_by_role("button", name="Editer les courriers sélectionnés").click()

    letter = page.get_by_role("article", name=re.compile("Courrier à Monsieur REITER Daniel"))
    expect(letter).to_contain_text(RENDERED)
    expect(letter).to_contain_text("9, rue Notre-Dame")
    expect(letter).to_contain_text("69003 LYON")
    expect(letter).to_contain_text("Objet : Absence du")
    box = letter.locator("address").bounding_box()
    sheet = letter.bounding_box()
    assert box["x"] - sheet["x"] > sheet["width"] / 2 - 20  # on the right, for the envelope's window
    screenshot("courriers-impression")
    assert Envoi.objects.get().state == EnvoiState.DONE

    page.get_by_role("link", name="Retour aux courriers édités").click()
    expect(page.get_by_text("Il y a actuellement 1 courrier(s) édité(s)")).to_be_visible()


@pytest.mark.slow
def test_a_courriel_action_is_sent_by_a_worker_and_seen_in_courriels_envoyes(
    page, login, screenshot, etablissement, vie_scolaire_user, eleve, legal1, legal2, courriel_action,
    smtp_server, celery_worker_factory,
):  # fmt: skip
    celery_worker_factory({"EMAIL_URL": smtp_server.url})
    login("viescolaire")
    _absence_with_action(page, eleve, "Courriel")

    expect(page.get_by_text(re.compile("1 courriel\\(s\\) en attente d'envoi"))).to_be_visible()
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Courriels").click()
    expect(page.get_by_text("Il y a actuellement 1 courriel(s) en attente d'envoi")).to_be_visible()
    _tick_all(page)
    page.get_by_role("button", name="Envoyer les courriels sélectionnés").click()
    expect(page.get_by_text("1 courriel(s) en cours d'envoi")).to_be_visible()

    page.get_by_role("link", name="Courriels envoyés").click()
    deadline = time.monotonic() + 60
    while page.get_by_text("Il y a actuellement 1 courriel(s) envoyé(s)").count() == 0:
        assert time.monotonic() < deadline, "le courriel n'a pas été envoyé"
        time.sleep(0.5)
        page.reload()
    expect(page.get_by_role("row").filter(has_text="REITER Pauline")).to_contain_text(
        "daniel.reiter@example.org"
    )
    screenshot("courriels-envoyes")
    (received,) = smtp_server.received
    assert received.recipients == ["daniel.reiter@example.org"]
    assert RENDERED in received.body


def test_the_printed_letters_take_one_a4_page_each(page, login, etablissement, vie_scolaire_user):
    from envois.services import courriers_edit

    from .conftest import queue_envois

    rows = queue_envois(etablissement, count=3)
    edition = courriers_edit(etablissement=etablissement, user=vie_scolaire_user, ids=[e.pk for e in rows])
    login("viescolaire")
    page.goto(f"{reverse('courriers_impression')}?edition={edition.token}")
    expect(page.get_by_role("article")).to_have_count(3)
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Imprimer")).to_be_hidden()

    pdf = page.pdf(prefer_css_page_size=True)

    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 3


def test_a_long_letter_flows_onto_a_second_page_and_the_next_letter_starts_on_a_new_one(
    page, login, etablissement, vie_scolaire_user
):
    from envois.services import courriers_edit

    from .conftest import queue_envois

    last_sentence = "Nous vous prions d'agréer nos salutations distinguées, fin de la lettre longue."
    long_text = "\n".join(
        f"Paragraphe {n} : votre enfant a manqué les cours ; merci de nous en donner la raison."
        for n in range(1, 46)
    )
    # Printed in the order of the pupils' names: the first one gets the long letter.
    long, short = sorted(queue_envois(etablissement, count=2), key=lambda e: (e.eleve_label, e.pk))
    Envoi.objects.filter(pk=long.pk).update(text=f"{long_text}\n{last_sentence}")
    edition = courriers_edit(etablissement=etablissement, user=vie_scolaire_user, ids=[long.pk, short.pk])
    login("viescolaire")
    page.goto(f"{reverse('courriers_impression')}?edition={edition.token}")
    page.emulate_media(media="print")
    letters = page.get_by_role("article")
    expect(letters).to_have_count(2)
    expect(letters.first).to_contain_text(last_sentence)
    expect(letters.last).to_contain_text(short.text)

    pdf = page.pdf(prefer_css_page_size=True)

    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 3
    # Nothing cut off: the last sentence lies inside its letter, whose address stays in the window.
    sentence = letters.first.get_by_text(last_sentence).bounding_box()
    letter = letters.first.bounding_box()
    assert sentence["y"] + sentence["height"] <= letter["y"] + letter["height"]
    assert letters.first.locator(".destinataire").bounding_box()["y"] - letter["y"] == pytest.approx(
        35 * 96 / 25.4, abs=1
    )


def test_supprimer_in_courriers_lists_the_letters_and_waits_for_confirmer(
    page, login, screenshot, etablissement, vie_scolaire_user
):
    from .conftest import queue_envois

    first, second, kept = queue_envois(etablissement, count=3)
    login("viescolaire")
    page.goto(reverse("courriers"))

    boxes = page.get_by_role("checkbox", name=re.compile("Sélectionner le courrier"))
    asked = "Vous allez supprimer 2 courrier(s) : ils ne seront pas édités. Confirmer la suppression ?"
    listed = "Il y a actuellement 3 courrier(s) en attente d'édition"
    supprimer_two_of_three(page, boxes, [first, second, kept], asked, listed)
    screenshot("courriers-supprimes")

    expect(page.get_by_text("2 courrier(s) supprimé(s)")).to_be_visible()
    expect(page.get_by_text("Il y a actuellement 1 courrier(s) en attente d'édition")).to_be_visible()
    states = dict(Envoi.objects.values_list("pk", "state"))
    assert states == {
        first.pk: EnvoiState.CANCELLED,
        second.pk: EnvoiState.CANCELLED,
        kept.pk: EnvoiState.WAITING,
    }
