"""The contract every SMS provider adapter fulfils (see docs/providers.md).

``Provider`` is what the outbox calls. ``HttpProvider`` fixes the steps of a provider reached over
HTTP (build the request, post it, classify transport failures, parse the answer); a provider module
writes only its request builders and its answer parsers, and maps its status words onto ours with a
dict.
"""

import enum
import logging
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone
from urllib3.exceptions import NewConnectionError

logger = logging.getLogger(__name__)

# Our status words for a message the provider has taken (providers.md, "Our status words").
SUBMITTED = "submitted"
DELIVERED = "delivered"
UNDELIVERED = "undelivered"
INVALID = "invalid"
REPORT_STATES = (SUBMITTED, DELIVERED, UNDELIVERED, INVALID)


@dataclass(frozen=True)
class Credentials:
    login: str
    password: str
    option1: str = ""
    option2: str = ""


@dataclass(frozen=True)
class Capabilities:
    max_batch: int
    takes_client_reference: bool  # a re-sent reference is not sent twice: an UNKNOWN may be re-sent
    polls_status: bool
    accepts_ucs2: bool
    can_check_credentials: bool


@dataclass(frozen=True)
class OutgoingMessage:
    reference: str  # our unique client reference
    to: str  # E.164, "+33612345678"
    text: str
    sender: str = ""  # the action's émetteur, "" when none
    service_code: str = "0"


class SendOutcome(enum.StrEnum):
    ACCEPTED = "accepted"  # the provider took it: provider_id is set
    REJECTED = "rejected"  # refused for itself (invalid number, content): never retry it
    UNKNOWN = "unknown"  # the request may have gone through: never re-send blindly


@dataclass(frozen=True)
class SendResult:
    reference: str
    outcome: SendOutcome
    provider_id: str = ""
    error: str = ""  # in French, plain text, safe to show (see provider_text)


class ProviderErrorKind(enum.StrEnum):
    AUTH = "auth"
    NO_CREDIT = "no_credit"
    THROTTLED = "throttled"
    UNAVAILABLE = "unavailable"
    BAD_ANSWER = "bad_answer"


class ProviderError(Exception):
    """A failure of the whole request, raised only when the request surely did not go through, or
    went through and was refused as a whole. ``message_fr`` is plain text for the staff."""

    def __init__(
        self,
        kind: ProviderErrorKind,
        message_fr: str,
        retryable: bool,
        retry_after: float | None = None,
    ):
        super().__init__(message_fr)
        self.kind = kind
        self.message_fr = message_fr
        self.retryable = retryable
        self.retry_after = retry_after

    def __repr__(self) -> str:
        return f"ProviderError({self.kind!s}, {self.message_fr!r}, retryable={self.retryable})"


@dataclass(frozen=True)
class StatusReport:
    provider_id: str
    state: str  # one of REPORT_STATES
    at: datetime | None  # when the provider says it happened (aware), None if it does not say
    raw: str = field(default="")  # the provider's own words, for the record


class BadAnswer(Exception):
    """Raised by a parser when the provider's answer is not what the adapter understands."""


_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]+")
PROVIDER_TEXT_MAX_LENGTH = 200


def provider_text(raw: object) -> str:
    """A provider's words made fit to show: one line, no control characters, bounded length.
    It stays plain text: templates escape it like any other string (never mark it safe)."""
    text = " ".join(_CONTROL_CHARS.sub(" ", str(raw)).split())
    if len(text) > PROVIDER_TEXT_MAX_LENGTH:
        text = text[: PROVIDER_TEXT_MAX_LENGTH - 1] + "…"
    return text


PROVIDER_ID_MAX_LENGTH = 64
_PROVIDER_ID = re.compile(rf"^[A-Za-z0-9._:-]{{1,{PROVIDER_ID_MAX_LENGTH}}}$")


def provider_id_from(value: object) -> str:
    """A provider's message id as we keep it: short, no markup, no spaces. BadAnswer otherwise."""
    text = "" if value is None else str(value).strip()
    if not _PROVIDER_ID.match(text):
        raise BadAnswer(f"identifiant de message inattendu « {provider_text(text)} ».")
    return text


