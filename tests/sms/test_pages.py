"""The SMS pages: SMS à diffuser, Suivi des SMS and its tabs, with the seed's words; constant queries."""

import html
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from eleves.models import Responsable
from sms import services
from sms.models import OutboundSms, SmsState
from sms.selectors import sms_tracking_list, sms_waiting_list
from sms.services.outbox import sms_claim_batch
from tests import factories
from tests.pagination import page_links
from tests.sms.conftest import bulk_sms, page_text, queue_sms


def test_sms_a_diffuser_lists_the_waiting_sms_with_the_seed_words(vie_scolaire_client, etablissement):
    queue_sms(etablissement, 1)

    response = vie_scolaire_client.get(reverse("sms_waiting"))
    page = page_text(response)

    assert "Il y a actuellement 1 SMS en attente de diffusion" in page
    for word in ("Action", "Nom élève", "Division", "Evènement", "Destinataire", "tout sélectionner"):
        assert word in page
    assert "Envoi de SMS" in page
    assert "Légal 1 - Financier" in page
    assert "Diffuser les SMS sélectionnés" in page
    assert "Supprimer" in page
    assert "Enregistrement(s) 1 à 1, sur 1 trouvé(s)" in page
    assert page_links(response) == ["[1]"]  # "Page(s) 1", as SCONET shows a single page


@pytest.mark.parametrize("url_name", ["sms_waiting", "sms_tracking", "sms_tracking_delivered"])
def test_an_empty_list_says_no_record_was_found(vie_scolaire_client, etablissement, url_name):
    page = page_text(vie_scolaire_client.get(reverse(url_name)))

    assert "Aucun enregistrement trouvé" in page
    assert "Enregistrement(s) 0" not in page


def test_sms_a_diffuser_paginates_and_sorts(vie_scolaire_client, etablissement):
    bulk_sms(etablissement, 45)

    first = page_text(vie_scolaire_client.get(reverse("sms_waiting"), {"tri": "-eleve"}))
    last = page_text(vie_scolaire_client.get(reverse("sms_waiting"), {"tri": "-eleve", "page": 3}))

    assert "Enregistrement(s) 1 à 20, sur 45 trouvé(s)" in first
    assert "ELEVE00044" in first
    assert "ELEVE00000" not in first
    assert "Enregistrement(s) 41 à 45, sur 45 trouvé(s)" in last
    assert "ELEVE00000" in last


@pytest.mark.parametrize(
    ("url_name", "state", "sort", "number", "layout"),
    [
        ("sms_waiting", SmsState.QUEUED, "-destinataire", 3, [1, 2, "[3]", 4, 5, "…", 14, 15]),
        (
            "sms_tracking_delivered",
            SmsState.DELIVERED,
            "etat",
            8,
            [1, 2, "…", 6, 7, "[8]", 9, 10, "…", 14, 15],
        ),
    ],
)
def test_the_page_links_surround_the_current_page_and_keep_the_sort(
    vie_scolaire_client, etablissement, url_name, state, sort, number, layout
):
    bulk_sms(etablissement, 300, state=state)  # 15 pages of 20

    response = vie_scolaire_client.get(reverse(url_name), {"tri": sort, "page": number})

    first = (number - 1) * 20 + 1
    assert f"Enregistrement(s) {first} à {first + 19}, sur 300 trouvé(s)" in page_text(response)
    assert page_links(response) == [f"?tri={sort}&page={n}" if isinstance(n, int) else n for n in layout]


