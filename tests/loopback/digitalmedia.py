"""A loopback Digital Média API, as sconet assumes it (providers.md): JSON, HTTP Basic, client
references that make a re-sent message answer with its first id instead of leaving twice."""

import base64
import json
from urllib.parse import parse_qs, urlsplit

from tests.loopback.server import LoopbackServer, Misbehaviour, Reply

STATUS_AT = "2008-02-15T14:40:00+01:00"


def _json_reply(payload, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(payload).encode(), "application/json", headers or {})


def basic_credentials(headers: dict[str, str]) -> tuple[str | None, str | None]:
    scheme, _, encoded = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None, None
    login, _, password = base64.b64decode(encoded).decode().partition(":")
    return login, password


class DigitalMediaServer(LoopbackServer):
    login = "CLE-DM"
    password = "secret-dm"

    def __init__(self):
        super().__init__()
        self.ids_by_reference: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"{self.root_url}/api/v1"

    def misbehaving_reply(self, misbehaviour: Misbehaviour) -> Reply | None:
        return {
            Misbehaviour.ERROR_500: _json_reply({"error": "internal"}, 503),
            Misbehaviour.THROTTLED: _json_reply({"error": "slow down"}, 429, {"Retry-After": "7"}),
            Misbehaviour.GARBAGE: Reply(200, b"<html>Maintenance</html>", "text/html"),
            Misbehaviour.AUTH_REFUSED: _json_reply({"error": "unauthorized"}, 401),
            Misbehaviour.NO_CREDIT: _json_reply({"error": "payment required"}, 402),
            Misbehaviour.INJECTION: _json_reply(
                {"messages": [{"reference": "<script>", "id": "<img src=x onerror=alert(1)>"}]}
            ),
        }[misbehaviour]

    def handle(self, method, path, headers, body):
        login, password = basic_credentials(headers)
        url = urlsplit(path)
        parsed = {
            "login": login,
            "password": password,
            "path": url.path,
            "content_type": headers.get("content-type"),
        }
        if (login, password) != (self.login, self.password):
            return parsed, _json_reply({"error": "unauthorized"}, 401)
        if method == "GET" and url.path == "/api/v1/messages/status":
            ids = parse_qs(url.query).get("ids", [""])[0]
            parsed["status_ids"] = [message_id for message_id in ids.split(",") if message_id]
            return parsed, _json_reply({"statuses": self._statuses(parsed["status_ids"])})
        if method == "POST" and url.path == "/api/v1/messages":
            payload = json.loads(body)
            parsed.update(sender=payload.get("sender"), service_code=payload.get("service_code"))
            parsed["messages"] = [
                {**message, "from": payload.get("sender")} for message in payload.get("messages", [])
            ]
            return parsed, _json_reply({"messages": [self._send_one(m) for m in parsed["messages"]]})
        return parsed, _json_reply({"error": "not found"}, 404)

    def _send_one(self, message: dict) -> dict:
        reference = message["reference"]
        if message["to"] in self.rejected_numbers:
            message["rejected"] = True
            return {
                "reference": reference,
                "status": "rejected",
                "error": self.rejected_numbers[message["to"]],
            }
        if reference in self.ids_by_reference:  # already taken: answer with its id, send nothing
            message["repeated"] = True
        else:
            self.ids_by_reference[reference] = self.new_message_id()
        message["id"] = self.ids_by_reference[reference]
        return {"reference": reference, "id": message["id"], "status": "accepted"}

    def _statuses(self, message_ids: list[str]) -> list[dict]:
        return [
            {"id": message_id, "status": self.states[message_id], "at": STATUS_AT}
            for message_id in message_ids
            if message_id in self.states
        ]
