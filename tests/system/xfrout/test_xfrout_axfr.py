# SPDX-License-Identifier: BSD-3-Clause
"""AXFR out (RFC 5936) from dynzoned: the zone file's content, a
50,000-record zone in many messages, TSIG on every message (RFC 8945
§5.3.1), the transfer ACL (default deny, wrong key), the refusals' rcodes
and xfr-out-refused, xfr-out-done and xfr-out-failed."""
import socket
import struct
import time

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.xfr
import dns.zone
import pytest

from xclient import (KEY, KEYS, PRIMARY, ZONE, ZONE_TEXT, acl_yaml, axfr,
                     events, flat, wait_event, zone_of)


def big_zone(n: int) -> str:
    """ZONE_TEXT plus n A records h0..h(n-1)."""
    lines = [ZONE_TEXT]
    for i in range(n):
        lines.append(f"h{i} 300 A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")
    return "\n".join(lines) + "\n"


def file_zone(text: str = ZONE_TEXT) -> dns.zone.Zone:
    return dns.zone.from_text(text, origin=ZONE, relativize=False)


def refused_rcode(fn) -> str:
    with pytest.raises(dns.xfr.TransferError) as e:
        fn()
    return dns.rcode.to_text(e.value.rcode)


# ---- content -------------------------------------------------------------------

def test_axfr_equals_the_zone_file(primary):
    dz = primary()
    msgs = axfr(dz)
    recs = flat(msgs)
    # RFC 5936 §2.2: the SOA first and last, each other record once.
    assert recs[0][1] == "SOA" and recs[-1] == recs[0]
    assert zone_of(recs[:-1]) == file_zone()
    assert msgs[0].flags & dns.flags.AA
    ev = wait_event(dz, "xfr-out-done", type="AXFR")
    assert ev["zone"] == ZONE and ev["serial"] == "100->100"
    assert ev["peer"].startswith("127.0.0.1#") or ev["peer"].startswith(PRIMARY)
    assert int(ev["records"]) == len(recs) and ev["messages"] == "1"
    assert int(ev["bytes"]) > 0 and "ms" in ev and ev["key"] == "-"


def test_axfr_with_dnspython_from_xfr(primary):
    dz = primary()
    z = dns.zone.from_xfr(dns.query.xfr(dz.address, ZONE, port=dz.port,
                                        relativize=False),
                          relativize=False)
    assert z == file_zone()


def test_axfr_of_50000_records_is_complete_and_fast(primary):
    n = 50000
    dz = primary(zone_text=big_zone(n))
    t0 = time.monotonic()
    msgs = axfr(dz, timeout=60)
    took = time.monotonic() - t0
    recs = flat(msgs)
    assert len(msgs) > 10  # many messages of up to 64 KiB
    assert recs[0][1] == "SOA" and recs[-1] == recs[0]
    hosts = {r[0] for r in recs if r[0].startswith("h")}
    assert len(hosts) == n
    assert zone_of(recs[:-1]) == file_zone(big_zone(n))
    assert took < 10, f"AXFR of {n} records took {took:.1f}s"
    ev = wait_event(dz, "xfr-out-done", type="AXFR")
    assert int(ev["messages"]) == len(msgs)
    assert int(ev["records"]) == len(recs)


# ---- TSIG ----------------------------------------------------------------------

def test_signed_axfr_has_a_verified_tsig_on_every_message(primary):
    acl = acl_yaml("xfr", keys=[KEY.name], actions=["transfer"])
    dz = primary(acls=acl, zone_text=big_zone(5000))
    msgs = axfr(dz, keyring=KEY.tsig)  # dnspython checks each MAC
    assert len(msgs) > 1
    assert all(m.had_tsig for m in msgs)
    assert zone_of(flat(msgs)[:-1]) == file_zone(big_zone(5000))
    ev = wait_event(dz, "xfr-out-done", type="AXFR")
    assert ev["key"] == KEY.name