@pytest.mark.parametrize(
    ("url_name", "state"),
    [
        ("sms_waiting", SmsState.QUEUED),
        ("sms_tracking", SmsState.SUBMITTED),
        ("sms_tracking_delivered", SmsState.DELIVERED),
        ("sms_tracking_failed", SmsState.UNDELIVERED),
        ("sms_synthese", SmsState.DELIVERED),
    ],
)
def test_list_pages_run_the_same_queries_for_ten_or_two_thousand_rows(
    vie_scolaire_client, etablissement, django_assert_max_num_queries, url_name, state
):
    bulk_sms(etablissement, 10, state=state)
    vie_scolaire_client.get(reverse(url_name))  # session and caches warmed
    with django_assert_max_num_queries(12) as few:
        assert vie_scolaire_client.get(reverse(url_name)).status_code == 200

    bulk_sms(etablissement, 2000, state=state)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = vie_scolaire_client.get(reverse(url_name))

    assert response.status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's query plans")
@pytest.mark.parametrize(
    ("list_of", "index"),
    [
        (lambda e: sms_tracking_list(etablissement=e, tab="delivres"), "sms_etab_state_changed"),
        (lambda e: sms_waiting_list(etablissement=e), "sms_waiting"),
    ],
    ids=["sms-delivres", "sms-a-diffuser"],
)
def test_the_long_lists_read_their_page_from_an_index_in_order(etablissement, list_of, index):
    bulk_sms(etablissement, 1000, state=SmsState.DELIVERED)
    bulk_sms(etablissement, 1000, state=SmsState.QUEUED)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sms_outboundsms")
        cursor.execute("SET LOCAL enable_seqscan = off")  # as on a table of 45,000 rows

    plan = list_of(etablissement)[20:40].explain()

    assert index in plan
    assert "Sort" not in plan


def test_diffuser_releases_the_ticked_sms_and_supprimer_cancels_them(
    vie_scolaire_client, etablissement, simulator, django_capture_on_commit_callbacks
):
    sent, deleted, untouched = queue_sms(etablissement, 3)

    with django_capture_on_commit_callbacks() as callbacks:
        vie_scolaire_client.post(reverse("sms_waiting"), {"sms": [sent.pk], "action": "diffuser"})
    response = vie_scolaire_client.post(
        reverse("sms_waiting"), {"sms": [deleted.pk], "action": "confirmer-suppression"}, follow=True
    )

    assert len(callbacks) == 1  # the dispatch task, queued once the transaction commits
    states = dict(OutboundSms.objects.values_list("pk", "state"))
    assert states == {sent.pk: "sending", deleted.pk: "cancelled", untouched.pk: "queued"}
    assert "1 SMS supprimé(s)" in page_text(response)


def test_a_selection_partly_dispatched_by_a_colleague_sends_the_rest(
    vie_scolaire_client, etablissement, simulator
):
    first, second, third = queue_sms(etablissement, 3)
    colleague = factories.vie_scolaire(etablissement)
    services.sms_release(etablissement=etablissement, user=colleague, ids=[first.pk, second.pk])
    services.sms_cancel_selected(etablissement=etablissement, user=colleague, ids=[third.pk])
    fourth = queue_sms(etablissement, 1)[0]
    sms_claim_batch(
        etablissement_id=etablissement.pk, limit=10, provider_code="simulator"
    )  # a worker took the colleague's

    response = vie_scolaire_client.post(
        reverse("sms_waiting"),
        {"sms": [first.pk, second.pk, third.pk, fourth.pk], "action": "diffuser"},
        follow=True,
    )

    page = page_text(response)
    assert OutboundSms.objects.get(pk=fourth.pk).state == SmsState.SENDING
    assert OutboundSms.objects.get(pk=third.pk).state == SmsState.CANCELLED
    assert "1 SMS en cours de diffusion" in page
    assert "3 SMS déjà diffusé(s) ou supprimé(s) entre-temps" in page
    assert "choix valide" not in page


def test_a_page_beyond_the_end_shows_the_last_page(vie_scolaire_client, etablissement):
    bulk_sms(etablissement, 45)

    response = vie_scolaire_client.get(reverse("sms_waiting"), {"page": 9})

    assert response.status_code == 200
    assert "Enregistrement(s) 41 à 45, sur 45 trouvé(s)" in page_text(response)


