# SPDX-License-Identifier: BSD-3-Clause
"""IXFR out (RFC 1995) from dynzoned's journal: the difference after
signed updates, AXFR-style when the history is gone, a single SOA when the
client is current, and over UDP (RFC 1995 §2) the SOA, the whole answer, or
TC."""
import socket
import struct

import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.update
import dns.xfr
import dns.zone
import pytest

from xclient import (KEY, ZONE, ZONE_TEXT, acl_yaml, axfr, events, flat,
                     ixfr, ixfr_udp, new_update, send, serial, wait_event,
                     zone_of)

SIGNED_ACL = acl_yaml("xfr", keys=[KEY.name], actions=["update", "transfer"])


def update(dz, adds=(), deletes=()):
    """One signed update: adds (owner, type, rdata), deletes (owner, type,
    rdata); asserts NOERROR. Over TCP without EDNS: no size limit."""
    m = new_update(KEY, edns=False)
    for owner, rdtype, rdata in adds:
        m.add(owner, 300, rdtype, rdata)
    for owner, rdtype, rdata in deletes:
        m.delete(owner, rdtype, rdata)
    assert dns.rcode.to_text(send(dz, m, tcp=True).rcode()) == "NOERROR"


def three_updates(dz):
    update(dz, adds=[(f"h1.{ZONE}", "A", "192.0.2.101")])
    update(dz, adds=[(f"h2.{ZONE}", "A", "192.0.2.102")],
           deletes=[(f"www.{ZONE}", "TXT", '"hello"')])
    update(dz, adds=[(f"h3.{ZONE}", "A", "192.0.2.103")])
    assert serial(dz) == 103


def soa_serials(recs):
    return [int(r[3].split()[2]) for r in recs if r[1] == "SOA"]


def old_zone() -> dns.zone.Zone:
    return dns.zone.from_text(ZONE_TEXT, origin=ZONE, relativize=False)


def apply_ixfr(dz, zone: dns.zone.Zone, keyring=None) -> dns.zone.Zone:
    """Bring zone up to date with dnspython's IXFR client (RFC 1995)."""
    q, _ = dns.xfr.make_query(zone, keyring=keyring)
    dns.query.inbound_xfr(dz.address, zone, query=q, port=dz.port,
                          timeout=10, lifetime=30)
    return zone


def current_zone(dz) -> dns.zone.Zone:
    return zone_of(flat(axfr(dz))[:-1])


# ---- over TCP ------------------------------------------------------------------

def test_ixfr_after_updates_is_the_difference(primary):
    dz = primary(acls=SIGNED_ACL, zone_extra="zonefile-sync: -1\n")
    three_updates(dz)
    msgs = ixfr(dz, 100, keyring=KEY.tsig)
    assert all(m.had_tsig for m in msgs)
    recs = flat(msgs)
    serials = soa_serials(recs)
    # RFC 1995 §4: new SOA, then (old SOA, removed, new SOA, added)
    # sequences, then the new SOA; condensed here into one sequence.
    assert serials[0] == 103 and serials[-1] == 103 and serials[1] == 100
    i_new = [i for i, r in enumerate(recs) if r[1] == "SOA"][2]
    removed = {(r[0], r[1], r[3]) for r in recs[2:i_new]}
    added = {(r[0], r[1], r[3]) for r in recs[i_new + 1:-1]}
    assert removed == {(f"www.{ZONE}", "TXT", '"hello"')}
    assert added == {(f"h{i}.{ZONE}", "A", f"192.0.2.10{i}") for i in (1, 2, 3)}
    # Nothing else: an IXFR is smaller than the zone.
    assert len(recs) < len(flat(axfr(dz, keyring=KEY.tsig)))
    ev = wait_event(dz, "xfr-out-done", type="IXFR")
    assert ev["serial"] == "100->103" and ev["key"] == KEY.name
    assert ev["form"] == "ixfr" and ev["messages"] == str(len(msgs))


