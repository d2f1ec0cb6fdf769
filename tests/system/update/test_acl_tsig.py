# SPDX-License-Identifier: BSD-3-Clause
"""TSIG (RFC 8945) and the update ACLs against dynzoned: every algorithm
with nsupdate and dnspython, BADKEY/BADSIG/BADTIME with their log events,
and the ACL matrix (no ACL, address, key, update-type, update-owner with
each update-owner-match), each refusal's reason in the log and in the
reply's Extended DNS Error (RFC 8914)."""
import base64
import time

import dns.edns
import dns.name
import dns.rcode
import dns.tsig
import pytest

from harness.server import stop_all
from uclient import (ALGS, INITIAL_SERIAL, KEY, KEYS, NSUPDATE, ZONE, Key,
                     acl_yaml, new_update, nsupdate, rdatas, send,
                     send_wire, serial, signed_at, start_dz, wait_event)

Z = ZONE
BADSIG, BADKEY, BADTIME = 16, 17, 18


@pytest.fixture
def dzf(workdir, build_dir, request):
    """Start a dynzoned with start_dz(**kw) (dzf(acls=...)); stopped after."""
    made = []

    def make(**kw):
        srv = start_dz(workdir / f"dz{len(made)}", **kw)
        made.append(srv)
        return srv
    yield make
    stop_all(made, request, tail=3000)


def add_a(owner="new." + Z, key=None, rdata="192.0.2.99", rdtype="A"):
    m = new_update(key)
    m.add(owner, 300, rdtype, rdata)
    return m


# ---- every algorithm ------------------------------------------------------------

@pytest.mark.parametrize("alg", ALGS)
def test_each_algorithm_with_dnspython(dzf, alg):
    key = KEYS[alg]
    dz = dzf(acls=acl_yaml("k", keys=[key.name]))
    r = send(dz, add_a(key=key))  # dnspython verifies the signed reply
    assert dns.rcode.to_text(r.rcode()) == "NOERROR"
    assert r.had_tsig and r.tsig[0].algorithm == key.tsig.algorithm
    assert rdatas(dz, "new." + Z, "A") == ["192.0.2.99"]
    assert wait_event(dz, "update-applied")["key"] == key.name


@pytest.mark.skipif(NSUPDATE is None, reason="BIND's nsupdate not installed")
@pytest.mark.parametrize("alg", ALGS)
def test_each_algorithm_with_nsupdate(dzf, alg):
    key = KEYS[alg]
    dz = dzf(acls=acl_yaml("k", keys=[key.name]))
    r = nsupdate(dz, "update add new.example.test. 300 A 192.0.2.99", key=key)
    assert r.returncode == 0, r.stdout + r.stderr
    assert rdatas(dz, "new." + Z, "A") == ["192.0.2.99"]
    assert wait_event(dz, "update-applied")["key"] == key.name


@pytest.mark.skipif(NSUPDATE is None, reason="BIND's nsupdate not installed")
def test_keygen_key_works_with_nsupdate(dzf, dynzone, workdir):
    out = dynzone("keygen", "gen-key.", "-a", "hmac-sha384")
    assert out.returncode == 0, out.stderr
    secret = [l.split(":", 1)[1].strip() for l in out.stdout.splitlines()
              if l.strip().startswith("secret:")][0]
    key = Key("gen-key.", "hmac-sha384", secret)
    dz = dzf(keys=[key], acls=acl_yaml("k", keys=[key.name]))
    r = nsupdate(dz, "update add new.example.test. 300 A 192.0.2.99", key=key)
    assert r.returncode == 0, r.stdout + r.stderr
    assert rdatas(dz, "new." + Z, "A") == ["192.0.2.99"]


# ---- TSIG failures --------------------------------------------------------------

