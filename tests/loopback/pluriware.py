"""A loopback Pluriware (EPLE-SMS) XML API: the known request format of providers.md, answered in
the reply format sconet assumes (one <sendMsg> per message with <msgId> or <err><desc>; an <err>
under <pluriAPI> for the whole request; <getStatus> answered by one <status> per id)."""

import email.parser
import email.policy
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from defusedxml import ElementTree

from tests.loopback.server import (
    DELIVERED,
    IN_TRANSIT,
    INVALID,
    UNDELIVERED,
    LoopbackServer,
    Misbehaviour,
    Reply,
)

STATE_WORDS = {IN_TRANSIT: "transit", DELIVERED: "delivre", INVALID: "invalide", UNDELIVERED: "non_remis"}
STATUS_DATE = "2008-02-15T14:40:00+01:00"

INJECTION_BODY = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE pluriAPI [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY payload "&#60;script&#62;alert(1)&#60;/script&#62;&lol2;">]>
<pluriAPI><err><desc>&payload;</desc></err></pluriAPI>"""


def form_fields(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], str]:
    """The posted form's fields, from multipart/form-data or urlencoded; and which of the two it was."""
    content_type = headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        fields = {
            part.get_param("name", header="content-disposition"): part.get_payload(decode=True).decode()
            for part in message.iter_parts()
        }
        return fields, "multipart/form-data"
    fields = {name: values[0] for name, values in parse_qs(body.decode()).items()}
    return fields, content_type


def _text(element, tag: str) -> str | None:
    child = element.find(tag)
    return None if child is None else (child.text or "")


def _xml_reply(inner: str, status: int = 200) -> Reply:
    document = f'<?xml version="1.0" encoding="UTF-8"?>\n<pluriAPI>{inner}</pluriAPI>'
    return Reply(status, document.encode(), "text/xml; charset=utf-8")


class PluriwareServer(LoopbackServer):
    login = "CLE-TEST"
    password = "mot-de-passe"

    @property
    def url(self) -> str:
        return f"{self.root_url}/xmlapi.php"

    def misbehaving_reply(self, misbehaviour: Misbehaviour) -> Reply | None:
        return {
            Misbehaviour.ERROR_500: Reply(500, b"<html>Internal Server Error</html>", "text/html"),
            Misbehaviour.THROTTLED: Reply(429, b"Too many requests", "text/plain", {"Retry-After": "7"}),
            Misbehaviour.GARBAGE: Reply(200, b"OK\n<html><body>Merci</body>", "text/html"),
            Misbehaviour.AUTH_REFUSED: _xml_reply("<err><desc>Login ou mot de passe incorrect</desc></err>"),
            Misbehaviour.NO_CREDIT: _xml_reply("<err><desc>Crédit SMS insuffisant</desc></err>"),
            Misbehaviour.INJECTION: Reply(200, INJECTION_BODY, "text/xml"),
        }[misbehaviour]

    def handle(self, method, path, headers, body):
        fields, encoding = form_fields(headers, body)
        try:
            root = ElementTree.fromstring(fields["data"].encode(), forbid_dtd=True)
        except (KeyError, ElementTree.ParseError) as error:
            return {"form_encoding": encoding, "fields": sorted(fields), "error": str(error)}, _xml_reply(
                "<err><desc>Document XML invalide</desc></err>"
            )
        parsed = {
            "form_encoding": encoding,
            "fields": sorted(fields),
            "document": fields["data"],
            "login": _text(root, "login"),
            "password": _text(root, "password"),
        }
        if (parsed["login"], parsed["password"]) != (self.login, self.password):
            return parsed, _xml_reply("<err><desc>Login ou mot de passe incorrect</desc></err>")
        status_query = root.find("getStatus")
        if status_query is not None:
            parsed["status_ids"] = [element.text for element in status_query.findall("msgId")]
            return parsed, self._status_reply(parsed["status_ids"])
        parsed["messages"] = [
            {"to": _text(element, "to"), "text": _text(element, "txt"), "from": _text(element, "from")}
            for element in root.findall("sendMsg")
        ]
        return parsed, _xml_reply("".join(self._send_one(message) for message in parsed["messages"]))

    def _send_one(self, message: dict) -> str:
        to = escape(message["to"] or "")
        if message["to"] in self.rejected_numbers:
            message["rejected"] = True
            reason = escape(self.rejected_numbers[message["to"]])
            return f"<sendMsg><to>{to}</to><err><desc>{reason}</desc></err></sendMsg>"
        message["id"] = self.new_message_id()
        return f"<sendMsg><to>{to}</to><msgId>{message['id']}</msgId></sendMsg>"

    def _status_reply(self, message_ids: list[str]) -> Reply:
        return _xml_reply(
            "".join(
                f"<status><msgId>{escape(message_id)}</msgId><state>{STATE_WORDS[self.states[message_id]]}"
                f"</state><date>{STATUS_DATE}</date></status>"
                for message_id in message_ids
                if message_id in self.states
            )
        )
