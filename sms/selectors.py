"""The SMS app's reads: for the pages, and for the absences app."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sconet.lists import OUTBOX_SORTS, sorted_by
from sms.models import WAITING, OutboundSms, ProviderSettings, ProviderSettingsChange, SmsState
from sms.providers import PROVIDERS, get_provider_class


def provider_settings_for(*, etablissement) -> ProviderSettings:
    """The établissement's settings; an unsaved empty row ("AUCUN") when never set."""
    return ProviderSettings.objects.filter(etablissement=etablissement).first() or ProviderSettings(
        etablissement=etablissement
    )


def provider_is_configured(*, etablissement) -> bool:
    """An action "Envoi de SMS" is offered only when a provider is chosen."""
    return ProviderSettings.objects.filter(etablissement=etablissement).exclude(provider_code="").exists()


def sms_sending_window(*, etablissement) -> tuple[time | None, time | None]:
    row = ProviderSettings.objects.filter(etablissement=etablissement).first()
    return (row.window_start, row.window_end) if row else (None, None)


def sms_for_event(*, etablissement, event_key: str) -> QuerySet[OutboundSms]:
    """The SMS of one event, oldest first (for the Historique des actions)."""
    return OutboundSms.objects.filter(etablissement=etablissement, event_key=event_key).order_by(
        "created_at", "pk"
    )


def sms_waiting_count_for_event(*, etablissement, event_key: str) -> int:
    """How many SMS of one event deleting it would cancel (those not yet handed to a provider)."""
    return OutboundSms.objects.filter(WAITING, etablissement=etablissement, event_key=event_key).count()


@dataclass(frozen=True)
class ProviderInfo:
    code: str
    label: str
    contact_email: str
    contact_phone: str
    website: str


def provider_infos() -> list[ProviderInfo]:
    """ "Informations concernant les fournisseurs de service", from the registry."""
    infos = []
    for code in PROVIDERS:
        provider_class = get_provider_class(code)
        infos.append(
            ProviderInfo(
                code=code,
                label=provider_class.label,
                contact_email=provider_class.contact_email,
                contact_phone=provider_class.contact_phone,
                website=provider_class.website,
            )
        )
    return infos


def provider_changes(*, etablissement, limit: int = 20) -> list[ProviderSettingsChange]:
    return list(ProviderSettingsChange.objects.filter(etablissement=etablissement)[:limit])


# The tabs of Suivi des SMS.
TRACKING_TABS = {
    "suivi": Q(state__in=(SmsState.SENDING, SmsState.SUBMITTED)),
    "delivres": Q(state=SmsState.DELIVERED),
    # Every SMS that did not reach its family, with the reason: refused, failed, and annulé (deleted,
    # event justified, consent withdrawn) so that the staff know whom to call.
    "invalides": Q(
        state__in=(
            SmsState.INVALID,
            SmsState.UNDELIVERED,
            SmsState.FAILED,
            SmsState.EXPIRED,
            SmsState.CANCELLED,
        )
    ),
}

LIST_FIELDS = (
    "pk",
    "action_label",
    "eleve_label",
    "division_label",
    "event_label",
    "recipient_label",
    "phone",
    "state",
    "state_changed_at",
    "provider_id",
    "error_message",
    "in_doubt",
    "resent_as_id",
    "claim_token",  # "en cours d'envoi" or "en attente d'envoi"
)


def sms_waiting_list(*, etablissement, sort: str = "") -> QuerySet[OutboundSms]:
    """SMS à diffuser: the SMS "en attente de diffusion", with their responsable's consent as it is now
    (one who withdrew it since is shown: the dispatch would cancel the SMS)."""
    queryset = (
        OutboundSms.objects.filter(etablissement=etablissement, state=SmsState.QUEUED)
        .select_related("responsable")
        .only(*LIST_FIELDS, "responsable__accepte_sms", "responsable__tel_mobile")
    )
    return sorted_by(queryset, sort, OUTBOX_SORTS, ("created_at", "pk"))


