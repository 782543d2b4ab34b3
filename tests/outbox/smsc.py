"""A small SMS centre for tests and the benchmark: SMPP 3.4 over TCP on 127.0.0.1, PDUs read
and written with smpplib's encoding. It binds transmitters, answers ``submit_sm``, records
every PDU it accepts, and puts long messages back together from their parts."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import smpplib.client
import smpplib.smpp
from smpplib.gsm import GSM_CHARACTER_TABLE


@dataclass(frozen=True)
class Submit:
    """One ``submit_sm`` as received."""

    destination: str
    source: str
    data_coding: int
    esm_class: int
    short_message: bytes
    reference: int | None  # user_message_reference: the sender's own id of the message


@dataclass(frozen=True)
class Sms:
    """A whole message: its parts joined and decoded."""

    destination: str
    text: str
    reference: int | None
    parts: int


def _decode(data: bytes, coding: int) -> str:
    if coding == 0x08:
        return data.decode("utf-16-be")
    out, escape = [], False
    for byte in data:
        if byte == 0x1B:
            escape = True
            continue
        out.append(GSM_CHARACTER_TABLE[byte + 0x80 if escape else byte])
        escape = False
    return "".join(out)


@dataclass
class FakeSmsc:
    system_id: str = "cordon"
    password: str = "secret"
    delay: float = 0.0  # seconds before each answer to a submit_sm
    answer_status: int = 0  # what submit_sm is answered with (0: accepted)
    hold_at: int | None = None  # the n-th submit_sm is recorded, its answer held back
    holding: threading.Event = field(default_factory=threading.Event)  # set when it is
    release: threading.Event = field(default_factory=threading.Event)
    received: list[Submit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: socketserver.ThreadingTCPServer | None = None
    port: int = 0

    def start(self, port: int = 0) -> FakeSmsc:
        smsc = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                smsc._serve(self.request)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def _serve(self, sock: Any) -> None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sequence = smpplib.client.SimpleSequenceGenerator()
        bound = False
        while True:
            head = _read(sock, 4)
            if head is None:
                return
            (length,) = struct.unpack(">L", head)
            raw = _read(sock, length - 4)
            if raw is None:
                return
            pdu = smpplib.smpp.parse_pdu(head + raw, client=sequence, allow_unknown_opt_params=True)
            reply = self._answer(pdu, sequence, bound)
            if pdu.command == "bind_transmitter" and reply.status == 0:
                bound = True
            try:
                sock.sendall(reply.generate())
            except OSError:  # the client is gone
                return
            if pdu.command == "unbind":
                return

    def _answer(self, pdu: Any, sequence: Any, bound: bool) -> Any:
        def make(command: str, **kwargs: Any) -> Any:
            return smpplib.smpp.make_pdu(command, client=sequence, sequence=pdu.sequence, **kwargs)

        if pdu.command == "bind_transmitter":
            ok = _text(pdu.system_id) == self.system_id and _text(pdu.password) == self.password
            return make("bind_transmitter_resp", status=0 if ok else 0x0E, system_id="fake")
        if pdu.command == "unbind":
            return make("unbind_resp")
        if pdu.command == "enquire_link":
            return make("enquire_link_resp")
        if pdu.command != "submit_sm" or not bound:
            return make("generic_nack", status=0x04)
        if self.delay:
            time.sleep(self.delay)
        if self.answer_status:
            return make("submit_sm_resp", status=self.answer_status, message_id="")
        with self.lock:
            self.received.append(
                Submit(
                    destination=_text(pdu.destination_addr),
                    source=_text(pdu.source_addr),
                    data_coding=int(pdu.data_coding or 0),
                    esm_class=int(pdu.esm_class or 0),
                    short_message=bytes(pdu.short_message or b""),
                    reference=getattr(pdu, "user_message_reference", None),
                )
            )
            number = len(self.received)
        if number == self.hold_at:
            self.holding.set()
            self.release.wait()
        return make("submit_sm_resp", message_id=f"m{number}")

    def messages(self) -> list[Sms]:
        """Every message received, long ones joined from their parts."""
        with self.lock:
            received = list(self.received)
        whole: list[Sms] = []
        pending: dict[tuple[str, int, int], dict[int, Submit]] = {}
        for s in received:
            if not s.esm_class & 0x40:
                whole.append(
                    Sms(s.destination, _decode(s.short_message, s.data_coding), s.reference, 1)
                )
                continue
            udh = s.short_message[1 : 1 + s.short_message[0]]
            ref, total, number = udh[2], udh[3], udh[4]
            parts = pending.setdefault((s.destination, ref, total), {})
            parts[number] = s
            if len(parts) == total:
                body = b"".join(
                    p.short_message[1 + p.short_message[0] :] for _, p in sorted(parts.items())
                )
                whole.append(Sms(s.destination, _decode(body, s.data_coding), s.reference, total))
                del pending[(s.destination, ref, total)]
        return whole

    def delivered(self) -> dict[tuple[str, int | None], int]:
        """How many times each (destination, reference) came: what an SMS centre that honours
        the sender's reference would pass on once."""
        counts: dict[tuple[str, int | None], int] = {}
        for sms in self.messages():
            key = (sms.destination, sms.reference)
            counts[key] = counts.get(key, 0) + 1
        return counts


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


def _read(sock: Any, size: int) -> bytes | None:
    chunks, got = [], 0
    while got < size:
        try:
            chunk = sock.recv(size - got)
        except OSError:
            return None
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
