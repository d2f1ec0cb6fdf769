# SPDX-License-Identifier: BSD-3-Clause
"""A scripted, misbehaving primary for example.test. (UDP and TCP, dnspython): answers SOA without AA or for another zone, refuses or NOTIMPs IXFR, sends IXFR that does not apply."""
import socket
import struct
import threading
from typing import Optional

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset

ZONE = dns.name.from_text("example.test.")


def soa_rrset(serial: int, zone: dns.name.Name = ZONE,
              expire: int = 1209600) -> dns.rrset.RRset:
    return dns.rrset.from_text(
        zone, 300, "IN", "SOA",
        f"ns1.{zone} hostmaster.{zone} {serial} 3600 600 {expire} 300")


def zone_records(serial: int, expire: int = 1209600):
    """The whole zone at serial, SOA first (the AXFR body without the
    closing SOA)."""
    return [soa_rrset(serial, expire=expire),
            dns.rrset.from_text(ZONE, 300, "IN", "NS", "ns1.example.test."),
            dns.rrset.from_text("ns1.example.test.", 300, "IN", "A",
                                "127.0.0.130"),
            dns.rrset.from_text("www.example.test.", 300, "IN", "A",
                                "192.0.2.1"),
            dns.rrset.from_text(f"s{serial}.example.test.", 300, "IN", "A",
                                "192.0.2.2")]


class Scripted:
    """mode: 'ok' (plain AXFR and SOA), 'noaa' (SOA answers without AA),
    'wrongzone' (SOA of another zone), 'ixfr-notimp' (IXFR -> NOTIMP),
    'ixfr-bad' (an IXFR deleting a record we do not have), 'refuse'
    (every transfer REFUSED), 'tc' (SOA over UDP truncated)."""

    def __init__(self, address: str, port: int, serial: int = 1,
                 mode: str = "ok", expire: int = 1209600):
        self.address, self.port = address, port
        self.serial, self.mode, self.expire = serial, mode, expire
        self.queries = []  # (transport, qtype text)
        self._stop = threading.Event()
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind((address, port))
        self.udp.settimeout(0.2)
        self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.tcp.bind((address, port))
        self.tcp.listen(8)
        self.tcp.settimeout(0.2)
        self.threads = [threading.Thread(target=self._udp_loop, daemon=True),
                        threading.Thread(target=self._tcp_loop, daemon=True)]
        for t in self.threads:
            t.start()

    # --- answers -----------------------------------------------------------
    def _soa_answer(self, q: dns.message.Message) -> dns.message.Message:
        r = dns.message.make_response(q)
        if self.mode != "noaa":
            r.flags |= dns.flags.AA
        zone = dns.name.from_text("other.test.") \
            if self.mode == "wrongzone" else ZONE
        r.answer.append(soa_rrset(self.serial, zone, self.expire))
        return r

    def _axfr(self, q: dns.message.Message) -> dns.message.Message:
        r = dns.message.make_response(q)
        r.flags |= dns.flags.AA
        r.answer = zone_records(self.serial, self.expire) + \
            [soa_rrset(self.serial, expire=self.expire)]
        return r

    def _ixfr_bad(self, q: dns.message.Message) -> dns.message.Message:
        """A difference from the client's serial that removes a record
        the client never had (RFC 1995 §4 form)."""
        old = q.authority[0][0].serial if q.authority else self.serial - 1
        r = dns.message.make_response(q)
        r.flags |= dns.flags.AA
        new = soa_rrset(self.serial, expire=self.expire)
        r.answer = [new, soa_rrset(old, expire=self.expire),
                    dns.rrset.from_text("ghost.example.test.", 300, "IN",
                                        "A", "192.0.2.99"),
                    new,
                    dns.rrset.from_text("added.example.test.", 300, "IN",
                                        "A", "192.0.2.98"),
                    new]
        return r

    def answer(self, wire: bytes, transport: str) -> Optional[bytes]:
        q = dns.message.from_wire(wire)
        qtype = q.question[0].rdtype
        self.queries.append((transport, dns.rdatatype.to_text(qtype)))
        if qtype == dns.rdatatype.SOA and self.mode == "tc" and \
                transport == "udp":
            r = dns.message.make_response(q)
            r.flags |= dns.flags.AA | dns.flags.TC
        elif qtype == dns.rdatatype.SOA:
            r = self._soa_answer(q)
        elif self.mode == "refuse" and qtype in (dns.rdatatype.AXFR,
                                                 dns.rdatatype.IXFR):
            r = dns.message.make_response(q)
            r.set_rcode(dns.rcode.REFUSED)
        elif qtype == dns.rdatatype.IXFR and self.mode == "ixfr-notimp":
            r = dns.message.make_response(q)
            r.set_rcode(dns.rcode.NOTIMP)
        elif qtype == dns.rdatatype.IXFR and self.mode == "ixfr-bad":
            r = self._ixfr_bad(q)
        elif qtype in (dns.rdatatype.AXFR, dns.rdatatype.IXFR):
            r = self._axfr(q)  # IXFR: an AXFR-style answer
        else:
            r = dns.message.make_response(q)
            r.set_rcode(dns.rcode.REFUSED)
        return r.to_wire(max_size=65535)

    # --- transports --------------------------------------------------------
    def _udp_loop(self):
        while not self._stop.is_set():
            try:
                wire, peer = self.udp.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                out = self.answer(wire, "udp")
            except Exception:  # noqa: BLE001 - a bad query: no answer
                continue
            if out:
                self.udp.sendto(out, peer)

    def _serve_conn(self, conn: socket.socket):
        conn.settimeout(5)
        with conn:
            try:
                while True:
                    head = conn.recv(2)
                    if len(head) < 2:
                        return
                    (n,) = struct.unpack("!H", head)
                    wire = b""
                    while len(wire) < n:
                        chunk = conn.recv(n - len(wire))
                        if not chunk:
                            return
                        wire += chunk
                    out = self.answer(wire, "tcp")
                    conn.sendall(struct.pack("!H", len(out)) + out)
            except OSError:
                return

    def _tcp_loop(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.tcp.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve_conn, args=(conn,),
                             daemon=True).start()

    def stop(self):
        self._stop.set()
        for t in self.threads:
            t.join(timeout=2)
        self.udp.close()
        self.tcp.close()

    # The `servers` fixture stops it and prints its "log".
    def log_text(self) -> str:
        return f"scripted {self.mode} queries={self.queries}"