@pytest.mark.parametrize("alg", ["hmac-md5", "hmac-sha1", "hmac-sha512"])
def test_signed_axfr_with_other_algorithms(primary, alg):
    key = KEYS[alg]
    acl = acl_yaml("xfr", keys=[key.name], actions=["transfer"])
    dz = primary(acls=acl, zone_text=big_zone(8000))
    msgs = axfr(dz, keyring=key.tsig)
    assert len(msgs) > 1 and all(m.had_tsig for m in msgs)


# ---- refusals ------------------------------------------------------------------

def test_no_transfer_acl_is_refused(primary):
    # An ACL for update only: transfers stay denied (default deny).
    dz = primary(acls=acl_yaml("upd", address=["127.0.0.0/8"],
                               actions=["update"]))
    assert refused_rcode(lambda: axfr(dz)) == "REFUSED"
    ev = wait_event(dz, "xfr-out-refused")
    assert ev["zone"] == ZONE and ev["reason"] == "no-acl"
    assert ev["key"] == "-" and ev["peer"].startswith(PRIMARY + "#")
    assert ev["category"] == "xfr-out" and ev["type"] == "AXFR"
    assert not events(dz, "xfr-out-done")


def test_zone_without_any_acl_is_refused(primary):
    dz = primary(acls="")
    assert refused_rcode(lambda: axfr(dz)) == "REFUSED"
    assert wait_event(dz, "xfr-out-refused")["reason"] == "no-acl"


def test_wrong_key_is_refused(primary):
    good, other = KEYS["hmac-sha256"], KEYS["hmac-sha512"]
    dz = primary(acls=acl_yaml("xfr", keys=[good.name], actions=["transfer"]))
    # Signed with another known key: authentic, but not allowed.
    assert refused_rcode(lambda: axfr(dz, keyring=other.tsig)) == "REFUSED"
    ev = wait_event(dz, "xfr-out-refused", reason="wrong-key")
    assert ev["key"] == other.name
    # Unsigned: the same ACL would match with its key.
    assert refused_rcode(lambda: axfr(dz)) == "REFUSED"
    ev = wait_event(dz, "xfr-out-refused", reason="wrong-key", key="-")
    # The right key passes.
    assert all(m.had_tsig for m in axfr(dz, keyring=good.tsig))


def test_address_outside_the_acl_is_refused(primary):
    dz = primary(acls=acl_yaml("xfr", address=["127.0.0.9"],
                               actions=["transfer"]))
    assert refused_rcode(lambda: axfr(dz)) == "REFUSED"
    assert wait_event(dz, "xfr-out-refused")["reason"] == "no-acl"


def tcp_exchange(srv, wire: bytes) -> bytes:
    with socket.create_connection((srv.address, srv.port), timeout=5) as s:
        s.sendall(struct.pack("!H", len(wire)) + wire)
        n = struct.unpack("!H", recv_exact(s, 2))[0]
        return recv_exact(s, n)


