"""Sentry's ingest endpoint on 127.0.0.1, speaking the wire format sentry-sdk uses.

sentry-sdk POSTs each envelope to /api/<project>/envelope/ with an `X-Sentry-Auth` header
naming the DSN's public key, the body gzip-compressed. An envelope is newline-separated: a
JSON header, then per item a JSON item header and its payload (`length` bytes when the item
header gives a length, else up to the next newline). https://develop.sentry.dev/sdk/envelopes/
"""

import gzip
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PUBLIC_KEY = "0123456789abcdef0123456789abcdef"
PROJECT = 42


@dataclass(frozen=True)
class Envelope:
    path: str
    auth: str
    header: dict
    items: list[tuple[dict, bytes]]

    def events(self) -> list[dict]:
        return [json.loads(payload) for header, payload in self.items if header["type"] == "event"]


def parse_envelope(body: bytes) -> tuple[dict, list[tuple[dict, bytes]]]:
    """The envelope header and its (item header, payload) pairs."""
    header_line, _, rest = body.partition(b"\n")
    items = []
    while rest.strip():
        item_line, _, rest = rest.partition(b"\n")
        item_header = json.loads(item_line)
        length = item_header.get("length")
        if length is None:
            payload, _, rest = rest.partition(b"\n")
        else:
            payload, rest = rest[:length], rest[length + 1 :]
        items.append((item_header, payload))
    return json.loads(header_line), items


class FakeSentry:
    """Collects the envelopes it receives; `with FakeSentry() as sentry: sentry.dsn`."""

    def __init__(self):
        self.envelopes: list[Envelope] = []
        self.received = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                header, items = parse_envelope(body)
                auth = self.headers.get("X-Sentry-Auth", "")
                with fake.received:
                    fake.envelopes.append(Envelope(self.path, auth, header, items))
                    fake.received.notify_all()
                reply = json.dumps({"id": header.get("event_id")}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True

    @property
    def dsn(self) -> str:
        return f"http://{PUBLIC_KEY}@127.0.0.1:{self.server.server_port}/{PROJECT}"

    def events(self) -> list[dict]:
        with self.received:
            return [event for envelope in self.envelopes for event in envelope.events()]

    def wait_for_event(self, *, timeout: float) -> dict | None:
        """The first event received, waiting up to `timeout` seconds for one."""
        deadline = time.monotonic() + timeout
        with self.received:
            while not any(envelope.events() for envelope in self.envelopes):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.received.wait(remaining)
        return self.events()[0]

    def __enter__(self) -> "FakeSentry":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