def parse_iso_datetime(value: object) -> datetime | None:
    """An ISO 8601 date from a provider, aware (in our time zone when it gives none); None if unreadable."""
    try:
        moment = datetime.fromisoformat(str(value or ""))
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Provider(ABC):
    code: str
    label: str  # as SCONET shows it: "PLURIWARE"
    contact_email: str = ""
    contact_phone: str = ""
    website: str = ""
    capabilities: Capabilities
    # The Credentials fields the provider cannot work without ("login", "password"): the settings
    # page refuses to save the provider without them.
    required_credentials: tuple[str, ...] = ("login", "password")

    def __init__(self, credentials: Credentials, *, base_url: str | None = None):
        self.credentials = credentials
        self.base_url = base_url

    @abstractmethod
    def send_batch(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """One result per message, in the same order. At most ``capabilities.max_batch`` messages."""

    @abstractmethod
    def fetch_statuses(self, provider_ids: Sequence[str]) -> list[StatusReport]:
        """Reports for the ids the provider knows about; an id it does not mention gets none."""

    @abstractmethod
    def check_credentials(self) -> None:
        """Returns when the credentials are accepted; raises ProviderError otherwise."""

    def _check_batch_size(self, messages: Sequence[OutgoingMessage]) -> None:
        if len(messages) > self.capabilities.max_batch:
            raise ValueError(
                f"{self.label} takes at most {self.capabilities.max_batch} messages a request, "
                f"not {len(messages)}."
            )


@dataclass(frozen=True)
class HttpCall:
    """One request to a provider, as a builder describes it."""

    method: str
    url: str
    files: dict[str, Any] | None = None
    json: Any = None
    params: dict[str, str] | None = None
    auth: tuple[str, str] | None = None


class AmbiguousFailure(Exception):
    """The request was sent and no complete answer came back: it may have been acted on."""

    def __init__(self, message_fr: str):
        super().__init__(message_fr)
        self.message_fr = message_fr


class HttpProvider(Provider):
    """The steps every HTTP provider follows. A subclass names its endpoint setting and writes
    ``build_send``, ``parse_send``, ``build_status``, ``status_entries``, ``state_words`` (and optionally
    ``build_credentials_check`` / ``parse_credentials_check``); it raises ``ProviderError`` for an
    answer that refuses the whole request and ``BadAnswer`` for one it cannot read."""

    url_setting: str
    state_words: dict[str, str]  # the provider's status words → ours (REPORT_STATES)
    status_batch = 100  # ids asked about in one status request

    def __init__(self, credentials: Credentials, *, base_url: str | None = None):
        super().__init__(credentials, base_url=base_url or getattr(settings, self.url_setting))
        self.session = session_for(self.base_url)

    # -- the steps a provider writes --------------------------------------------------------
    @abstractmethod
    def build_send(self, messages: Sequence[OutgoingMessage]) -> HttpCall: ...

    @abstractmethod
    def parse_send(
        self, messages: Sequence[OutgoingMessage], response: requests.Response
    ) -> list[SendResult]:
        """One result per message; a message the answer does not account for is UNKNOWN."""

    @abstractmethod
    def build_status(self, provider_ids: Sequence[str]) -> HttpCall: ...

    @abstractmethod
    def status_entries(self, response: requests.Response) -> Iterable[tuple[object, object, object]]:
        """(message id, the provider's status word, its date) for each status in the answer."""

    def parse_status(self, response: requests.Response) -> list[StatusReport]:
        """Reports in our words through ``state_words``; a word the adapter does not know is left
        out (with a line in the log), so that one odd status never blocks the others."""
        reports = []
        for provider_id, word, at in self.status_entries(response):
            if word not in self.state_words:
                logger.warning("SMS provider status word not understood", extra={"word": provider_text(word)})
                continue
            state = self.state_words[word]
            reports.append(
                StatusReport(
                    provider_id_from(provider_id), state, parse_iso_datetime(at), raw=provider_text(word)
                )
            )
        return reports

    def build_credentials_check(self) -> HttpCall:
        return self.build_status([])

    def parse_credentials_check(self, response: requests.Response) -> None:
        self.parse_status(response)

    # -- the fixed pipeline --------------------------------------------------------------------
    def send_batch(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        self._check_batch_size(messages)
        if not messages:
            return []
        try:
            response = self._exchange(self.build_send(messages), side_effects=True)
        except AmbiguousFailure as failure:
            return unknown_results(messages, failure.message_fr)
        # An answer we cannot read is a BAD_ANSWER: the messages may have been taken (the caller must
        # not re-send them blindly), and the next batches would fare no better (a changed API, an
        # address that leads to a web page).
        return self._read(partial(self.parse_send, messages), response)

    def fetch_statuses(self, provider_ids: Sequence[str]) -> list[StatusReport]:
        """One request per ``status_batch`` ids."""
        reports = []
        for start in range(0, len(provider_ids), self.status_batch):
            chunk = provider_ids[start : start + self.status_batch]
            response = self._exchange(self.build_status(chunk), side_effects=False)
            reports.extend(self._read(self.parse_status, response))
        return reports

    def check_credentials(self) -> None:
        response = self._exchange(self.build_credentials_check(), side_effects=False)
        self._read(self.parse_credentials_check, response)

    def _read(self, parser, response: requests.Response):
        try:
            return parser(response)
        except BadAnswer as error:
            raise ProviderError(
                ProviderErrorKind.BAD_ANSWER,
                f"Réponse du fournisseur ({self.label}) incomprise : {provider_text(error)}",
                retryable=False,
            ) from error

    def _exchange(self, call: HttpCall, *, side_effects: bool) -> requests.Response:
        """Posts the call. A failure before the request left is a retryable ProviderError; one
        after it left is an AmbiguousFailure when the call has side effects (a send)."""
        unreachable = ProviderError(
            ProviderErrorKind.UNAVAILABLE,
            f"Le fournisseur ({self.label}) est injoignable ou n'a pas répondu à temps.",
            retryable=True,
        )
        try:
            response = self.session.request(
                call.method,
                call.url,
                files=call.files,
                json=call.json,
                params=call.params,
                auth=call.auth,
                timeout=(settings.SCONET_SMS_CONNECT_TIMEOUT, settings.SCONET_SMS_READ_TIMEOUT),
                allow_redirects=False,
            )
        except (requests.ConnectionError, requests.Timeout) as error:
            if side_effects and request_was_sent(error):
                raise AmbiguousFailure(
                    "Pas de réponse complète du fournisseur après l'envoi de la demande : "
                    "les SMS sont peut-être partis."
                ) from error
            raise unreachable from error
        except requests.RequestException as error:
            raise unreachable from error
        raise_for_http_status(response, label=self.label)
        return response


def session_for(base_url: str) -> requests.Session:
    """An HTTP session that reads the environment (proxies, CA bundle) once, as requests would at
    every request: a batch then costs no environment lookup."""
    session = requests.Session()
    session.proxies.update(requests.utils.get_environ_proxies(base_url))
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
    session.trust_env = False
    return session


def request_was_sent(error: requests.RequestException) -> bool:
    """False when the connection could not even be opened (refused, no route, connect timeout):
    then the provider surely got nothing. True otherwise (read timeout, connection cut)."""
    if isinstance(error, requests.ConnectTimeout):
        return False
    if isinstance(error, requests.Timeout):
        return True
    reason = error.args[0] if error.args else None
    reason = getattr(reason, "reason", reason)  # urllib3's MaxRetryError wraps the cause
    return not isinstance(reason, NewConnectionError)


def retry_after_seconds(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def raise_for_http_status(response: requests.Response, *, label: str) -> None:
    """The statuses every HTTP provider shares. 2xx passes; the rest refuse the whole request."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if status in (401, 403):
        raise ProviderError(
            ProviderErrorKind.AUTH,
            f"Le fournisseur ({label}) refuse la clé d'identification ou le mot de passe.",
            retryable=False,
        )
    if status == 402:
        raise ProviderError(
            ProviderErrorKind.NO_CREDIT,
            f"Le crédit de SMS est épuisé chez le fournisseur ({label}).",
            retryable=False,
        )
    if status == 429:
        raise ProviderError(
            ProviderErrorKind.THROTTLED,
            f"Le fournisseur ({label}) demande de ralentir les envois.",
            retryable=True,
            retry_after=retry_after_seconds(response),
        )
    if status >= 500:
        raise ProviderError(
            ProviderErrorKind.UNAVAILABLE,
            f"Le fournisseur ({label}) est momentanément indisponible (HTTP {status}).",
            retryable=True,
            retry_after=retry_after_seconds(response),
        )
    raise ProviderError(
        ProviderErrorKind.BAD_ANSWER,
        f"Le fournisseur ({label}) refuse la demande (HTTP {status}).",
        retryable=False,
    )


def rejected_result(reference: str, reason: object) -> SendResult:
    reason = provider_text(reason or "") or "sans motif"
    return SendResult(reference, SendOutcome.REJECTED, error=f"Refusé par le fournisseur : {reason}")


def unknown_results(messages: Sequence[OutgoingMessage], error: str) -> list[SendResult]:
    return [SendResult(message.reference, SendOutcome.UNKNOWN, error=error) for message in messages]
