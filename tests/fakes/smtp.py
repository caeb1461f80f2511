"""A small SMTP server on 127.0.0.1 that keeps every message it accepts.

It speaks enough of RFC 5321 for smtplib (EHLO/HELO, MAIL, RCPT, DATA with dot-unstuffing,
RSET, NOOP, QUIT), so the site's real SMTP backend talks to it over a real socket. Addresses in
`refuse` get a permanent 550 at RCPT, as a server answers for a mailbox that does not exist.
"""

import email
import socketserver
import threading
from dataclasses import dataclass
from email.message import Message


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: tuple[str, ...]
    message: Message

    def text(self) -> str:
        """The plain-text body, decoded."""
        part = next(
            (p for p in self.message.walk() if p.get_content_type() == "text/plain"),
            self.message,
        )
        return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def _address(argument: str) -> str:
    return argument.split(":", 1)[1].strip().split(" ")[0].strip("<>")


class _Session(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server: FakeSMTP = self.server.fake
        self.reply("220 fake-smtp.test ESMTP ready")
        sender, recipients = "", []
        while line := self.rfile.readline():
            command = line.decode(errors="replace").rstrip("\r\n")
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-fake-smtp.test")
                self.reply("250 8BITMIME")
            elif verb == "HELO" or verb == "NOOP":
                self.reply("250 OK")
            elif verb == "MAIL":
                sender, recipients = _address(command), []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = _address(command)
                if address.lower() in server.refuse:
                    self.reply("550 5.1.1 No such mailbox here")
                else:
                    recipients.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                server.keep(Received(sender, tuple(recipients), email.message_from_bytes(data)))
                self.reply("250 OK queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class FakeSMTP:
    """`with FakeSMTP(port) as smtp:` serves on 127.0.0.1:`port` (0: any free port) for the
    block; `smtp.received` lists what was accepted, in order."""

    def __init__(self, port: int = 0, *, refuse: tuple[str, ...] = ()):
        self.port = port
        self.refuse = {address.lower() for address in refuse}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None

    def keep(self, received: Received) -> None:
        with self._lock:
            self.received.append(received)

    def to(self, address: str) -> list[Received]:
        """The messages accepted for `address`."""
        with self._lock:
            return [r for r in self.received if address.lower() in map(str.lower, r.recipients)]

    def __enter__(self) -> "FakeSMTP":
        self._server = _Server(("127.0.0.1", self.port), _Session)
        self._server.fake = self
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
