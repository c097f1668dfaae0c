"""Helpers for the SMS tests: a configured provider, and SMS queued through the real service."""

import html
import itertools

import pytest
from django.utils import timezone

from sms.models import OutboundSms, ProviderSettings, SmsState
from sms.services import SmsDraft, provider_settings_update, sms_enqueue
from tests import factories

_sequence = itertools.count(1)


def configure_provider(
    etablissement, *, code="simulator", login="cle-test", password="secret-test", user=None
):
    provider_settings_update(
        etablissement=etablissement,
        user=user,
        provider_code=code,
        login=login,
        password=password,
        option1="",
        option2="",
    )
    return ProviderSettings.objects.get(etablissement=etablissement)


def draft_for(lien, *, event_key=None, text="Votre enfant est absent ce jour.", dedup_key=None) -> SmsDraft:
    n = next(_sequence)
    eleve, responsable = lien.eleve, lien.responsable
    return SmsDraft(
        dedup_key=dedup_key or f"test:{n}",
        event_key=event_key or f"absences.evenement:{n}",
        eleve=eleve,
        responsable=responsable,
        phone=responsable.tel_mobile,
        recipient_label=lien.qualites_label,
        text=text,
        sender="0472000000",
        service_code="0",
        eleve_label=f"{eleve.nom} {eleve.prenom}",
        division_label=eleve.division.code if eleve.division_id else "",
        event_label="Absence du 15/02/08 08:30 au 15/02/08 18:00",
        action_label="Envoi de SMS",
    )


def queue_sms(etablissement, count=1, *, user=None, **draft_kwargs) -> list[OutboundSms]:
    """``count`` SMS "en attente de diffusion", each to its own pupil's Légal 1, through sms_enqueue."""
    liens = [factories.LienFactory(eleve__etablissement=etablissement) for _ in range(count)]
    return sms_enqueue(
        etablissement=etablissement, user=user, drafts=[draft_for(lien, **draft_kwargs) for lien in liens]
    )


def bulk_sms(etablissement, count, *, state=SmsState.QUEUED, submitted_at=None, **fields) -> None:
    """Many rows at once, for the query-count tests (pages must not depend on the number of rows);
    those past the outbox sent at ``submitted_at`` (now by default)."""
    now = timezone.now()
    sent = state not in (SmsState.QUEUED, SmsState.SENDING)
    OutboundSms.objects.bulk_create(
        OutboundSms(
            etablissement=etablissement,
            dedup_key=f"bulk:{state}:{i}:{now.timestamp()}",
            event_key=f"bulk:{i}",
            phone=f"+336{10000000 + i:08d}",
            recipient_label="Légal 1 - Financier",
            eleve_label=f"ELEVE{i:05d} Pauline",
            division_label=f"5{'ABCD'[i % 4]}",
            event_label="Absence du 15/02/08",
            action_label="Envoi de SMS",
            text="Absence",
            encoding="GSM-7",
            state=state,
            state_changed_at=now,
            released_at=now if state != SmsState.QUEUED else None,
            submitted_at=(submitted_at or now) if sent else None,
            provider_id=f"p{i}" if sent else "",
            **fields,
        )
        for i in range(count)
    )


@pytest.fixture
def simulator(etablissement):
    return configure_provider(etablissement)


def page_text(response) -> str:
    """The page's HTML with entities resolved (Django escapes the apostrophes of French text)."""
    return html.unescape(response.content.decode())
