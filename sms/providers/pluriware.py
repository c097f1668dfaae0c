"""Pluriware (EPLE-SMS): the XML API public integrations use (Gepi's ``lib/envoi_SMS.inc.php``).

Known: POST to ``xmlapi.php`` with one form field ``data`` (multipart/form-data) holding
``<pluriAPI>`` with ``<login>``, ``<password>`` and one ``<sendMsg>`` per message (``<to>`` in +E.164,
``<txt>`` in CDATA); a reply holding ``<err>`` elements (their ``<desc>`` the reason) is a failure.

Assumed (not public; everything assumed is in the ASSUMED section below, see docs/providers.md):
the reply lists one ``<sendMsg>`` per message, in order, with ``<to>`` and either ``<msgId>`` or its
own ``<err><desc>``; an ``<err>`` directly under ``<pluriAPI>`` refuses the whole request; the
émetteur goes in ``<from>`` inside each ``<sendMsg>``; statuses are asked with ``<getStatus>`` and
answered by one ``<status>`` per id with ``<msgId>``, ``<state>`` and ``<date>``.
"""

import re
from collections.abc import Iterable, Sequence
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape

import requests
from defusedxml import DefusedXmlException, ElementTree

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
    ProviderError,
    ProviderErrorKind,
    SendOutcome,
    SendResult,
    provider_id_from,
    provider_text,
    rejected_result,
)

# ---- ASSUMED: the reply format and the status query ------------------------------------------
STATE_WORDS = {"transit": SUBMITTED, "delivre": DELIVERED, "invalide": INVALID, "non_remis": UNDELIVERED}
# An <err> under <pluriAPI> refuses the whole request; its <desc> tells which refusal it is.
WHOLE_REQUEST_REFUSALS = (
    (re.compile(r"cr[ée]dit|solde", re.IGNORECASE), ProviderErrorKind.NO_CREDIT),
    (re.compile(r"login|mot de passe|password|identifi|authentif", re.IGNORECASE), ProviderErrorKind.AUTH),
)
STATUS_BATCH = 100  # ids per <getStatus>
# -----------------------------------------------------------------------------------------------

# Characters XML 1.0 cannot carry, even in CDATA: they become spaces.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cdata(text: str) -> str:
    """The text in CDATA; a "]]>" inside it is split across two sections so it cannot close the first."""
    return "<![CDATA[" + _NOT_XML.sub(" ", text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _element(tag: str, value: str) -> str:
    return f"<{tag}>{escape(_NOT_XML.sub(' ', value))}</{tag}>"


def _digits(number: str | None) -> str:
    return (number or "").lstrip("+")


def _child_text(element: Element, tag: str) -> str | None:
    child = element.find(tag)
    return None if child is None else (child.text or "").strip()


class PluriwareProvider(HttpProvider):
    code = "pluriware"
    label = "PLURIWARE"
    contact_email = "contact@eple-sms.fr"
    contact_phone = "03 25 78 41 64"
    website = "https://www.eple-sms.fr"
    capabilities = Capabilities(
        max_batch=100,
        takes_client_reference=False,
        polls_status=True,
        accepts_ucs2=True,
        can_check_credentials=True,
    )
    url_setting = "SCONET_PLURIWARE_URL"
    status_batch = STATUS_BATCH
    state_words = STATE_WORDS

    # -- requests ------------------------------------------------------------------------------
    def _document(self, body: str) -> HttpCall:
        document = (
            '<?xml version="1.0" encoding="UTF-8" ?>\n<pluriAPI>'
            + _element("login", self.credentials.login)
            + _element("password", self.credentials.password)
            + body
            + "</pluriAPI>"
        )
        # (None, ...) makes requests post a multipart/form-data field without a file name, as Gepi does.
        return HttpCall("POST", self.base_url, files={"data": (None, document.encode())})

    def build_send(self, messages: Sequence[OutgoingMessage]) -> HttpCall:
        return self._document("".join(self._send_msg(message) for message in messages))

    @staticmethod
    def _send_msg(message: OutgoingMessage) -> str:
        sender = _element("from", message.sender) if message.sender else ""
        return f"<sendMsg>{_element('to', message.to)}<txt>{cdata(message.text)}</txt>{sender}</sendMsg>"

    def build_status(self, provider_ids: Sequence[str]) -> HttpCall:
        ids = "".join(_element("msgId", provider_id) for provider_id in provider_ids)
        return self._document(f"<getStatus>{ids}</getStatus>")

    # -- answers ---------------------------------------------------------------------------------
    def _root(self, response: requests.Response) -> Element:
        """The reply's <pluriAPI>, after refusing the whole request if it carries its own <err>."""
        try:
            root = ElementTree.fromstring(response.content, forbid_dtd=True)
        except (ElementTree.ParseError, DefusedXmlException) as error:
            raise BadAnswer(f"ce n'est pas un document XML accepté ({type(error).__name__}).") from error
        if root.tag != "pluriAPI":
            raise BadAnswer(f"élément racine <{provider_text(root.tag)}> au lieu de <pluriAPI>.")
        errors = [provider_text(_child_text(err, "desc") or "") for err in root.findall("err")]
        if errors:
            reason = " ; ".join(errors) or "sans motif"
            kind = next(
                (kind for pattern, kind in WHOLE_REQUEST_REFUSALS if pattern.search(reason)),
                ProviderErrorKind.BAD_ANSWER,
            )
            raise ProviderError(
                kind, f"Le fournisseur (PLURIWARE) refuse l'envoi : {reason}", retryable=False
            )
        return root

    def parse_send(
        self, messages: Sequence[OutgoingMessage], response: requests.Response
    ) -> list[SendResult]:
        replies = self._root(response).findall("sendMsg")
        if [_digits(_child_text(reply, "to")) for reply in replies] != [_digits(m.to) for m in messages]:
            raise BadAnswer(f"{len(replies)} réponses pour {len(messages)} SMS, ou dans un autre ordre.")
        return [self._send_result(message, reply) for message, reply in zip(messages, replies, strict=True)]

    @staticmethod
    def _send_result(message: OutgoingMessage, reply: Element) -> SendResult:
        if reply.find("msgId") is not None:
            provider_id = provider_id_from(_child_text(reply, "msgId"))
            return SendResult(message.reference, SendOutcome.ACCEPTED, provider_id=provider_id)
        err = reply.find("err")
        if err is None:
            raise BadAnswer("un SMS sans identifiant ni erreur.")
        return rejected_result(message.reference, _child_text(err, "desc"))

    def status_entries(self, response: requests.Response) -> Iterable[tuple[object, object, object]]:
        return (
            (_child_text(status, "msgId"), _child_text(status, "state"), _child_text(status, "date"))
            for status in self._root(response).findall("status")
        )