def test_diffuser_without_provider_says_so_and_keeps_the_sms_waiting(vie_scolaire_client, etablissement):
    (sms,) = queue_sms(etablissement, 1)

    response = vie_scolaire_client.post(
        reverse("sms_waiting"), {"sms": [sms.pk], "action": "diffuser"}, follow=True
    )

    assert "Aucun fournisseur de service n'est paramétré" in page_text(response)
    assert OutboundSms.objects.get(pk=sms.pk).state == SmsState.QUEUED


def test_ticking_another_schools_sms_is_refused(
    vie_scolaire_client, etablissement, other_etablissement, simulator
):
    (theirs,) = queue_sms(other_etablissement, 1)

    for action in ("supprimer", "confirmer-suppression"):
        response = vie_scolaire_client.post(
            reverse("sms_waiting"), {"sms": [theirs.pk], "action": action}, follow=True
        )

        assert OutboundSms.objects.get(pk=theirs.pk).state == SmsState.QUEUED
        assert "Sélectionnez un choix valide" in page_text(response)


def test_suivi_des_sms_shows_the_etat_de_diffusion_as_sconet(vie_scolaire_client, etablissement):
    (sms,) = queue_sms(etablissement, 1)
    at = timezone.make_aware(timezone.datetime(2008, 2, 15, 14, 40))
    OutboundSms.objects.filter(pk=sms.pk).update(
        state=SmsState.SUBMITTED, provider_id="11188", state_changed_at=at
    )

    page = page_text(vie_scolaire_client.get(reverse("sms_tracking")))

    assert "Msg 11188 - en transit - 15/02/2008 à 14:40" in page
    assert "Il y a actuellement 1 SMS" in page
    for tab in (
        "Suivi des SMS",
        "SMS délivrés",
        "SMS invalides ou non remis",
        "Synthèse SMS",
        "Mettre à jour",
    ):
        assert tab in page


def test_invalid_tab_shows_the_reason_and_offers_to_resend(vie_scolaire_client, etablissement):
    (sms,) = queue_sms(etablissement, 1)
    OutboundSms.objects.filter(pk=sms.pk).update(
        state=SmsState.INVALID, error_message="Numéro inconnu de l'opérateur"
    )

    page = page_text(vie_scolaire_client.get(reverse("sms_tracking_failed")))
    response = vie_scolaire_client.post(reverse("sms_resend", args=[sms.pk]), {"phone": "06 98 76 54 32"})

    assert "Numéro inconnu de l'opérateur" in page
    assert reverse("sms_resend", args=[sms.pk]) in page
    assert response.status_code == 302
    new = OutboundSms.objects.get(state=SmsState.QUEUED)
    assert new.phone == "+33698765432"
    assert new.pk != sms.pk
    responsable = new.responsable
    assert (new.responsable_id, responsable.tel_mobile) == (sms.responsable_id, "+33698765432")
    change = responsable.consent_changes.get()
    assert (change.field, change.new_value, change.username, change.get_source_display()) == (
        "tel_mobile",
        "+33698765432",
        "viescolaire",
        "correction pour renvoyer un SMS",
    )


def test_resend_refuses_a_number_that_is_not_a_mobile(vie_scolaire_client, etablissement):
    (sms,) = queue_sms(etablissement, 1)
    OutboundSms.objects.filter(pk=sms.pk).update(state=SmsState.INVALID)

    response = vie_scolaire_client.post(reverse("sms_resend", args=[sms.pk]), {"phone": "04 72 00 00 00"})

    assert "n'est pas un numéro de mobile" in page_text(response)
    assert OutboundSms.objects.count() == 1


