# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the transfer-out system tests: a dynzoned primary with a
transfer ACL on 127.0.0.110, AXFR/IXFR clients (dnspython over TCP, raw
UDP), and the records of a transfer as a flat list."""
import socket
import sys
from pathlib import Path
from typing import List, Optional, Tuple

import dns.message
import dns.name
import dns.query
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone

# The update tests' client: keys, ACL YAML, start_dz, sending updates, log
# events. Shared rather than copied.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "update"))

from uclient import (KEY, KEYS, ZONE, ZONE_TEXT, Key, acl_yaml,  # noqa: E402
                     events, new_update, send, serial, start_dz, wait_event)

__all__ = ["KEY", "KEYS", "ZONE", "ZONE_TEXT", "Key", "acl_yaml", "events",
           "new_update", "send", "serial", "start_dz", "wait_event",
           "PRIMARY", "BIND_ADDR", "KNOT_ADDR", "start_primary", "axfr",
           "ixfr", "ixfr_udp", "flat", "zone_of", "add_records"]

PRIMARY = "127.0.0.110"
BIND_ADDR = "127.0.0.111"
KNOT_ADDR = "127.0.0.112"

Record = Tuple[str, str, int, str]  # owner, type, ttl, rdata


# Never the system resolver: nothing listens here, so a lookup fails fast.
RESOLVER = "127.0.0.119@53"


def start_primary(workdir: Path, acls: Optional[str] = None,
                  zone_extra: str = "", start: bool = True, **kw):
    """A dynzoned primary of ZONE on PRIMARY; by default every loopback
    address may update and transfer it unsigned. It sends no NOTIFY of its
    own (notify-ns: false: the zone's NS hosts are 192.0.2.x), and its
    resolver is a loopback address."""
    from harness.peers import ensure_loopback_address
    ensure_loopback_address(PRIMARY)
    if acls is None:
        acls = acl_yaml("xfr", address=["127.0.0.0/8"],
                        actions=["update", "transfer"])
    dz = start_dz(workdir, acls=acls, address=PRIMARY, start=False,
                  zone_extra="notify-ns: false\n" + zone_extra, **kw)
    text = dz.conf.read_text().replace(
        "  workers: 2\n", f"  workers: 2\n  resolver: [{RESOLVER}]\n", 1)
    dz.conf.write_text(text)
    if start:
        dz.start(wait_zone=ZONE)
    return dz


def flat(msgs) -> List[Record]:
    """Every answer record of a transfer's messages, in order."""
    out = []
    for m in msgs:
        for rs in m.answer:
            for rd in rs:
                out.append((rs.name.to_text(),
                            dns.rdatatype.to_text(rs.rdtype), rs.ttl,
                            rd.to_text()))
    return out


def axfr(srv, keyring=None, keyname=None, timeout: float = 30.0):
    """The AXFR's messages (dnspython verifies each TSIG it finds)."""
    return list(dns.query.xfr(srv.address, ZONE, port=srv.port,
                              keyring=keyring, keyname=keyname,
                              relativize=False, timeout=timeout,
                              lifetime=timeout))


def ixfr(srv, serial_from: int, keyring=None, keyname=None,
         timeout: float = 30.0):
    return list(dns.query.xfr(srv.address, ZONE, port=srv.port,
                              rdtype=dns.rdatatype.IXFR, serial=serial_from,
                              keyring=keyring, keyname=keyname,
                              relativize=False, timeout=timeout,
                              lifetime=timeout))


def ixfr_query(serial_from: int, key: Optional[Key] = None,
               payload: Optional[int] = 1232) -> dns.message.Message:
    """An IXFR query carrying the client's SOA in its authority section
    (RFC 1995 §3)."""
    q = dns.message.make_query(ZONE, dns.rdatatype.IXFR)
    soa = dns.rrset.from_text(ZONE, 0, "IN", "SOA",
                              f". . {serial_from} 0 0 0 0")
    q.authority.append(soa)
    if payload is not None:
        q.use_edns(0, payload=payload)
    if key is not None:
        q.use_tsig(key.tsig)
    return q


def ixfr_udp(srv, serial_from: int, key: Optional[Key] = None,
             payload: Optional[int] = 1232, timeout: float = 5.0):
    """(reply, wire length) of an IXFR over UDP; the reply keeps one record
    per RRset so the SOA sequence reads as sent."""
    q = ixfr_query(serial_from, key, payload)
    wire = q.to_wire()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(wire, (srv.address, srv.port))
        data, _ = s.recvfrom(65535)
    keyring = {key.tsig.name: key.tsig} if key is not None else None
    r = dns.message.from_wire(data, keyring=keyring, request_mac=q.mac,
                              one_rr_per_rrset=True)
    return r, len(data)


def zone_of(records: List[Record]) -> dns.zone.Zone:
    """A zone from records (owner names absolute)."""
    text = "\n".join(f"{o} {t} IN {ty} {rd}" for o, ty, t, rd in records)
    return dns.zone.from_text(text, origin=ZONE, relativize=False,
                              check_origin=False)


def add_records(srv, records: List[Tuple[str, str, str]], key=None):
    """One signed update per record (owner, type, rdata); returns rcodes."""
    import dns.rcode
    out = []
    for owner, rdtype, rdata in records:
        m = new_update(key)
        m.add(owner, 300, rdtype, rdata)
        out.append(dns.rcode.to_text(send(srv, m).rcode()))
    return out
