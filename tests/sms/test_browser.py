"""In a real browser, with a real Celery worker and the simulator: from SMS à diffuser to délivré."""

import re
import time
from datetime import datetime
from functools import partial

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sms.models import OutboundSms, SmsState
from sms.selectors import school_year_start
from tests.fixtures.browser import log_in, new_page, supprimer_two_of_three
from tests.sms.conftest import bulk_sms, configure_provider, queue_sms

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _reload_until(page, text, timeout=30):
    deadline = time.monotonic() + timeout
    while page.get_by_text(text).count() == 0:
        assert time.monotonic() < deadline, f"« {text} » n'est pas apparu"
        time.sleep(0.5)
        page.reload()


def test_dispatch_from_sms_a_diffuser_then_en_transit_then_delivre_and_the_synthese(
    page, login, screenshot, settings, etablissement, vie_scolaire_user, celery_worker_process
):
    settings.SCONET_SIMULATOR_DELIVERY_SECONDS = 3  # this process answers "Mettre à jour"
    configure_provider(etablissement)
    queue_sms(etablissement, 3)
    last_year = school_year_start(timezone.localdate()) - 1
    sent_last_year = timezone.make_aware(datetime(last_year, 10, 15, 9))
    bulk_sms(etablissement, 3, state=SmsState.DELIVERED, submitted_at=sent_last_year)
    bulk_sms(etablissement, 1, state=SmsState.UNDELIVERED, submitted_at=sent_last_year)
    login("viescolaire")

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="SMS à diffuser").click()
    expect(page.get_by_text("Il y a actuellement 3 SMS en attente de diffusion")).to_be_visible()
    expect(page.get_by_text("Enregistrement(s) 1 à 3, sur 3 trouvé(s)")).to_be_visible()
    page.wait_for_load_state()  # "tout sélectionner" works once the page's script has run
    page.get_by_label("tout sélectionner").check()
    expect(page.get_by_role("checkbox", name=re.compile("Sélectionner le SMS")).last).to_be_checked()
    page.get_by_role("checkbox", name=re.compile("Sélectionner le SMS")).first.uncheck()
    screenshot("sms-a-diffuser")
    page.get_by_role("button", name="Diffuser les SMS sélectionnés").click()
    expect(page.get_by_text("2 SMS en cours de diffusion")).to_be_visible()
    expect(page.get_by_text("Il y a actuellement 1 SMS en attente de diffusion")).to_be_visible()

    page.get_by_role("link", name="Suivi des SMS").first.click()
    _reload_until(page, re.compile(r"Msg sim-\S+ - en transit - \d\d/\d\d/\d{4} à \d\d:\d\d"))
    expect(page.get_by_text(re.compile("en transit"))).to_have_count(2)
    screenshot("suivi-des-sms-en-transit")

    time.sleep(settings.SCONET_SIMULATOR_DELIVERY_SECONDS)
    page.get_by_role("button", name="Mettre à jour").click()
    expect(page.get_by_text("État de diffusion mis à jour : 2 SMS ont changé d'état.")).to_be_visible()
    expect(page.get_by_text("Il y a actuellement 0 SMS")).to_be_visible()
    page.get_by_role("link", name="SMS délivrés").click()
    expect(page.get_by_text(re.compile(r"Msg sim-\S+ - délivré - "))).to_have_count(2)

    page.get_by_role("link", name="Synthèse SMS").click()
    expect(page.get_by_text("Synthèse des SMS envoyés")).to_be_visible()
    total_row = page.get_by_role("row", name=re.compile("Total Annuel"))
    expect(total_row.get_by_role("cell")).to_have_text(["", "Total Annuel", "2", "2"])
    screenshot("synthese-sms")
    page.get_by_label("Année scolaire").select_option(label=f"{last_year}-{last_year + 1}")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text(f"Année scolaire du 01/09/{last_year} au 31/08/{last_year + 1}")).to_be_visible()
    expect(total_row.get_by_role("cell")).to_have_text(["", "Total Annuel", "3", "4"])
    assert OutboundSms.objects.filter(state=SmsState.DELIVERED, submitted_at__gt=sent_last_year).count() == 2
    assert OutboundSms.objects.filter(state=SmsState.QUEUED).count() == 1


def test_supprimer_lists_the_sms_and_waits_for_confirmer_even_without_javascript(
    browser, live_server, screenshot, etablissement, vie_scolaire_user
):
    first, second, kept = queue_sms(etablissement, 3)
    with new_page(browser, live_server.url, java_script_enabled=False) as page:
        log_in(page, "viescolaire")
        page.goto("/sms/a-diffuser/")

        boxes = page.get_by_role("checkbox", name=re.compile("Sélectionner le SMS"))
        asked = "Vous allez supprimer 2 SMS : ils ne seront pas envoyés. Confirmer la suppression ?"
        listed = "Il y a actuellement 3 SMS en attente de diffusion"
        shot = partial(screenshot, "sms-a-diffuser-confirmer-la-suppression", page=page)
        supprimer_two_of_three(page, boxes, [first, second, kept], asked, listed, shot)

        expect(page.get_by_text("2 SMS supprimé(s)")).to_be_visible()
        expect(page.get_by_text("Il y a actuellement 1 SMS en attente de diffusion")).to_be_visible()
    states = dict(OutboundSms.objects.values_list("pk", "state"))
    assert states == {first.pk: SmsState.CANCELLED, second.pk: SmsState.CANCELLED, kept.pk: SmsState.QUEUED}