def test_synthese_counts_per_month_and_action_with_the_annual_total(vie_scolaire_client, etablissement):
    today = timezone.localdate()
    bulk_sms(etablissement, 3, state=SmsState.DELIVERED)
    bulk_sms(etablissement, 2, state=SmsState.SUBMITTED)
    bulk_sms(etablissement, 4, state=SmsState.CANCELLED)  # never sent: not counted

    page = page_text(vie_scolaire_client.get(reverse("sms_synthese")))

    assert "Synthèse des SMS envoyés" in page
    assert f'<td>{today:%m/%Y}</td><td class="text-end">3</td><td class="text-end">5</td>' in page
    assert 'Total Annuel</td><td class="text-end">3</td><td class="text-end">5</td>' in page
    month = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ][today.month - 1]
    assert f"Total {month}" in page


def test_synthese_leaves_out_the_previous_school_year(vie_scolaire_client, etablissement):
    bulk_sms(etablissement, 2, state=SmsState.DELIVERED)
    OutboundSms.objects.update(submitted_at=timezone.now() - timedelta(days=400))

    page = page_text(vie_scolaire_client.get(reverse("sms_synthese")))

    assert "Aucun SMS envoyé cette année scolaire" in page


@pytest.mark.parametrize("url_name", ["sms_detail", "sms_resend"])
def test_another_schools_sms_is_not_found(vie_scolaire_client, other_etablissement, url_name):
    (theirs,) = queue_sms(other_etablissement, 1)
    OutboundSms.objects.filter(pk=theirs.pk).update(state=SmsState.INVALID)

    assert vie_scolaire_client.get(reverse(url_name, args=[theirs.pk])).status_code == 404
    if url_name == "sms_resend":
        response = vie_scolaire_client.post(reverse(url_name, args=[theirs.pk]), {"phone": "0698765432"})
        assert response.status_code == 404
    assert OutboundSms.objects.count() == 1


def test_the_detail_page_shows_the_history(vie_scolaire_client, etablissement, vie_scolaire_user):
    (sms,) = queue_sms(etablissement, 1)
    services.sms_release(etablissement=etablissement, user=vie_scolaire_user, ids=[sms.pk])

    page = page_text(vie_scolaire_client.get(reverse("sms_detail", args=[sms.pk])))

    assert "Historique" in page
    assert "<td>en attente de diffusion</td>" in page
    assert "<td>diffusé</td><td>Diffusé par viescolaire</td>" in page
    assert "en attente d'envoi -" in page  # no worker holds it yet


@pytest.mark.parametrize(
    "url_name",
    ["sms_waiting", "sms_tracking", "sms_tracking_delivered", "sms_tracking_failed", "sms_synthese"],
)
def test_a_user_without_role_is_refused_the_sms_pages(client, etablissement, url_name):
    client.force_login(factories.UserFactory(etablissements=[etablissement]))

    assert client.get(reverse(url_name)).status_code == 403


def test_a_user_without_role_cannot_dispatch_or_refresh(client, etablissement, simulator):
    (sms,) = queue_sms(etablissement, 1)
    client.force_login(factories.UserFactory(etablissements=[etablissement]))

    assert client.post(reverse("sms_waiting"), {"sms": [sms.pk], "action": "diffuser"}).status_code == 403
    assert client.post(reverse("sms_refresh"), {"sms": [sms.pk]}).status_code == 403
    assert OutboundSms.objects.get(pk=sms.pk).state == SmsState.QUEUED


def test_suivi_tells_sms_waiting_for_the_sending_hours_from_those_a_worker_is_sending(
    vie_scolaire_client, etablissement, simulator, vie_scolaire_user
):
    now = timezone.localtime()
    opens, closes = (now + timedelta(hours=1)).time(), (now + timedelta(hours=2)).time()
    simulator.window_start, simulator.window_end = opens, closes
    simulator.save()
    held, waiting = queue_sms(etablissement, 2)
    services.sms_release(etablissement=etablissement, user=vie_scolaire_user, ids=[held.pk, waiting.pk])
    sms_claim_batch(etablissement_id=etablissement.pk, limit=1, provider_code="simulator")

    page = page_text(vie_scolaire_client.get(reverse("sms_tracking")))

    assert page.count("en cours d'envoi") == 1  # the one a worker holds
    assert "en attente d'envoi -" in page
    assert f"Hors de la plage d'envoi des SMS (de {opens:%H:%M} à {closes:%H:%M})" in page
    assert f"à {opens:%H:%M}." in page