def verify_error_reply(raw, key, request_mac):
    """Check the MAC of a TSIG error reply by hand (dnspython refuses to
    verify a reply whose TSIG error is not 0): RFC 8945 §4.3.1/§4.3.3."""
    rd = raw.msg.tsig[0]
    owner = dns.name.from_text(key.name).to_wire()
    tsig_len = len(owner) + 10 + len(rd.to_digestable())
    start = len(raw.wire) - tsig_len
    assert raw.wire[start:start + len(owner)].lower() == owner.lower()
    body = bytearray(raw.wire[:start])
    body[0:2] = rd.original_id.to_bytes(2, "big")
    body[10:12] = (int.from_bytes(body[10:12], "big") - 1).to_bytes(2, "big")
    ctx = dns.tsig._digest(bytes(body), key.tsig, rd, None, request_mac)
    ctx.verify(rd.mac)


def test_badkey_unknown_key_name(dzf):
    dz = dzf(acls=acl_yaml("k", keys=[KEY.name]))
    stranger = Key("no-such-key.", "hmac-sha256", KEY.secret)
    raw = send_wire(dz, add_a(key=stranger).to_wire())
    assert raw.rcode == "NOTAUTH" and raw.tsig_error == BADKEY
    # Unsigned: the server has no such key to sign with (§5.3.2).
    assert len(raw.msg.tsig[0].mac) == 0
    ev = wait_event(dz, "tsig-bad-key")
    assert ev["key"] == "no-such-key."
    assert ev["category"] == "security" and ev["peer"].startswith("127.0.0.1#")
    assert rdatas(dz, "new." + Z, "A") == []


def test_badkey_known_name_other_algorithm(dzf):
    dz = dzf(acls=acl_yaml("k", keys=[KEY.name]))
    wrong = Key(KEY.name, "hmac-sha512", KEY.secret)
    raw = send_wire(dz, add_a(key=wrong).to_wire())
    assert raw.rcode == "NOTAUTH" and raw.tsig_error == BADKEY
    assert wait_event(dz, "tsig-bad-key")["key"] == KEY.name


@pytest.mark.skipif(NSUPDATE is None, reason="BIND's nsupdate not installed")
def test_badkey_reported_to_nsupdate(dzf):
    dz = dzf(acls=acl_yaml("k", keys=[KEY.name]))
    stranger = Key("typo-key.", "hmac-sha256", KEY.secret)
    r = nsupdate(dz, "update add new.example.test. 300 A 192.0.2.99",
                 key=stranger)
    assert r.returncode != 0
    assert "BADKEY" in r.stdout + r.stderr
    assert wait_event(dz, "tsig-bad-key")["key"] == "typo-key."


def test_badsig_wrong_secret(dzf):
    dz = dzf(acls=acl_yaml("k", keys=[KEY.name]))
    forged = Key(KEY.name, KEY.alg, base64.b64encode(b"w" * 32).decode())
    raw = send_wire(dz, add_a(key=forged).to_wire())
    assert raw.rcode == "NOTAUTH" and raw.tsig_error == BADSIG
    assert len(raw.msg.tsig[0].mac) == 0  # §5.3.2: BADSIG replies unsigned
    ev = wait_event(dz, "tsig-bad-sig")
    assert ev["key"] == KEY.name
    assert rdatas(dz, "new." + Z, "A") == []


@pytest.mark.parametrize("skew", [-1000, 1000])
def test_badtime_names_the_offset_and_signs_the_reply(dzf, skew):
    dz = dzf(acls=acl_yaml("k", keys=[KEY.name]))
    m = add_a(key=KEY)
    now = int(time.time())
    wire = signed_at(m, now + skew)
    raw = send_wire(dz, wire)
    assert raw.rcode == "NOTAUTH" and raw.tsig_error == BADTIME
    rd = raw.msg.tsig[0]
    # §5.2.3: signed, Other Data = the server's time (48 bits).
    assert len(rd.other) == 6
    server_time = int.from_bytes(rd.other, "big")
    assert abs(server_time - now) <= 5
    verify_error_reply(raw, KEY, m.mac)
    ev = wait_event(dz, "tsig-bad-time")
    assert ev["key"] == KEY.name
    assert abs(int(ev["offset"]) + skew) <= 5, ev  # offset = now - signed
    assert rdatas(dz, "new." + Z, "A") == []