def recv_exact(s, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed")
        buf += chunk
    return buf


def test_unknown_key_is_notauth_badkey(primary):
    import dns.tsig
    dz = primary()
    q = dns.message.make_query(ZONE, "AXFR")
    q.use_tsig(dns.tsig.Key("nobody.", KEY.secret, dns.tsig.HMAC_SHA256))
    wire = tcp_exchange(dz, q.to_wire())
    assert wire[3] & 0xF == dns.rcode.NOTAUTH
    ev = wait_event(dz, "xfr-out-refused")
    assert ev["key"] == "nobody." and "key" in ev["reason"]
    wait_event(dz, "tsig-bad-key")


def test_zone_not_served_is_notauth(primary):
    dz = primary()
    q = dns.message.make_query("other.test.", "AXFR")
    r = dns.message.from_wire(tcp_exchange(dz, q.to_wire()))
    assert r.rcode() == dns.rcode.NOTAUTH
    ev = wait_event(dz, "xfr-out-refused", reason="not-authoritative")
    assert ev["zone"] == "other.test."


def test_axfr_over_udp_is_formerr(primary):
    dz = primary()
    q = dns.message.make_query(ZONE, "AXFR")
    r = dns.query.udp(q, dz.address, port=dz.port, timeout=3)
    assert r.rcode() == dns.rcode.FORMERR  # RFC 5936 §4.2: TCP only
    wait_event(dz, "xfr-out-refused", reason="axfr-over-udp")


# ---- an interrupted transfer ---------------------------------------------------

def test_client_gone_mid_transfer_logs_xfr_out_failed(primary):
    # More than the kernel buffers between us can hold (a 4 MiB send
    # buffer at most, a tiny receive window): the server renders a 50,000
    # record zone in a few ms, faster than we can hang up.
    dz = primary(zone_text=big_zone(250000))
    q = dns.message.make_query(ZONE, "AXFR")
    wire = q.to_wire()
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(5)
    s.connect((dz.address, dz.port))
    s.sendall(struct.pack("!H", len(wire)) + wire)
    n = struct.unpack("!H", recv_exact(s, 2))[0]
    recv_exact(s, n)  # the first message only, then hang up
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    ev = wait_event(dz, "xfr-out-failed")
    assert ev["type"] == "AXFR" and ev["reason"] == "connection closed"
    assert int(ev["messages"]) >= 1
    # The server keeps serving transfers.
    assert flat(axfr(dz, timeout=60))[0][1] == "SOA"


# ---- a secondary zone serves transfers too -------------------------------------

def test_secondary_zone_serves_axfr_and_ixfr(primary, workdir):
    """dynzoned secondary (127.0.0.113) of a dynzoned primary: its own
    secondaries transfer the zone from it, IXFR included (from its own
    journal)."""
    from harness.peers import ensure_loopback_address
    from harness.server import Dynzoned
    from harness.wait import wait_until
    from xclient import RESOLVER, new_update, send, serial
    dz = primary(zone_extra="zonefile-sync: -1\n")
    ensure_loopback_address("127.0.0.113")
    sec = Dynzoned(workdir / "sec", address="127.0.0.113")
    sec.write_config({}, server_extra=f"resolver: [{RESOLVER}]", extra=f"""\
remote:
  - id: p
    address: {dz.address}@{dz.port}
acl:
  - id: xfr
    address: [127.0.0.0/8]
    action: [transfer]
zone:
  - domain: {ZONE}
    role: secondary
    primaries: [p]
    notify-ns: false
    acl: [xfr]
""")
    sec.start(wait_zone=None)
    try:
        wait_until(lambda: sec_serial(sec) == 100, timeout=30,
                   what="the secondary to load serial 100")
        assert zone_of(flat(axfr(sec))[:-1]) == file_zone()
        ev = wait_event(sec, "xfr-out-done", type="AXFR")
        assert ev["zone"] == ZONE
        m = new_update()
        m.add(f"late.{ZONE}", 300, "A", "192.0.2.201")
        assert send(dz, m).rcode() == dns.rcode.NOERROR
        assert sec.ctl("refresh", ZONE).returncode == 0
        wait_until(lambda: sec_serial(sec) == 101, timeout=30,
                   what="the secondary to reach serial 101")
        recs = flat(list(dns.query.xfr(sec.address, ZONE, port=sec.port,
                                       rdtype=dns.rdatatype.IXFR, serial=100,
                                       relativize=False)))
        assert [r for r in recs if r[1] == "A" and r[0] == f"late.{ZONE}"]
        wait_event(sec, "xfr-out-done", serial="100->101")
    finally:
        sec.stop()


def sec_serial(sec) -> int:
    try:
        r = sec.query(ZONE, "SOA")
    except Exception:  # noqa: BLE001 - not answering yet
        return -1
    return r.answer[0][0].serial if r.answer else -1