def test_within_the_sending_hours_no_notice_is_shown(vie_scolaire_client, etablissement, simulator):
    now = timezone.localtime()
    simulator.window_start, simulator.window_end = (
        (now - timedelta(hours=1)).time(),
        (now + timedelta(hours=1)).time(),
    )
    simulator.save()

    assert "Hors de la plage d'envoi" not in page_text(vie_scolaire_client.get(reverse("sms_waiting")))


def test_a_cancelled_sms_stays_visible_with_its_reason_and_no_resend_button(
    vie_scolaire_client, etablissement, vie_scolaire_user
):
    (sms,) = queue_sms(etablissement, 1)
    services.sms_cancel_selected(etablissement=etablissement, user=vie_scolaire_user, ids=[sms.pk])

    page = page_text(vie_scolaire_client.get(reverse("sms_tracking_failed")))

    assert "annulé -" in page
    assert "Supprimé par viescolaire dans « SMS à diffuser »" in page
    assert reverse("sms_resend", args=[sms.pk]) not in page


def test_supprimer_on_a_stale_page_leaves_an_sms_a_colleague_diffused_meanwhile(
    vie_scolaire_client, etablissement, simulator
):
    (sms,) = queue_sms(etablissement, 1)
    services.sms_release(
        etablissement=etablissement, user=factories.vie_scolaire(etablissement), ids=[sms.pk]
    )

    response = vie_scolaire_client.post(
        reverse("sms_waiting"), {"sms": [sms.pk], "action": "confirmer-suppression"}, follow=True
    )

    assert OutboundSms.objects.get(pk=sms.pk).state == SmsState.SENDING
    assert "1 SMS déjà diffusé(s) ou supprimé(s) entre-temps" in page_text(response)


def test_supprimer_lists_the_ticked_sms_and_only_confirmer_annuls_them(vie_scolaire_client, etablissement):
    first, second, untouched = queue_sms(etablissement, 3)

    confirmation = vie_scolaire_client.post(
        reverse("sms_waiting"), {"sms": [first.pk, second.pk], "action": "supprimer"}
    )

    page = page_text(confirmation)
    assert confirmation.status_code == 200
    assert "Vous allez supprimer 2 SMS : ils ne seront pas envoyés. Confirmer la suppression ?" in page
    for sms in (first, second):
        assert sms.eleve_label in page
    assert untouched.eleve_label not in page
    assert "Légal 1 - Financier" in page
    assert set(OutboundSms.objects.values_list("state", flat=True)) == {SmsState.QUEUED}

    done = vie_scolaire_client.post(
        reverse("sms_waiting"), {"sms": [first.pk, second.pk], "action": "confirmer-suppression"}, follow=True
    )

    states = dict(OutboundSms.objects.values_list("pk", "state"))
    assert states == {first.pk: "cancelled", second.pk: "cancelled", untouched.pk: "queued"}
    assert "2 SMS supprimé(s)" in page_text(done)