def test_time_within_fudge_is_accepted_and_outside_a_small_fudge_is_not(dzf):
    dz = dzf(acls=acl_yaml("k", keys=[KEY.name]))
    m = new_update()
    m.add("new." + Z, 300, "A", "192.0.2.99")
    m.use_tsig(KEY.tsig, fudge=300)
    raw = send_wire(dz, signed_at(m, int(time.time()) - 200))
    assert raw.rcode == "NOERROR" and raw.tsig_error == 0
    m = new_update()
    m.add("new2." + Z, 300, "A", "192.0.2.98")
    m.use_tsig(KEY.tsig, fudge=100)
    raw = send_wire(dz, signed_at(m, int(time.time()) - 200))
    assert raw.rcode == "NOTAUTH" and raw.tsig_error == BADTIME
    assert wait_event(dz, "tsig-bad-time")["fudge"] == "100"
    assert rdatas(dz, "new." + Z, "A") == ["192.0.2.99"]
    assert rdatas(dz, "new2." + Z, "A") == []


# ---- the ACL matrix -------------------------------------------------------------

def refused(dz, msg, reason, signed=False):
    """Send; assert REFUSED, the reason in the EDE EXTRA-TEXT and in the
    update-refused event, and that the zone did not change."""
    before = serial(dz)
    if signed:
        r = send(dz, msg)  # the refusal of a signed request is signed
        rcode = dns.rcode.to_text(r.rcode())
        ede = " | ".join(o.text or "" for o in r.options
                         if isinstance(o, dns.edns.EDEOption))
    else:
        raw = send_wire(dz, msg.to_wire())
        rcode, ede = raw.rcode, raw.ede_text
    assert rcode == "REFUSED"
    assert reason in ede, f"EDE EXTRA-TEXT {ede!r} lacks {reason!r}"
    ev = wait_event(dz, "update-refused", reason=reason)
    assert ev["category"] == "security" and ev["zone"] == Z
    assert serial(dz) == before
    return ev


def test_no_acl_refuses_everything(dzf):
    dz = dzf(acls="", zone_acls=[])
    ev = refused(dz, add_a(), "no-acl")
    assert ev["key"] == "-"
    refused(dz, add_a(key=KEY), "no-acl", signed=True)


def test_acl_without_the_update_action(dzf):
    dz = dzf(acls=acl_yaml("q", address=["127.0.0.0/8"], actions=["query"]))
    refused(dz, add_a(), "no-acl")


@pytest.mark.parametrize("prefixes", [["10.0.0.0/8"], ["127.0.0.2"],
                                      ["::1"]])
def test_address_not_allowed(dzf, prefixes):
    dz = dzf(acls=acl_yaml("a", address=prefixes))
    refused(dz, add_a(), "no-acl")


def test_address_allowed_by_a_second_acl(dzf):
    dz = dzf(acls=acl_yaml("a", address=["10.0.0.0/8"])
             + acl_yaml("b", address=["127.0.0.1/32"]))
    assert send(dz, add_a()).rcode() == dns.rcode.NOERROR


def test_wrong_key_and_unsigned(dzf):
    other = KEYS["hmac-sha512"]
    dz = dzf(acls=acl_yaml("k", address=["127.0.0.0/8"], keys=[KEY.name]))
    ev = refused(dz, add_a(key=other), "wrong-key", signed=True)
    assert ev["key"] == other.name
    ev = refused(dz, add_a(), "wrong-key")
    assert ev["key"] == "-"
    assert send(dz, add_a(key=KEY)).rcode() == dns.rcode.NOERROR