def test_ixfr_applied_by_dnspython_gives_the_current_zone(primary):
    dz = primary(acls=SIGNED_ACL, zone_extra="zonefile-sync: -1\n")
    three_updates(dz)
    z = apply_ixfr(dz, old_zone(), keyring=KEY.tsig)
    assert z == zone_of(flat(axfr(dz, keyring=KEY.tsig))[:-1])


def test_ixfr_from_an_intermediate_serial(primary):
    dz = primary(acls=SIGNED_ACL, zone_extra="zonefile-sync: -1\n")
    three_updates(dz)
    recs = flat(ixfr(dz, 102, keyring=KEY.tsig))
    assert soa_serials(recs) == [103, 102, 103, 103]
    assert [r[0] for r in recs if r[1] == "A"] == [f"h3.{ZONE}"]
    wait_event(dz, "xfr-out-done", type="IXFR", serial="102->103")


def test_ixfr_when_current_is_a_single_soa(primary):
    dz = primary(acls=SIGNED_ACL)
    three_updates(dz)
    msgs = ixfr(dz, 103, keyring=KEY.tsig)
    recs = flat(msgs)
    assert len(recs) == 1 and recs[0][1] == "SOA"
    assert soa_serials(recs) == [103]
    ev = wait_event(dz, "xfr-out-done", form="up-to-date")
    assert ev["serial"] == "103->103" and ev["records"] == "1"


def test_ixfr_from_an_unknown_serial_is_axfr_style(primary):
    dz = primary(acls=SIGNED_ACL)
    three_updates(dz)
    recs = flat(ixfr(dz, 50, keyring=KEY.tsig))
    # RFC 1995 §4: the whole zone, as an AXFR would send it.
    assert recs == flat(axfr(dz, keyring=KEY.tsig))
    ev = wait_event(dz, "xfr-out-done", type="IXFR-AXFR-style")
    assert ev["serial"] == "50->103"


def test_ixfr_older_than_the_trimmed_journal_is_axfr_style(primary):
    # Every change is folded into the zone file and the journal kept
    # under 1 KiB: the oldest records go.
    dz = primary(acls=SIGNED_ACL,
                 zone_extra="zonefile-sync: 0\njournal-max-size: 1K\n")
    for i in range(12):
        update(dz, adds=[(f"t{i}.{ZONE}", "TXT", '"' + "x" * 150 + '"')])
    assert serial(dz) == 112
    recs = flat(ixfr(dz, 100, keyring=KEY.tsig))
    assert recs == flat(axfr(dz, keyring=KEY.tsig))
    wait_event(dz, "xfr-out-done", type="IXFR-AXFR-style", serial="100->112")
    # The recent history is still there.
    recs = flat(ixfr(dz, 111, keyring=KEY.tsig))
    assert soa_serials(recs) == [112, 111, 112, 112]
    z = apply_ixfr(dz, old_zone(), keyring=KEY.tsig)
    assert z == current_zone_signed(dz)


def current_zone_signed(dz):
    return zone_of(flat(axfr(dz, keyring=KEY.tsig))[:-1])


def test_version_is_pinned_while_updates_continue(primary):
    """A transfer started before an update sends the version it started
    with: one SOA serial throughout, none of the update's records."""
    text = ZONE_TEXT + "".join(f"b{i} 300 A 10.0.{i >> 8}.{i & 255}\n"
                               for i in range(20000))
    dz = primary(zone_text=text)  # unsigned updates and transfers
    q = dns.message.make_query(ZONE, "AXFR")
    wire = q.to_wire()
    s = socket.create_connection((dz.address, dz.port), timeout=10)
    s.sendall(struct.pack("!H", len(wire)) + wire)
    msgs = [dns.message.from_wire(recv_msg(s), xfr=True)]
    m = dns.update.UpdateMessage(ZONE)
    m.add(f"late.{ZONE}", 300, "A", "192.0.2.200")
    assert send(dz, m).rcode() == dns.rcode.NOERROR
    assert serial(dz) == 101
    while sum(len(rs) for m in msgs for rs in m.answer
              if rs.rdtype == dns.rdatatype.SOA) < 2:
        msgs.append(dns.message.from_wire(recv_msg(s), xfr=True))
    s.close()
    recs = flat(msgs)
    assert soa_serials(recs) == [100, 100]
    names = {r[0] for r in recs}
    assert f"late.{ZONE}" not in names and f"b19999.{ZONE}" in names
    assert len(msgs) > 1