def test_annuler_the_suppression_comes_back_to_the_list_with_the_same_sms_ticked(
    vie_scolaire_client, etablissement
):
    ticked, other = queue_sms(etablissement, 2)
    url = reverse("sms_waiting") + "?tri=-eleve"
    confirmation = vie_scolaire_client.post(url, {"sms": [ticked.pk], "action": "supprimer"})
    cancel_url = html.unescape(re.search(r'href="([^"]*)"[^>]*>Annuler<', confirmation.content.decode())[1])

    back = vie_scolaire_client.get(cancel_url).content.decode()

    assert cancel_url == f"{reverse('sms_waiting')}?tri=-eleve&sms={ticked.pk}"
    assert re.search(rf'value="{ticked.pk}" checked', back)
    assert not re.search(rf'value="{other.pk}" checked', back)
    assert (
        f'action="{reverse("sms_waiting")}?tri=-eleve"' in back
    )  # the selection does not stay in the address
    assert OutboundSms.objects.get(pk=ticked.pk).state == SmsState.QUEUED


def test_the_confirmation_leaves_out_an_sms_diffused_meanwhile_and_says_so(
    vie_scolaire_client, etablissement, simulator
):
    diffused, waiting = queue_sms(etablissement, 2)
    colleague = factories.vie_scolaire(etablissement)
    services.sms_release(etablissement=etablissement, user=colleague, ids=[diffused.pk])

    page = page_text(
        vie_scolaire_client.post(
            reverse("sms_waiting"), {"sms": [diffused.pk, waiting.pk], "action": "supprimer"}
        )
    )

    assert "Vous allez supprimer 1 SMS" in page
    assert diffused.eleve_label not in page
    assert "1 SMS déjà diffusé(s) ou supprimé(s) entre-temps" in page

    services.sms_release(etablissement=etablissement, user=colleague, ids=[waiting.pk])
    nothing_left = vie_scolaire_client.post(
        reverse("sms_waiting"), {"sms": [diffused.pk, waiting.pk], "action": "supprimer"}, follow=True
    )

    assert "Vous allez supprimer" not in page_text(nothing_left)
    assert "2 SMS déjà diffusé(s) ou supprimé(s) entre-temps" in page_text(nothing_left)
    assert set(OutboundSms.objects.values_list("state", flat=True)) == {SmsState.SENDING}


def test_a_resend_deleted_before_leaving_can_be_done_again_and_a_live_one_is_shown(
    vie_scolaire_client, etablissement, vie_scolaire_user
):
    (sms,) = queue_sms(etablissement, 1)
    OutboundSms.objects.filter(pk=sms.pk).update(state=SmsState.INVALID)
    url = reverse("sms_resend", args=[sms.pk])
    vie_scolaire_client.post(url, {"phone": "06 98 76 54 32"})
    first = OutboundSms.objects.get(state=SmsState.QUEUED)
    services.sms_cancel_selected(etablissement=etablissement, user=vie_scolaire_user, ids=[first.pk])

    assert reverse("sms_resend", args=[sms.pk]) in page_text(
        vie_scolaire_client.get(reverse("sms_tracking_failed"))
    )
    vie_scolaire_client.post(url, {"phone": "06 22 33 44 55"})
    second = OutboundSms.objects.get(state=SmsState.QUEUED)
    shown = vie_scolaire_client.get(url, follow=True)

    assert second.phone == "+33622334455"
    assert OutboundSms.objects.get(pk=sms.pk).resent_as_id == second.pk
    assert shown.redirect_chain[-1][0] == reverse("sms_detail", args=[second.pk])
    assert "Ce SMS a déjà été renvoyé au 06 22 33 44 55" in page_text(shown)


def test_diffuser_outside_the_sending_hours_says_when_the_sms_will_leave(
    vie_scolaire_client, etablissement, simulator
):
    now = timezone.localtime()
    opens = now + timedelta(hours=1)
    simulator.window_start, simulator.window_end = opens.time(), (now + timedelta(hours=2)).time()
    simulator.save()
    (sms,) = queue_sms(etablissement, 1)

    response = vie_scolaire_client.post(
        reverse("sms_waiting"), {"sms": [sms.pk], "action": "diffuser"}, follow=True
    )

    page = page_text(response)
    when = simulator.sending_resumes_at(timezone.now())
    assert when is not None
    assert timezone.localtime(when).time() == simulator.window_start
    assert "1 SMS diffusé(s) hors de la plage d'envoi : ils partiront le " in page
    assert f"à {opens:%H:%M}" in page


