"""Digital Média: nothing of its API is public. Everything here is ASSUMED (providers.md), as a plain
JSON API under the configurable base URL ``SCONET_DIGITALMEDIA_URL``:

- ``POST {base}/messages``, HTTP Basic (clé d'identification : mot de passe), body
  ``{"sender", "service_code", "messages": [{"reference", "to", "text"}]}``, answered
  ``{"messages": [{"reference", "id", "status": "accepted"|"rejected", "error"}]}``; a reference
  already seen is not sent again (the answer repeats its id), so re-sending a batch is safe;
- 401 authentication refused, 402 no credit, 429 throttled (Retry-After), 5xx unavailable;
- ``GET {base}/messages/status?ids=ID,ID`` answered ``{"statuses": [{"id", "status", "at"}]}``.
"""

from collections.abc import Iterable, Sequence
from itertools import groupby

import requests

from sms.providers.base import (
    DELIVERED,
    INVALID,
    SUBMITTED,
    UNDELIVERED,
    BadAnswer,
    Capabilities,
    HttpCall,
    HttpProvider,
    OutgoingMessage,
    SendOutcome,
    SendResult,
    provider_id_from,
    provider_text,
    rejected_result,
    unknown_results,
)

STATE_WORDS = {
    "in_transit": SUBMITTED,
    "delivered": DELIVERED,
    "undelivered": UNDELIVERED,
    "invalid": INVALID,
}


def _sender_and_code(message: OutgoingMessage) -> tuple[str, str]:
    return message.sender, message.service_code


class DigitalMediaProvider(HttpProvider):
    code = "digitalmedia"
    label = "DIGITAL MEDIA"
    contact_email = "sconet@digitalmedia.fr"
    contact_phone = "02 56 03 67 00"
    website = "https://www.digitalmedia.fr"
    capabilities = Capabilities(
        max_batch=100,
        takes_client_reference=True,
        polls_status=True,
        accepts_ucs2=True,
        can_check_credentials=True,
    )
    url_setting = "SCONET_DIGITALMEDIA_URL"
    state_words = STATE_WORDS

    @property
    def _auth(self) -> tuple[str, str]:
        return self.credentials.login, self.credentials.password

    def send_batch(self, messages: Sequence[OutgoingMessage]) -> list[SendResult]:
        """The émetteur and service code are per request: one request per pair in the batch. A
        failure in a later request after an earlier one was taken is safe to retry whole, since
        the references already taken are not sent again."""
        self._check_batch_size(messages)
        results = {}
        for _, group in groupby(sorted(messages, key=_sender_and_code), key=_sender_and_code):
            for result in super().send_batch(list(group)):
                results[result.reference] = result
        return [results[message.reference] for message in messages]

    def build_send(self, messages: Sequence[OutgoingMessage]) -> HttpCall:
        sender, service_code = _sender_and_code(messages[0])
        payload = {
            "sender": sender,
            "service_code": service_code,
            "messages": [{"reference": m.reference, "to": m.to, "text": m.text} for m in messages],
        }
        return HttpCall("POST", f"{self.base_url}/messages", json=payload, auth=self._auth)

    def parse_send(
        self, messages: Sequence[OutgoingMessage], response: requests.Response
    ) -> list[SendResult]:
        answers = {answer.get("reference"): answer for answer in _json_list(response, "messages")}
        results = []
        for message in messages:
            answer = answers.get(message.reference)
            if answer is None:
                results += unknown_results([message], "Le fournisseur n'a rien répondu pour ce SMS.")
            elif answer.get("status") == "accepted":
                provider_id = provider_id_from(answer.get("id"))
                results.append(SendResult(message.reference, SendOutcome.ACCEPTED, provider_id=provider_id))
            elif answer.get("status") == "rejected":
                results.append(rejected_result(message.reference, answer.get("error")))
            else:
                raise BadAnswer(f"statut « {provider_text(answer.get('status'))} » pour un SMS.")
        return results

    def build_status(self, provider_ids: Sequence[str]) -> HttpCall:
        params = {"ids": ",".join(provider_ids)}
        return HttpCall("GET", f"{self.base_url}/messages/status", params=params, auth=self._auth)

    def status_entries(self, response: requests.Response) -> Iterable[tuple[object, object, object]]:
        return (
            (status.get("id"), status.get("status"), status.get("at"))
            for status in _json_list(response, "statuses")
        )


def _json_list(response: requests.Response, key: str) -> list[dict]:
    try:
        items = response.json()[key]
    except (ValueError, KeyError, TypeError) as error:
        raise BadAnswer(f"pas de liste « {key} » en JSON ({type(error).__name__}).") from error
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise BadAnswer(f"« {key} » n'est pas une liste d'objets.")
    return items