def recv_msg(s) -> bytes:
    def exact(n):
        buf = b""
        while len(buf) < n:
            chunk = s.recv(n - len(buf))
            if not chunk:
                raise EOFError
            buf += chunk
        return buf
    return exact(struct.unpack("!H", exact(2))[0])


def test_ixfr_without_soa_is_formerr(primary):
    dz = primary()
    q = dns.message.make_query(ZONE, "IXFR")
    r = dns.query.tcp(q, dz.address, port=dz.port, timeout=5)
    assert r.rcode() == dns.rcode.FORMERR
    wait_event(dz, "xfr-out-refused", reason="ixfr-without-soa")


# ---- over UDP (RFC 1995 §2) ------------------------------------------------------

def test_ixfr_udp_current_is_the_soa(primary):
    dz = primary(acls=SIGNED_ACL)
    r, _ = ixfr_udp(dz, 100, key=KEY)
    assert not r.flags & dns.flags.TC and r.had_tsig
    assert [rs.rdtype for rs in r.answer] == [dns.rdatatype.SOA]
    assert r.answer[0][0].serial == 100
    ev = wait_event(dz, "xfr-out-done", type="IXFR-UDP")
    assert ev["form"] == "up-to-date" and ev["key"] == KEY.name


def test_ixfr_udp_small_difference_is_sent_whole(primary):
    dz = primary(acls=SIGNED_ACL, zone_extra="zonefile-sync: -1\n")
    three_updates(dz)
    r, size = ixfr_udp(dz, 100, key=KEY)
    assert not r.flags & dns.flags.TC and r.had_tsig
    assert r.flags & dns.flags.AA
    recs = flat([r])
    assert soa_serials(recs) == [103, 100, 103, 103]
    assert r.edns == 0  # EDNS client: an OPT in the answer
    ev = wait_event(dz, "xfr-out-done", type="IXFR-UDP", form="ixfr")
    assert ev["serial"] == "100->103" and int(ev["bytes"]) == size


def test_ixfr_udp_too_big_is_tc_with_the_soa(primary):
    dz = primary(acls=SIGNED_ACL, zone_extra="zonefile-sync: -1\n")
    update(dz, adds=[(f"t{i}.{ZONE}", "TXT", '"' + "y" * 200 + '"')
                     for i in range(20)])
    r, size = ixfr_udp(dz, 100, key=KEY)
    assert size <= 1232
    assert r.flags & dns.flags.TC and r.had_tsig
    assert [rs.rdtype for rs in r.answer] == [dns.rdatatype.SOA]
    assert r.answer[0][0].serial == 101
    wait_event(dz, "xfr-out-done", type="IXFR-UDP", form="tc")
    # Over TCP the client gets it all.
    recs = flat(ixfr(dz, 100, keyring=KEY.tsig))
    assert len([r for r in recs if r[1] == "TXT"]) == 20


def test_ixfr_udp_without_edns_fits_512(primary):
    dz = primary(acls=SIGNED_ACL, zone_extra="zonefile-sync: -1\n")
    update(dz, adds=[(f"t{i}.{ZONE}", "TXT", '"' + "z" * 60 + '"')
                     for i in range(8)])
    r, size = ixfr_udp(dz, 100, key=KEY, payload=None)
    assert size <= 512 and r.flags & dns.flags.TC and r.edns < 0
    r, size = ixfr_udp(dz, 100, key=KEY, payload=4096)
    assert not r.flags & dns.flags.TC and size > 512