def test_sms_a_diffuser_warns_of_a_responsable_who_withdrew_consent_since(vie_scolaire_client, etablissement):
    kept, withdrawn = queue_sms(etablissement, 2)
    Responsable.objects.filter(pk=withdrawn.responsable_id).update(accepte_sms=False)

    page = page_text(vie_scolaire_client.get(reverse("sms_waiting")))

    assert page.count("ce SMS sera annulé à la diffusion") == 1
    assert "SMS impossible : n'accepte pas les SMS (changé depuis la mise en attente)" in page


def test_the_detail_of_an_sms_held_by_the_sending_hours_says_when_it_leaves(
    vie_scolaire_client, etablissement, simulator, vie_scolaire_user
):
    now = timezone.localtime()
    opens = now + timedelta(hours=1)
    simulator.window_start, simulator.window_end = opens.time(), (now + timedelta(hours=2)).time()
    simulator.save()
    (sms,) = queue_sms(etablissement, 1)
    services.sms_release(etablissement=etablissement, user=vie_scolaire_user, ids=[sms.pk])

    page = page_text(vie_scolaire_client.get(reverse("sms_detail", args=[sms.pk])))

    assert "Hors de la plage d'envoi : il partira le " in page
    assert f"à {opens:%H:%M}." in page


def test_the_resend_form_offers_the_responsables_mobile_when_it_was_corrected_since(
    vie_scolaire_client, etablissement
):
    (sms,) = queue_sms(etablissement, 1)
    OutboundSms.objects.filter(pk=sms.pk).update(state=SmsState.INVALID)
    Responsable.objects.filter(pk=sms.responsable_id).update(tel_mobile="+33612345678")

    page = page_text(vie_scolaire_client.get(reverse("sms_resend", args=[sms.pk])))

    assert 'value="06 12 34 56 78"' in page


def test_no_resend_is_offered_when_the_responsable_no_longer_accepts_sms(vie_scolaire_client, etablissement):
    (sms,) = queue_sms(etablissement, 1)
    OutboundSms.objects.filter(pk=sms.pk).update(state=SmsState.INVALID)
    Responsable.objects.filter(pk=sms.responsable_id).update(accepte_sms=False)

    listed = page_text(vie_scolaire_client.get(reverse("sms_tracking_failed")))
    refused = page_text(vie_scolaire_client.get(reverse("sms_resend", args=[sms.pk]), follow=True))

    assert reverse("sms_resend", args=[sms.pk]) not in listed
    assert "le responsable n'accepte plus les SMS" in listed
    assert "Le responsable n'accepte plus les SMS : ce SMS ne peut pas être renvoyé." in refused


def test_diffuser_cancels_at_once_an_sms_whose_responsable_can_no_longer_receive_it(
    vie_scolaire_client, etablissement, simulator
):
    kept, withdrawn = queue_sms(etablissement, 2)
    Responsable.objects.filter(pk=withdrawn.responsable_id).update(accepte_sms=False)

    response = vie_scolaire_client.post(
        reverse("sms_waiting"), {"sms": [kept.pk, withdrawn.pk], "action": "diffuser"}, follow=True
    )

    page = page_text(response)
    withdrawn.refresh_from_db()
    assert OutboundSms.objects.get(pk=kept.pk).state == SmsState.SENDING
    assert (withdrawn.state, withdrawn.error_message) == (
        SmsState.CANCELLED,
        "Annulé à la diffusion par viescolaire, le responsable ne peut plus le recevoir : "
        "n'accepte pas les SMS",
    )
    assert "1 SMS en cours de diffusion" in page
    assert "1 SMS annulé(s) : le responsable ne peut plus recevoir de SMS" in page
    assert "entre-temps" not in page
