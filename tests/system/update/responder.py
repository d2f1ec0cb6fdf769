# SPDX-License-Identifier: BSD-3-Clause
"""A scripted DNS peer for the update tool's tests: records what it receives
and answers as the test tells it (rcode, TSIG, EDE, TC, silence)."""
import select
import socket
import struct
import threading
from typing import Callable, List, Optional

import dns.edns
import dns.message
import dns.rcode
import dns.tsig
import dns.tsigkeyring


def family(host: str) -> int:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def free_port(host: str) -> int:
    """A port free for both UDP and TCP on host."""
    while True:
        with socket.socket(family(host), socket.SOCK_DGRAM) as u:
            u.bind((host, 0))
            port = u.getsockname()[1]
            with socket.socket(family(host), socket.SOCK_STREAM) as t:
                try:
                    t.bind((host, port))
                except OSError:
                    continue
            return port


class Received:
    """One request as the responder saw it."""

    def __init__(self, wire: bytes, msg, tcp: bool, peer):
        self.wire = wire
        self.msg = msg
        self.tcp = tcp
        self.peer = peer


class Responder:
    """UDP+TCP server thread on (host, port).

    handler(msg, tcp) returns the reply message, bytes, or None (no answer).
    The default handler answers every request with self.rcode, echoing it.
    """

    def __init__(self, host: str = "127.0.0.1", keyring=None,
                 handler: Optional[Callable] = None):
        self.host = host
        self.port = free_port(host)
        self.keyring = keyring
        self.handler = handler or self.default_reply
        self.rcode = dns.rcode.NOERROR
        self.ede = None            # (info_code, text) to attach
        self.tc_udp = False        # answer UDP with TC set, empty
        self.sign = True           # sign replies to signed requests
        self.received: List[Received] = []
        self.errors: List[str] = []
        self._stop = False
        self.peer = None           # address of the request being answered
        self.udp = socket.socket(family(host), socket.SOCK_DGRAM)
        self.udp.bind((host, self.port))
        self.tcp = socket.socket(family(host), socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((host, self.port))
        self.tcp.listen(8)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop = True
        self.thread.join(timeout=5)
        self.udp.close()
        self.tcp.close()

    @property
    def addr(self) -> str:
        return f"{self.host} {self.port}"

    def default_reply(self, msg, tcp: bool):
        if self.tc_udp and not tcp:
            r = dns.message.make_response(msg)
            r.flags |= dns.flags.TC
            for s in (1, 2):
                r.sections[s] = []
            return r
        r = dns.message.make_response(msg)
        r.set_rcode(self.rcode)
        if self.ede is not None:
            opt = dns.edns.EDEOption(self.ede[0], self.ede[1])
            r.use_edns(0, 0, 1232, options=[opt])
        return r

    def _parse(self, wire: bytes):
        kw = {}
        if self.keyring is not None:
            kw["keyring"] = self.keyring
        return dns.message.from_wire(wire, **kw)

    def _answer(self, wire: bytes, tcp: bool, peer) -> Optional[bytes]:
        try:
            msg = self._parse(wire)
        except Exception as e:  # recorded: the test asserts none happened
            self.errors.append(f"{type(e).__name__}: {e}")
            return None
        self.received.append(Received(wire, msg, tcp, peer))
        self.peer = peer
        reply = self.handler(msg, tcp)
        if reply is None or isinstance(reply, bytes):
            return reply
        if msg.had_tsig and not self.sign:
            reply.keyring = None
            reply.tsig = None
        return reply.to_wire()

    def _run(self):
        while not self._stop:
            r, _, _ = select.select([self.udp, self.tcp], [], [], 0.05)
            if self.udp in r:
                wire, peer = self.udp.recvfrom(65535)
                out = self._answer(wire, False, peer)
                if out is not None:
                    self.udp.sendto(out, peer)
            if self.tcp in r:
                conn, peer = self.tcp.accept()
                with conn:
                    self._serve_tcp(conn, peer)

    def _serve_tcp(self, conn, peer):
        conn.settimeout(5)
        try:
            while True:
                hdr = _recvn(conn, 2)
                if not hdr:
                    return
                wire = _recvn(conn, struct.unpack("!H", hdr)[0])
                out = self._answer(wire, True, peer)
                if out is None:
                    return
                conn.sendall(struct.pack("!H", len(out)) + out)
        except (OSError, ValueError):
            return


def _recvn(conn, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            if buf:
                raise ValueError("short read")
            return b""
        buf += chunk
    return buf
