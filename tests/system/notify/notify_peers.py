# SPDX-License-Identifier: BSD-3-Clause
"""Scripted peers of the NOTIFY tests: a NOTIFY receiver that records what it gets, and a stub resolver."""
import socket
import threading
import time
from typing import Dict, List, Optional

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdata
import dns.rdatatype

from harness.peers import ensure_loopback_address


class _UdpPeer:
    """A UDP socket served by a thread until stop()."""

    def __init__(self, address: str, port: int):
        ensure_loopback_address(address)
        self.address = address
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((address, port))
        self.port = self.sock.getsockname()[1]
        self.sock.settimeout(0.1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                wire, peer = self.sock.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            reply = self.handle(wire, peer)
            if reply is not None:
                self.sock.sendto(reply, peer)

    def handle(self, wire: bytes, peer) -> Optional[bytes]:
        raise NotImplementedError

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


class Notified:
    """One NOTIFY as a receiver saw it."""

    def __init__(self, msg: dns.message.Message, peer, when: float):
        self.msg = msg
        self.peer = peer
        self.when = when
        self.zone = msg.question[0].name.to_text() if msg.question else ""
        self.serial = None
        for rrset in msg.answer:
            if rrset.rdtype == dns.rdatatype.SOA:
                self.serial = rrset[0].serial
        self.signed = msg.had_tsig


class NotifyReceiver(_UdpPeer):
    """Records every NOTIFY and answers NOERROR (signed when the request
    was and keyring knows the key); with answer=False it stays silent."""

    def __init__(self, address: str, port: int = 53, keyring=None,
                 answer: bool = True):
        self.keyring = keyring
        self.answer = answer
        self.got: List[Notified] = []
        self.lock = threading.Lock()
        super().__init__(address, port)

    def handle(self, wire, peer):
        try:
            msg = dns.message.from_wire(wire, keyring=self.keyring)
        except Exception:  # noqa: BLE001 - bad TSIG or garbage: ignore
            return None
        if msg.opcode() != dns.opcode.NOTIFY or msg.flags & dns.flags.QR:
            return None
        with self.lock:
            self.got.append(Notified(msg, peer, time.monotonic()))
        if not self.answer:
            return None
        resp = dns.message.make_response(msg)
        resp.flags |= dns.flags.AA
        return resp.to_wire()

    def notifies(self, zone: Optional[str] = None) -> List[Notified]:
        with self.lock:
            return [n for n in self.got if zone is None or n.zone == zone]


class StubResolver(_UdpPeer):
    """Answers A/AAAA from a table (name -> [IPv4]); NXDOMAIN otherwise."""

    def __init__(self, address: str, table: Dict[str, List[str]]):
        self.table = {k.lower(): v for k, v in table.items()}
        self.asked: List[str] = []
        super().__init__(address, 0)

    def handle(self, wire, peer):
        msg = dns.message.from_wire(wire)
        q = msg.question[0]
        name = q.name.to_text().lower()
        self.asked.append(name)
        resp = dns.message.make_response(msg)
        resp.flags |= dns.flags.RA
        if name not in self.table:
            resp.set_rcode(dns.rcode.NXDOMAIN)
        elif q.rdtype == dns.rdatatype.A:
            rrset = resp.find_rrset(resp.answer, q.name, q.rdclass,
                                    dns.rdatatype.A, create=True)
            for a in self.table[name]:
                rrset.add(dns.rdata.from_text("IN", "A", a), ttl=60)
        return resp.to_wire()


def notify_message(zone: str, serial: Optional[int] = None, keyring=None,
                   keyname=None) -> dns.message.Message:
    """A NOTIFY for zone, with the SOA (serial) in the answer if given."""
    msg = dns.message.make_query(zone, "SOA")
    msg.set_opcode(dns.opcode.NOTIFY)  # opcode bits live in flags
    msg.flags = (msg.flags & ~dns.flags.RD) | dns.flags.AA
    if serial is not None:
        rrset = msg.find_rrset(msg.answer, dns.name.from_text(zone), 1,
                               dns.rdatatype.SOA, create=True)
        rrset.add(dns.rdata.from_text(
            "IN", "SOA", f"ns. h. {serial} 3600 900 604800 300"), ttl=300)
    if keyring is not None:
        msg.use_tsig(keyring, keyname=keyname)
    return msg


def send_from(msg: dns.message.Message, source: str, address: str,
              port: int, timeout: float = 3.0) -> dns.message.Message:
    """Send msg over UDP from source (an address on lo) and read the reply."""
    ensure_loopback_address(source)
    return dns.query.udp(msg, address, port=port, timeout=timeout,
                         source=source)
