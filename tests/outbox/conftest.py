"""Local servers for the three channels — an SMS centre speaking SMPP, an SMTP server
(aiosmtpd), an HTTP server for the webhook — and settings that point the worker at them."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from cordon.core.config import get_settings
from cordon.outbox import templates

from .smsc import FakeSmsc

SECRET = "webhook-secret-for-tests"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smsc() -> Iterator[FakeSmsc]:
    server = FakeSmsc().start()
    yield server
    server.stop()


@dataclass
class Inbox:
    """What the SMTP server accepted; addresses in ``refuse`` are refused (550)."""

    mails: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    port: int = 0

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(mail, EmailMessage)
        self.mails.append(mail)
        return "250 OK"


@pytest.fixture
def smtpd() -> Iterator[Inbox]:
    inbox = Inbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


@dataclass
class Hook:
    """What the webhook server received; it answers ``status`` (200 unless told)."""

    calls: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    status: int = 200
    port: int = 0

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.calls]


@pytest.fixture
def webhook() -> Iterator[Hook]:
    hook = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook.calls.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(hook.status)
            self.send_header("X-Message-Id", f"w{len(hook.calls)}")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield hook
    server.shutdown()
    server.server_close()


Configure = Callable[..., dict[str, str]]


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch) -> Iterator[Configure]:
    """``configure(smsc=…, smtpd=…, webhook=…, **settings)`` → the CORDON_* variables set
    (for a subprocess too); quick back-off and lease unless told."""

    def apply(
        smsc: FakeSmsc | None = None,
        smtpd: Inbox | None = None,
        webhook: Hook | None = None,
        **extra: object,
    ) -> dict[str, str]:
        env: dict[str, object] = {
            "outbox_backoff_seconds": 0.2,
            "outbox_lease_seconds": 1,
            "outbox_send_timeout": 2,
        }
        if smsc is not None:
            env |= {
                "smpp_host": "127.0.0.1",
                "smpp_port": smsc.port,
                "smpp_system_id": smsc.system_id,
                "smpp_password": smsc.password,
            }
        if smtpd is not None:
            env |= {
                "smtp_host": "127.0.0.1",
                "smtp_port": smtpd.port,
                "smtp_tls": "none",
                "smtp_from": "tin-nhan@soytehanoi.example",
            }
        if webhook is not None:
            env |= {
                "webhook_url": f"http://127.0.0.1:{webhook.port}/messages",
                "webhook_secret": SECRET,
            }
        env |= extra
        variables = {f"CORDON_{k.upper()}": str(v) for k, v in env.items()}
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        return variables

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()
    templates.load.cache_clear()