def test_update_type(dzf):
    dz = dzf(acls=acl_yaml("t", address=["127.0.0.0/8"],
                           update_type=["A", "AAAA"]))
    assert send(dz, add_a()).rcode() == dns.rcode.NOERROR
    ev = refused(dz, add_a("x." + Z, rdtype="TXT", rdata="t"),
                 "type-not-allowed")
    assert "TXT" in ev.get("detail", "")
    # One disallowed record refuses the whole update.
    m = add_a("y." + Z)
    m.add("y." + Z, 300, "TXT", "t")
    refused(dz, m, "type-not-allowed")
    assert rdatas(dz, "y." + Z, "A") == []
    # Deleting a name checks every type it owns (www has A and TXT).
    m = new_update()
    m.delete("www." + Z)
    refused(dz, m, "type-not-allowed")
    assert rdatas(dz, "www." + Z, "TXT") == ['"hello"']


OWNER_CASES = [
    # (owner rule, match, owner-name list, owner, allowed?)
    ("key", "sub-or-equal", None, "h1.example.test.", True),
    ("key", "sub-or-equal", None, "a.h1.example.test.", True),
    ("key", "sub-or-equal", None, "h2.example.test.", False),
    ("key", "equal", None, "h1.example.test.", True),
    ("key", "equal", None, "a.h1.example.test.", False),
    ("key", "sub", None, "h1.example.test.", False),
    ("key", "sub", None, "a.h1.example.test.", True),
    ("zone", "sub-or-equal", None, "example.test.", True),
    ("zone", "sub-or-equal", None, "any.example.test.", True),
    ("zone", "equal", None, "example.test.", True),
    ("zone", "equal", None, "any.example.test.", False),
    ("zone", "sub", None, "example.test.", False),
    ("zone", "sub", None, "any.example.test.", True),
    ("name", "sub-or-equal", ["hosts"], "hosts.example.test.", True),
    ("name", "sub-or-equal", ["hosts"], "pc.hosts.example.test.", True),
    ("name", "sub-or-equal", ["hosts"], "pc.example.test.", False),
    ("name", "equal", ["hosts", "dhcp.example.test."], "dhcp.example.test.",
     True),
    ("name", "equal", ["hosts"], "pc.hosts.example.test.", False),
    ("name", "sub", ["hosts"], "hosts.example.test.", False),
    ("name", "sub", ["hosts"], "pc.hosts.example.test.", True),
]


@pytest.mark.parametrize("case", OWNER_CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[3]}" for c in OWNER_CASES])
def test_update_owner(dzf, case):
    rule, match, names, owner, allowed = case
    h1 = Key("h1.example.test.", "hmac-sha256")
    extra = {"update_owner": rule, "update_owner_match": match}
    if names:
        extra["update_owner_name"] = names
    dz = dzf(keys=[h1], acls=acl_yaml("o", address=["127.0.0.0/8"],
                                      keys=[h1.name], **extra))
    m = add_a(owner, key=h1, rdtype="TXT", rdata="t")
    if allowed:
        assert send(dz, m).rcode() == dns.rcode.NOERROR
        assert rdatas(dz, owner, "TXT") == ['"t"']
    else:
        ev = refused(dz, m, "owner-not-allowed", signed=True)
        assert ev["key"] == h1.name
        assert rdatas(dz, owner, "TXT") == []


def test_refusal_explained_to_nsupdate_users_by_dynzone_update(dzf, dynzone):
    dz = dzf(acls=acl_yaml("t", address=["127.0.0.0/8"], update_type=["A"]))
    out = dynzone("update", stdin=(
        f"server {dz.address} {dz.port}\nzone {Z}\n"
        "update add x.example.test. 300 TXT t\nsend\n"))
    assert out.returncode == 2
    assert "REFUSED" in out.stderr and "type-not-allowed" in out.stderr
    assert serial(dz) == INITIAL_SERIAL