def sms_tracking_list(*, etablissement, tab: str, sort: str = "") -> QuerySet[OutboundSms]:
    queryset = (
        OutboundSms.objects.filter(TRACKING_TABS[tab], etablissement=etablissement)
        .select_related("resent_as", "responsable")
        # "renvoyé", or to send again (if that one was deleted, and the responsable still accepts SMS)
        .only(*LIST_FIELDS, "resent_as__state", "responsable__accepte_sms", "responsable__tel_mobile")
    )
    return sorted_by(queryset, sort, OUTBOX_SORTS, ("-state_changed_at", "-pk"))


def school_year_start(day: date) -> int:
    """The year in which the school year holding ``day`` begins: it runs from 1 September to 31 August."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_bounds(year: int) -> tuple[date, date]:
    """The first and last days of the school year beginning in ``year``."""
    return date(year, 9, 1), date(year + 1, 8, 31)


def school_year_of(day: date) -> tuple[date, date]:
    """The school year holding ``day``: 1 September to 31 August."""
    return school_year_bounds(school_year_start(day))


@dataclass(frozen=True)
class SyntheseLine:
    action: str
    month: date
    delivered: int
    total: int


@dataclass(frozen=True)
class SyntheseMonth:
    month: date
    lines: list[SyntheseLine]
    delivered: int
    total: int


@dataclass(frozen=True)
class Synthese:
    start: date
    end: date
    months: list[SyntheseMonth]
    delivered: int
    total: int


SENT_STATES = (SmsState.SUBMITTED, SmsState.DELIVERED, SmsState.UNDELIVERED, SmsState.EXPIRED)


def _sent_sms_by_month(etablissement) -> QuerySet:
    """The établissement's sent SMS, with the month (local time) they were sent in."""
    return OutboundSms.objects.filter(
        etablissement=etablissement, state__in=SENT_STATES, submitted_at__isnull=False
    ).annotate(month=TruncMonth("submitted_at", tzinfo=timezone.get_current_timezone()))


def _as_date(month: date | datetime) -> date:
    return month.date() if isinstance(month, datetime) else month


def sms_synthese_years(*, etablissement, current: int) -> list[int]:
    """The school years of the Synthèse SMS, each named by the year it begins: those in which the
    établissement sent an SMS, and ``current``; most recent first (one query, a row per month)."""
    months = _sent_sms_by_month(etablissement).values_list("month", flat=True).distinct().order_by()
    return sorted({current, *(school_year_start(_as_date(month)) for month in months)}, reverse=True)


def sms_synthese(*, etablissement, year: int) -> Synthese:
    """ "Synthèse des SMS envoyés": per month and action, delivered and total, for the school year
    beginning in ``year`` (one query)."""
    start, end = school_year_bounds(year)
    tz = timezone.get_current_timezone()
    rows = (
        _sent_sms_by_month(etablissement)
        .filter(
            submitted_at__gte=timezone.make_aware(datetime.combine(start, time.min), tz),
            submitted_at__lt=timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
        )
        .values("month", "action_label")
        .annotate(total=Count("pk"), delivered=Count("pk", filter=Q(state=SmsState.DELIVERED)))
        .order_by("month", "action_label")
    )
    months: dict[date, list[SyntheseLine]] = {}
    for row in rows:
        month = _as_date(row["month"])
        months.setdefault(month, []).append(
            SyntheseLine(row["action_label"], month, row["delivered"], row["total"])
        )
    summary = [
        SyntheseMonth(month, lines, sum(x.delivered for x in lines), sum(x.total for x in lines))
        for month, lines in months.items()
    ]
    return Synthese(
        start=start,
        end=end,
        months=summary,
        delivered=sum(m.delivered for m in summary),
        total=sum(m.total for m in summary),
    )


def sms_first_delivered_subquery(*, etablissement, event_key) -> Subquery:
    """For another app's queryset: when the first SMS of an event was délivré (None if none was).

    ``event_key`` is an expression over the outer query naming the event as the outbox does
    ("absences.evenement:12"); the database answers, with the outbox's event index, in the same query.
    """
    return Subquery(
        OutboundSms.objects.filter(etablissement=etablissement, event_key=event_key, state=SmsState.DELIVERED)
        .order_by()
        .values("event_key")
        .annotate(first=Min("state_changed_at"))
        .values("first")[:1]
    )
