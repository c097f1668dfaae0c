"""The outbox's state machine: queueing, cancelling, re-rendering, forward-only transitions."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sms.models import OutboundSms, SmsHistory, SmsState
from sms.providers.base import StatusReport
from sms.services import (
    SmsRecipientUnreachable,
    sms_cancel_selected,
    sms_cancel_waiting,
    sms_enqueue,
    sms_release,
    sms_rerender_waiting,
    sms_resend,
)
from sms.services.outbox import sms_apply_reports, sms_claim_batch, sms_expire_unreported
from tests import factories
from tests.sms.conftest import draft_for, queue_sms


def test_enqueue_puts_the_sms_in_waiting_with_its_encoding_and_history(etablissement, vie_scolaire_user):
    lien = factories.LienFactory(eleve__etablissement=etablissement)

    (sms,) = sms_enqueue(
        etablissement=etablissement,
        user=vie_scolaire_user,
        drafts=[draft_for(lien, text="Votre enfant est absent aujourd’hui ; merci de justifier.")],
    )

    sms.refresh_from_db()
    assert sms.state == SmsState.QUEUED
    assert sms.get_state_display() == "en attente de diffusion"
    assert (sms.encoding, sms.parts) == ("UCS-2", 1)  # the typographic apostrophe forces UCS-2
    assert sms.recipient_label == "Légal 1 - Financier"
    assert list(sms.history.values_list("state", flat=True)) == [SmsState.QUEUED]


def test_the_same_dedup_key_twice_queues_once(etablissement):
    lien = factories.LienFactory(eleve__etablissement=etablissement)
    draft = draft_for(lien, dedup_key="absences:token:1:legal1")

    first = sms_enqueue(etablissement=etablissement, user=None, drafts=[draft])
    again = sms_enqueue(etablissement=etablissement, user=None, drafts=[draft, draft])

    assert OutboundSms.objects.count() == 1
    assert [s.pk for s in again] == [first[0].pk]
    assert SmsHistory.objects.count() == 1


def test_a_responsable_without_consent_is_refused_and_nothing_is_queued(etablissement):
    ok = factories.LienFactory(eleve__etablissement=etablissement)
    refused = factories.LienFactory(eleve__etablissement=etablissement, responsable__accepte_sms=False)

    with pytest.raises(SmsRecipientUnreachable, match="n'accepte pas les SMS"):
        sms_enqueue(etablissement=etablissement, user=None, drafts=[draft_for(ok), draft_for(refused)])

    assert not OutboundSms.objects.exists()


def test_cancel_waiting_cancels_only_the_sms_not_yet_handed_to_a_worker(etablissement, simulator):
    waiting, released, claimed = queue_sms(etablissement, 3, event_key="absences.evenement:12")
    sms_release(etablissement=etablissement, user=None, ids=[released.pk, claimed.pk])
    OutboundSms.objects.filter(pk=claimed.pk).update(claim_token="w1", claimed_at=timezone.now())

    count = sms_cancel_waiting(
        etablissement=etablissement, event_key="absences.evenement:12", reason="Évènement supprimé", user=None
    )

    assert count == 2
    states = dict(OutboundSms.objects.values_list("pk", "state"))
    assert states == {waiting.pk: "cancelled", released.pk: "cancelled", claimed.pk: "sending"}
    assert OutboundSms.objects.get(pk=waiting.pk).error_message == "Évènement supprimé"


def test_rerender_changes_waiting_sms_and_never_one_already_sent(etablissement, simulator):
    waiting, sent = queue_sms(etablissement, 2, event_key="absences.evenement:7")
    OutboundSms.objects.filter(pk=sent.pk).update(state=SmsState.SUBMITTED, provider_id="42")

    count = sms_rerender_waiting(
        etablissement=etablissement,
        event_key="absences.evenement:7",
        event_label="Retard du 16/02/08",
        text_for=lambda sms: f"Nouveau texte pour {sms.recipient_label} : 10 €",
    )

    assert count == 1
    waiting.refresh_from_db()
    sent.refresh_from_db()
    assert waiting.text == "Nouveau texte pour Légal 1 - Financier : 10 €"
    assert waiting.event_label == "Retard du 16/02/08"
    assert sent.text == "Votre enfant est absent ce jour."


def test_release_moves_selected_sms_to_sending_and_queues_the_dispatch_after_commit(
    etablissement, simulator, vie_scolaire_user, django_capture_on_commit_callbacks
):
    chosen, left = queue_sms(etablissement, 2)

    with django_capture_on_commit_callbacks() as callbacks:
        outcome = sms_release(etablissement=etablissement, user=vie_scolaire_user, ids=[chosen.pk])

    assert (outcome.released, outcome.cancelled) == (1, 0)
    assert len(callbacks) == 1
    assert OutboundSms.objects.get(pk=chosen.pk).state == SmsState.SENDING
    assert OutboundSms.objects.get(pk=left.pk).state == SmsState.QUEUED
    assert etablissement.audit_entries.filter(action="sms.batch_released").count() == 1


def test_release_and_cancel_ignore_another_schools_sms(etablissement, other_etablissement, simulator):
    (theirs,) = queue_sms(other_etablissement, 1)

    assert sms_release(etablissement=etablissement, user=None, ids=[theirs.pk]).released == 0
    assert sms_cancel_selected(etablissement=etablissement, user=None, ids=[theirs.pk]) == 0
    assert OutboundSms.objects.get(pk=theirs.pk).state == SmsState.QUEUED


def test_supprimer_cancels_and_keeps_the_record(etablissement, vie_scolaire_user):
    (sms,) = queue_sms(etablissement, 1)

    sms_cancel_selected(etablissement=etablissement, user=vie_scolaire_user, ids=[sms.pk])

    sms.refresh_from_db()
    assert sms.state == SmsState.CANCELLED
    assert "Supprimé par viescolaire" in sms.error_message


def _submitted(etablissement, count):
    rows = queue_sms(etablissement, count)
    for i, sms in enumerate(rows):
        OutboundSms.objects.filter(pk=sms.pk).update(
            state=SmsState.SUBMITTED, provider_id=f"id{i}", submitted_at=timezone.now()
        )
    return rows


def test_reports_only_move_forward_and_repeated_or_late_ones_change_nothing(etablissement):
    a, b = _submitted(etablissement, 2)
    rows = {"id0": a.pk, "id1": b.pk}
    at = timezone.now()

    first = sms_apply_reports(rows=rows, reports=[StatusReport("id0", "delivered", at, "delivre")])
    repeated = sms_apply_reports(rows=rows, reports=[StatusReport("id0", "delivered", at, "delivre")])
    late = sms_apply_reports(
        rows=rows,
        reports=[StatusReport("id0", "undelivered", at, "non_remis"), StatusReport("id0", "submitted", at)],
    )
    unknown = sms_apply_reports(rows=rows, reports=[StatusReport("nobody", "delivered", at)])

    assert (first, repeated, late, unknown) == (1, 0, 0, 0)
    assert OutboundSms.objects.get(pk=a.pk).state == SmsState.DELIVERED
    assert OutboundSms.objects.get(pk=b.pk).state == SmsState.SUBMITTED
    assert list(a.history.filter(state=SmsState.DELIVERED).values_list("note", flat=True)) == [
        "Accusé du fournisseur : délivré (réponse « delivre »)"
    ]


def test_after_72_hours_without_final_report_an_sms_is_marked_so_not_delivered(etablissement):
    old, recent = _submitted(etablissement, 2)
    OutboundSms.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(hours=73))

    assert sms_expire_unreported(before=timezone.now() - timedelta(hours=72)) == 1

    old.refresh_from_db()
    assert old.state == SmsState.EXPIRED
    assert old.get_state_display() == "sans accusé de réception"
    assert OutboundSms.objects.get(pk=recent.pk).state == SmsState.SUBMITTED
    # A late "délivré" after that is ignored: the state machine only moves forward.
    assert sms_apply_reports(rows={"id0": old.pk}, reports=[StatusReport("id0", "delivered", None)]) == 0


def test_a_failed_sms_is_sent_again_as_a_new_sms_to_the_corrected_number(etablissement, vie_scolaire_user):
    (sms,) = queue_sms(etablissement, 1)
    OutboundSms.objects.filter(pk=sms.pk).update(state=SmsState.INVALID, error_message="Numéro invalide")
    sms.refresh_from_db()

    new = sms_resend(etablissement=etablissement, user=vie_scolaire_user, sms=sms, phone="+33698765432")
    again = sms_resend(etablissement=etablissement, user=vie_scolaire_user, sms=sms, phone="+33698765432")

    assert new.pk != sms.pk
    assert again.pk == new.pk
    assert (new.state, new.phone, new.text) == (SmsState.QUEUED, "+33698765432", sms.text)
    sms.refresh_from_db()
    assert (sms.state, sms.resent_as_id) == (SmsState.INVALID, new.pk)


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_never_get_the_same_sms():
    etablissement = factories.EtablissementFactory()
    queued = queue_sms(etablissement, 60)
    OutboundSms.objects.update(state=SmsState.SENDING, released_at=timezone.now())
    won: list[list[int]] = [[], []]
    batches: list[list[int]] = [[], []]

    def worker(index):
        try:
            while True:
                _, rows = sms_claim_batch(
                    etablissement_id=etablissement.pk, limit=7, provider_code="simulator"
                )
                if not rows:
                    return
                batches[index].append(len(rows))
                won[index].extend(sms.pk for sms in rows)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not set(won[0]) & set(won[1])
    assert sorted(won[0] + won[1]) == sorted(s.pk for s in queued)
    assert max(batches[0] + batches[1]) <= 7  # a claim never takes more than its limit


def test_a_claim_after_an_id_takes_the_next_sms_only_and_leaves_the_earlier_ones(etablissement):
    queued = queue_sms(etablissement, 6)
    OutboundSms.objects.update(state=SmsState.SENDING, released_at=timezone.now())
    ids = sorted(sms.pk for sms in queued)

    _, after_third = sms_claim_batch(
        etablissement_id=etablissement.pk, limit=2, provider_code="simulator", after=ids[2]
    )
    _, from_start = sms_claim_batch(etablissement_id=etablissement.pk, limit=10, provider_code="simulator")

    assert [sms.pk for sms in after_third] == ids[3:5]
    assert [sms.pk for sms in from_start] == ids[:3] + ids[5:]
