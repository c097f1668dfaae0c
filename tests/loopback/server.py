"""What the loopback provider servers share: a threaded HTTP server in a background thread, a record
of every request, message ids, delivery states, and misbehaviour on demand."""

import enum
import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Misbehaviour(enum.StrEnum):
    SLOW = "slow"  # answers normally after `delay` seconds
    ERROR_500 = "error_500"
    THROTTLED = "throttled"  # 429 with Retry-After
    GARBAGE = "garbage"  # 200 with a body no adapter understands
    AUTH_REFUSED = "auth_refused"
    NO_CREDIT = "no_credit"
    ACCEPT_THEN_HANG = "accept_then_hang"  # takes the messages, then answers after `delay` seconds
    ACCEPT_THEN_CLOSE = "accept_then_close"  # takes the messages, then closes without an answer
    INJECTION = "injection"  # an answer crafted to smuggle markup or XML entities


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    parsed: dict[str, Any]  # what the protocol's parser understood: login, password, messages...


# Delivery states the servers keep; each protocol maps them onto its own words.
IN_TRANSIT, DELIVERED, UNDELIVERED, INVALID = "in_transit", "delivered", "undelivered", "invalid"


class LoopbackServer:
    """Subclasses write ``handle(method, path, headers, body) -> (parsed, Reply)``; the misbehaviour
    applies before (or after, for ACCEPT_THEN_*) the normal handling."""

    first_message_id = 11188

    def __init__(self):
        self.requests: list[RecordedRequest] = []
        self.states: dict[str, str] = {}
        self.rejected_numbers: dict[str, str] = {}  # number → the reason the server gives
        self.delay = 1.0
        self.most_in_flight = 0  # the most requests it was answering at once
        self._in_flight = 0
        self._misbehaviours: deque[Misbehaviour] = deque()
        self._misbehave_always: Misbehaviour | None = None
        self._ids = itertools.count(self.first_message_id)
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life ---------------------------------------------------------------------------------
    def start(self) -> "LoopbackServer":
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def root_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    # -- control --------------------------------------------------------------------------------
    def misbehave(self, misbehaviour: Misbehaviour, *, times: int | None = 1, delay: float | None = None):
        """The next ``times`` requests misbehave (every request until ``behave()`` when None)."""
        if delay is not None:
            self.delay = delay
        if times is None:
            self._misbehave_always = misbehaviour
        else:
            self._misbehaviours.extend([misbehaviour] * times)

    def behave(self) -> None:
        self._misbehaviours.clear()
        self._misbehave_always = None

    def reject_number(self, number: str, reason: str = "Numéro de téléphone invalide") -> None:
        self.rejected_numbers[number] = reason

    def mark(self, message_ids, state: str) -> None:
        with self._lock:
            for message_id in message_ids:
                if message_id not in self.states:
                    raise KeyError(f"No message {message_id} on this server")
                self.states[message_id] = state

    def mark_delivered(self, message_ids) -> None:
        self.mark(message_ids, DELIVERED)

    def mark_undelivered(self, message_ids) -> None:
        self.mark(message_ids, UNDELIVERED)

    def adopt(self, message_ids, state: str = IN_TRANSIT) -> None:
        """Ids given before this server started (a benchmark's seeded SMS en transit), known from now on."""
        with self._lock:
            self.states.update(dict.fromkeys(message_ids, state))

    def new_message_id(self, state: str = IN_TRANSIT) -> str:
        with self._lock:
            message_id = str(next(self._ids))
            self.states[message_id] = state
            return message_id

    # -- what the record says ------------------------------------------------------------------
    def sent_messages(self) -> list[dict[str, Any]]:
        """Every message the server accepted or refused, over all the send requests it received."""
        return [m for request in self.requests for m in request.parsed.get("messages", [])]

    # -- the protocol ----------------------------------------------------------------------------
    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[dict, Reply]:
        raise NotImplementedError

    def misbehaving_reply(self, misbehaviour: Misbehaviour) -> Reply | None:
        """The protocol's answer for a misbehaviour that replaces the normal handling."""
        raise NotImplementedError

    def _next_misbehaviour(self) -> Misbehaviour | None:
        with self._lock:
            if self._misbehaviours:
                return self._misbehaviours.popleft()
            return self._misbehave_always

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self._in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self._in_flight)
        try:
            self._answer(handler)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in handler.headers.items()}
        misbehaviour = self._next_misbehaviour()
        if misbehaviour == Misbehaviour.SLOW:
            time.sleep(self.delay)
        replacement = None
        if misbehaviour and misbehaviour not in _AFTER_HANDLING:
            replacement = self.misbehaving_reply(misbehaviour)
        if replacement is not None:
            parsed, reply = {"misbehaviour": str(misbehaviour)}, replacement
        else:
            parsed, reply = self.handle(handler.command, handler.path, headers, body)
        with self._lock:
            self.requests.append(RecordedRequest(handler.command, handler.path, headers, body, parsed))
        if misbehaviour == Misbehaviour.ACCEPT_THEN_HANG:
            time.sleep(self.delay)
        if misbehaviour == Misbehaviour.ACCEPT_THEN_CLOSE:
            handler.close_connection = True
            return
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(reply.body)

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real provider's front end
            disable_nagle_algorithm = True  # headers and body leave at once, no 40 ms delayed-ACK stall

            def do_GET(self):
                server._serve(self)

            do_POST = do_GET

            def log_message(self, format, *args):
                pass

        return Handler


_AFTER_HANDLING = {Misbehaviour.SLOW, Misbehaviour.ACCEPT_THEN_HANG, Misbehaviour.ACCEPT_THEN_CLOSE}
