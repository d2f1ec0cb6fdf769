# SPDX-License-Identifier: BSD-3-Clause
"""RFC 2136 against dynzoned, rule by rule, with dnspython and BIND's
nsupdate: each test sends one update, asserts the rcode, then reads the
zone back by queries (the records touched and the SOA serial)."""
import struct
import time

import dns.message
import dns.name
import dns.opcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.update
import pytest

from uclient import (INITIAL_SERIAL, KEY, NSUPDATE, ZONE, events, new_update,
                     nsupdate, rcode_of, rdatas, rrset, send, send_wire,
                     serial, start_dz, wait_event)

Z = ZONE
WWW_A = ["192.0.2.10", "192.0.2.11"]


@pytest.fixture(scope="module")
def dzmod(tmp_path_factory, build_dir):
    """One dynzoned for the tests that leave the zone as they found it
    (failures, no-ops)."""
    dz = start_dz(tmp_path_factory.mktemp("rules"))
    yield dz
    dz.stop()


@pytest.fixture
def dz(workdir, build_dir, request):
    """A fresh dynzoned (the zone of uclient.ZONE_TEXT) for a test that
    changes the zone."""
    srv = start_dz(workdir)
    yield srv
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        srv.kill()
        print(f"\ndynzoned log:\n{srv.log_text()[-4000:]}")
    else:
        srv.stop()


def unchanged(srv):
    """The zone is as ZONE_TEXT wrote it (the records the tests touch)."""
    assert serial(srv) == INITIAL_SERIAL
    assert rdatas(srv, "www." + Z, "A") == WWW_A
    assert rdatas(srv, "www." + Z, "TXT") == ['"hello"']
    assert rdatas(srv, "alias." + Z, "CNAME") == ["www.example.test."]
    assert rdatas(srv, Z, "NS") == ["ns1.example.test.", "ns2.example.test."]
    assert rdatas(srv, "new." + Z, "A") == []


def upd(*rrs, key=None, prereq=()):
    """An update from (owner, ttl, class, type, rdata-or-None) tuples;
    class ANY/NONE mean deletions (RFC 2136 §2.5)."""
    m = new_update(key)
    for sec, items in ((m.prerequisite, prereq), (m.update, rrs)):
        for owner, ttl, cls, typ, rd in items:
            add_raw(m, sec, owner, ttl, cls, typ, rd)
    return m


def add_raw(m, section, owner, ttl, cls, typ, rd):
    """Put one RR into a section exactly as given (class and TTL included);
    rd None means an empty rdata."""
    name = dns.name.from_text(owner)
    rdclass = dns.rdataclass.from_text(cls)
    rdtype = dns.rdatatype.from_text(typ)
    if cls in ("ANY", "NONE"):
        rs = dns.rrset.RRset(name, dns.rdataclass.IN, rdtype,
                             deleting=rdclass)
        if rd is not None:
            rs.add(dns.rdata.from_text(dns.rdataclass.IN, rdtype, rd), ttl)
    else:
        rs = dns.rrset.RRset(name, rdclass, rdtype)
        if rd is not None:
            rs.add(dns.rdata.from_text(rdclass, rdtype, rd), ttl)
    rs.ttl = ttl
    section.append(rs)


# ---- prerequisites (RFC 2136 §2.4, §3.2) --------------------------------------

# (name, prereq tuple, rcode when it fails or None when it holds)
PREREQS = [
    ("yxdomain-holds", ("www." + Z, 0, "ANY", "ANY", None), None),
    ("yxdomain-fails", ("nope." + Z, 0, "ANY", "ANY", None), "NXDOMAIN"),
    ("nxdomain-holds", ("nope." + Z, 0, "NONE", "ANY", None), None),
    ("nxdomain-fails", ("www." + Z, 0, "NONE", "ANY", None), "YXDOMAIN"),
    ("yxrrset-holds", ("www." + Z, 0, "ANY", "A", None), None),
    ("yxrrset-fails", ("www." + Z, 0, "ANY", "AAAA", None), "NXRRSET"),
    ("nxrrset-holds", ("www." + Z, 0, "NONE", "AAAA", None), None),
    ("nxrrset-fails", ("www." + Z, 0, "NONE", "A", None), "YXRRSET"),
]


@pytest.mark.parametrize("case", PREREQS, ids=[c[0] for c in PREREQS])
def test_prerequisite_with_dnspython(dz, case):
    _, pre, fails = case
    m = upd(("new." + Z, 300, "IN", "A", "192.0.2.99"), prereq=[pre])
    assert rcode_of(dz, m) == (fails or "NOERROR")
    if fails:
        unchanged(dz)
        ev = wait_event(dz, "update-prereq-failed", rcode=fails)
        assert ev["zone"] == Z and ev["reason"]
    else:
        assert rdatas(dz, "new." + Z, "A") == ["192.0.2.99"]
        assert serial(dz) == INITIAL_SERIAL + 1


def test_value_dependent_yxrrset_holds_for_the_exact_set(dz):
    m = upd(("new." + Z, 300, "IN", "A", "192.0.2.99"),
            prereq=[("www." + Z, 0, "IN", "A", "192.0.2.11"),
                    ("www." + Z, 0, "IN", "A", "192.0.2.10")])
    assert rcode_of(dz, m) == "NOERROR"
    assert rdatas(dz, "new." + Z, "A") == ["192.0.2.99"]


@pytest.mark.parametrize("rds", [["192.0.2.10"],
                                 ["192.0.2.10", "192.0.2.11", "192.0.2.12"],
                                 ["192.0.2.12"]],
                         ids=["subset", "superset", "other"])
def test_value_dependent_yxrrset_fails_unless_equal(dzmod, rds):
    m = upd(("new." + Z, 300, "IN", "A", "192.0.2.99"),
            prereq=[("www." + Z, 0, "IN", "A", r) for r in rds])
    assert rcode_of(dzmod, m) == "NXRRSET"
    unchanged(dzmod)


NSU_PREREQS = [
    ("prereq yxdomain www.example.test.", None),
    ("prereq yxdomain nope.example.test.", "NXDOMAIN"),
    ("prereq nxdomain nope.example.test.", None),
    ("prereq nxdomain www.example.test.", "YXDOMAIN"),
    ("prereq yxrrset www.example.test. A", None),
    ("prereq yxrrset www.example.test. MX", "NXRRSET"),
    ("prereq yxrrset www.example.test. A 192.0.2.10\n"
     "prereq yxrrset www.example.test. A 192.0.2.11", None),
    ("prereq yxrrset www.example.test. A 192.0.2.10", "NXRRSET"),
    ("prereq nxrrset www.example.test. MX", None),
    ("prereq nxrrset www.example.test. TXT", "YXRRSET"),
]


@pytest.mark.skipif(NSUPDATE is None, reason="BIND's nsupdate not installed")
@pytest.mark.parametrize("case", NSU_PREREQS,
                         ids=[f"{i}-{c[1] or 'holds'}"
                              for i, c in enumerate(NSU_PREREQS)])
def test_prerequisite_with_nsupdate(dz, case):
    pre, fails = case
    r = nsupdate(dz, f"{pre}\nupdate add new.example.test. 300 A 192.0.2.99",
                 key=KEY)
    if fails:
        assert r.returncode == 2, r.stdout + r.stderr
        assert f"update failed: {fails}" in r.stderr
        unchanged(dz)
    else:
        assert r.returncode == 0, r.stdout + r.stderr
        assert rdatas(dz, "new." + Z, "A") == ["192.0.2.99"]


def test_prerequisite_failure_logs_which_and_what_was_found(dz):
    m = upd(("new." + Z, 300, "IN", "A", "192.0.2.99"),
            prereq=[("www." + Z, 0, "ANY", "ANY", None),
                    ("www." + Z, 0, "ANY", "MX", None)])
    assert rcode_of(dz, m) == "NXRRSET"
    ev = wait_event(dz, "update-prereq-failed")
    assert ev["rcode"] == "NXRRSET"
    assert "www.example.test" in ev["reason"] and "MX" in ev["reason"]
    assert ev["peer"].startswith("127.0.0.1#")


# ---- zone section, NOTZONE, NOTAUTH, FORMERR (§3.1, §3.4.1) --------------------

def test_prerequisite_outside_the_zone_is_notzone(dzmod):
    m = upd(("new." + Z, 300, "IN", "A", "192.0.2.99"),
            prereq=[("www.example.net.", 0, "ANY", "ANY", None)])
    assert rcode_of(dzmod, m) == "NOTZONE"
    unchanged(dzmod)


def test_update_outside_the_zone_is_notzone(dzmod):
    m = upd(("new." + Z, 300, "IN", "A", "192.0.2.99"),
            ("www.example.net.", 300, "IN", "A", "192.0.2.98"))
    assert rcode_of(dzmod, m) == "NOTZONE"
    unchanged(dzmod)


@pytest.mark.parametrize("zone", ["other.test.", "sub.example.test.", "test."])
def test_zone_not_served_is_notauth(dzmod, zone):
    m = dns.update.UpdateMessage(zone)
    m.use_edns(0, payload=1232)
    m.add("x." + zone, 300, "A", "192.0.2.1")
    r = send_wire(dzmod, m.to_wire())
    assert r.rcode == "NOTAUTH"
    assert r.edes, "NOTAUTH carries an Extended DNS Error"
    unchanged(dzmod)


FORMERR_UPDATES = [
    # §3.4.1.2: class ANY with a TTL or rdata, class NONE with a TTL,
    # meta types, a class other than the zone's.
    ("any-with-rdata", ("www." + Z, 0, "ANY", "A", "192.0.2.10")),
    ("none-with-ttl", ("www." + Z, 300, "NONE", "A", "192.0.2.10")),
    ("none-type-any", ("www." + Z, 0, "NONE", "ANY", None)),
    ("add-type-any", ("www." + Z, 300, "IN", "ANY", None)),
    ("add-type-axfr", ("www." + Z, 300, "IN", "AXFR", None)),
    ("add-type-ixfr", ("www." + Z, 300, "IN", "IXFR", None)),
    ("class-ch", ("www." + Z, 300, "CH", "TXT", "x")),
]


@pytest.mark.parametrize("case", FORMERR_UPDATES,
                         ids=[c[0] for c in FORMERR_UPDATES])
def test_prescan_formerr(dzmod, case):
    # A valid addition first: all or nothing, it must not be applied.
    m = upd(("new." + Z, 300, "IN", "A", "192.0.2.99"), case[1])
    assert rcode_of(dzmod, m) == "FORMERR"
    unchanged(dzmod)


FORMERR_PREREQS = [
    ("any-with-rdata", ("www." + Z, 0, "ANY", "A", "192.0.2.10")),
    ("class-ch", ("www." + Z, 0, "CH", "TXT", "x")),
]


@pytest.mark.parametrize("case", FORMERR_PREREQS,
                         ids=[c[0] for c in FORMERR_PREREQS])
def test_prerequisite_formerr(dzmod, case):
    m = upd(("new." + Z, 300, "IN", "A", "192.0.2.99"), prereq=[case[1]])
    assert rcode_of(dzmod, m) == "FORMERR"
    unchanged(dzmod)


def raw_rr(owner, rdtype, rdclass, ttl, rdata=b""):
    """One RR in wire form, exactly as given (dnspython writes TTL 0 for
    an empty RRset whatever its ttl)."""
    return (dns.name.from_text(owner).to_wire()
            + struct.pack("!HHIH", rdtype, rdclass, ttl, len(rdata)) + rdata)


def with_raw(m, prereq=b"", update=b""):
    """m (no EDNS, no TSIG) with raw RRs appended to its prerequisite
    and update sections."""
    assert not m.additional and m.opt is None and m.tsig is None
    wire = m.to_wire()
    npre = int.from_bytes(wire[6:8], "big")
    nupd = int.from_bytes(wire[8:10], "big")
    body = wire[12:]
    # The question, then the prerequisites, then the updates: split the
    # body where the updates start by re-rendering without them.
    m2 = dns.update.UpdateMessage(Z)
    m2.id = m.id
    for rs in m.prerequisite:
        m2.prerequisite.append(rs)
    head = m2.to_wire()[12:]
    assert body.startswith(head)
    hdr = bytearray(wire[:12])
    hdr[6:8] = (npre + (1 if prereq else 0)).to_bytes(2, "big")
    hdr[8:10] = (nupd + (1 if update else 0)).to_bytes(2, "big")
    return bytes(hdr) + head + prereq + body[len(head):] + update


@pytest.mark.parametrize("where", ["prereq", "update"])
def test_class_any_with_a_ttl_is_formerr(dzmod, where):
    m = dns.update.UpdateMessage(Z)
    m.add("new." + Z, 300, "A", "192.0.2.99")
    rr = raw_rr("www." + Z, 1, 255, 300)
    wire = with_raw(m, **{where: rr})
    assert send_wire(dzmod, wire).rcode == "FORMERR"
    unchanged(dzmod)


def _patch_header(wire: bytes, offset: int, value: int) -> bytes:
    return wire[:offset] + value.to_bytes(2, "big") + wire[offset + 2:]


def test_zone_section_count_two_is_formerr(dzmod):
    m = dns.update.UpdateMessage(Z)
    m.add("new." + Z, 300, "A", "192.0.2.99")
    wire = m.to_wire()
    # ZOCOUNT 2 with the zone question written twice.
    hdr, rest = wire[:12], wire[12:]
    q = rest[:len(dns.name.from_text(Z).to_wire()) + 4]
    wire = _patch_header(hdr, 4, 2) + q + rest
    assert send_wire(dzmod, wire).rcode == "FORMERR"
    unchanged(dzmod)


def test_zone_section_type_not_soa_is_formerr(dzmod):
    m = dns.update.UpdateMessage(Z)
    m.add("new." + Z, 300, "A", "192.0.2.99")
    wire = bytearray(m.to_wire())
    qlen = len(dns.name.from_text(Z).to_wire())
    wire[12 + qlen:12 + qlen + 2] = (1).to_bytes(2, "big")  # ZTYPE A
    assert send_wire(dzmod, bytes(wire)).rcode == "FORMERR"
    unchanged(dzmod)


# ---- additions and deletions (§3.4.2) ------------------------------------------

def test_add_new_name_and_to_existing_rrset(dz):
    m = upd(("new." + Z, 300, "IN", "A", "192.0.2.99"),
            ("new." + Z, 300, "IN", "AAAA", "2001:db8::99"),
            ("www." + Z, 3600, "IN", "A", "192.0.2.12"))
    assert rcode_of(dz, m) == "NOERROR"
    assert rdatas(dz, "new." + Z, "A") == ["192.0.2.99"]
    assert rdatas(dz, "new." + Z, "AAAA") == ["2001:db8::99"]
    assert rdatas(dz, "www." + Z, "A") == WWW_A + ["192.0.2.12"]
    assert serial(dz) == INITIAL_SERIAL + 1
    ev = wait_event(dz, "update-applied")
    assert ev["serial"] == f"{INITIAL_SERIAL}->{INITIAL_SERIAL + 1}"
    assert ev["zone"] == Z
    # +3 records and the SOA swapped (the change set counts it both ways).
    assert int(ev["added"]) >= 3


@pytest.mark.skipif(NSUPDATE is None, reason="BIND's nsupdate not installed")
def test_nsupdate_adds_and_deletes(dz):
    r = nsupdate(dz, """
        update add new.example.test. 300 A 192.0.2.99
        update add new.example.test. 300 TXT "a b"
        update delete www.example.test. TXT
        update delete www.example.test. A 192.0.2.10
        """, key=KEY)
    assert r.returncode == 0, r.stderr
    assert rdatas(dz, "new." + Z, "A") == ["192.0.2.99"]
    assert rdatas(dz, "new." + Z, "TXT") == ['"a b"']
    assert rdatas(dz, "www." + Z, "TXT") == []
    assert rdatas(dz, "www." + Z, "A") == ["192.0.2.11"]
    assert serial(dz) == INITIAL_SERIAL + 1
    ev = wait_event(dz, "update-applied", key=KEY.name)
    assert ev["serial"] == f"{INITIAL_SERIAL}->{INITIAL_SERIAL + 1}"


@pytest.mark.skipif(NSUPDATE is None, reason="BIND's nsupdate not installed")
def test_nsupdate_over_tcp(dz):
    r = nsupdate(dz, "update add new.example.test. 300 A 192.0.2.99",
                 key=KEY, tcp=True)
    assert r.returncode == 0, r.stderr
    assert rdatas(dz, "new." + Z, "A") == ["192.0.2.99"]


def test_delete_rrset(dz):
    assert rcode_of(dz, upd(("www." + Z, 0, "ANY", "A", None))) == "NOERROR"
    assert rdatas(dz, "www." + Z, "A") == []
    assert rdatas(dz, "www." + Z, "TXT") == ['"hello"']
    assert serial(dz) == INITIAL_SERIAL + 1


def test_delete_name(dz):
    assert rcode_of(dz, upd(("www." + Z, 0, "ANY", "ANY", None))) == "NOERROR"
    assert rrset(dz, "www." + Z, "A")[0] == "NXDOMAIN"
    assert serial(dz) == INITIAL_SERIAL + 1


def test_delete_one_record(dz):
    m = upd(("www." + Z, 0, "NONE", "A", "192.0.2.10"))
    assert rcode_of(dz, m) == "NOERROR"
    assert rdatas(dz, "www." + Z, "A") == ["192.0.2.11"]


def test_delete_of_what_does_not_exist_is_noerror_and_no_bump(dzmod):
    m = upd(("nope." + Z, 0, "ANY", "ANY", None),
            ("www." + Z, 0, "ANY", "MX", None),
            ("www." + Z, 0, "NONE", "A", "192.0.2.77"))
    assert rcode_of(dzmod, m) == "NOERROR"
    unchanged(dzmod)


def test_operations_apply_in_order(dz):
    # Delete then re-add in one update: the later operation sees the
    # earlier one's result (RFC 2136 §3.4.2).
    m = upd(("www." + Z, 0, "ANY", "A", None),
            ("www." + Z, 60, "IN", "A", "192.0.2.50"))
    assert rcode_of(dz, m) == "NOERROR"
    assert rrset(dz, "www." + Z, "A")[1:] == (60, ["192.0.2.50"])


# ---- special cases --------------------------------------------------------------

SOA = "ns1.example.test. hostmaster.example.test. {} 3600 900 604800 300"


@pytest.mark.parametrize("new_serial", [INITIAL_SERIAL, INITIAL_SERIAL - 1,
                                        INITIAL_SERIAL + 2**31 + 1])
def test_soa_not_newer_is_ignored(dzmod, new_serial):
    m = upd((Z, 3600, "IN", "SOA", SOA.format(new_serial % 2**32)))
    assert rcode_of(dzmod, m) == "NOERROR"
    unchanged(dzmod)


def test_soa_newer_replaces_and_is_not_bumped_again(dz):
    m = upd((Z, 3600, "IN", "SOA", SOA.format(500).replace("3600 900", "7200 900")),
            ("new." + Z, 300, "IN", "A", "192.0.2.99"))
    assert rcode_of(dz, m) == "NOERROR"
    soa = rdatas(dz, Z, "SOA")
    assert len(soa) == 1 and " 500 7200 " in soa[0]
    assert rdatas(dz, "new." + Z, "A") == ["192.0.2.99"]


def test_soa_at_another_name_is_ignored(dzmod):
    m = upd(("www." + Z, 3600, "IN", "SOA", SOA.format(900)))
    assert rcode_of(dzmod, m) == "NOERROR"
    assert rdatas(dzmod, "www." + Z, "SOA") == []
    unchanged(dzmod)


@pytest.mark.parametrize("op", [(Z, 0, "ANY", "SOA", None),
                                (Z, 0, "NONE", "SOA", SOA.format(100)),
                                (Z, 0, "ANY", "NS", None),
                                (Z, 0, "ANY", "ANY", None)],
                         ids=["soa-rrset", "soa-record", "ns-rrset", "apex-all"])
def test_apex_soa_and_ns_are_never_deleted(dzmod, op):
    assert rcode_of(dzmod, upd(op)) == "NOERROR"
    unchanged(dzmod)


def test_last_apex_ns_is_never_deleted(dz):
    m = upd((Z, 0, "NONE", "NS", "ns1.example.test."),
            (Z, 0, "NONE", "NS", "ns2.example.test."))
    assert rcode_of(dz, m) == "NOERROR"
    # The first goes, the second would be the last: kept.
    assert rdatas(dz, Z, "NS") == ["ns2.example.test."]
    assert serial(dz) == INITIAL_SERIAL + 1
    m = upd((Z, 0, "NONE", "NS", "ns2.example.test."))
    assert rcode_of(dz, m) == "NOERROR"
    assert rdatas(dz, Z, "NS") == ["ns2.example.test."]
    assert serial(dz) == INITIAL_SERIAL + 1


def test_other_data_beside_cname_is_ignored(dzmod):
    m = upd(("alias." + Z, 300, "IN", "A", "192.0.2.99"),
            ("alias." + Z, 300, "IN", "TXT", "x"))
    assert rcode_of(dzmod, m) == "NOERROR"
    assert rdatas(dzmod, "alias." + Z, "CNAME") == ["www.example.test."]
    assert rdatas(dzmod, "alias." + Z, "TXT") == []
    unchanged(dzmod)


def test_cname_beside_other_data_is_ignored(dzmod):
    m = upd(("www." + Z, 300, "IN", "CNAME", "other.example.test."))
    assert rcode_of(dzmod, m) == "NOERROR"
    unchanged(dzmod)


def test_cname_replaces_cname(dz):
    m = upd(("alias." + Z, 300, "IN", "CNAME", "mail.example.test."))
    assert rcode_of(dz, m) == "NOERROR"
    assert rrset(dz, "alias." + Z, "CNAME")[1:] == (300, ["mail.example.test."])
    assert serial(dz) == INITIAL_SERIAL + 1


def test_cname_after_deleting_the_other_data_in_the_same_update(dz):
    m = upd(("www." + Z, 0, "ANY", "ANY", None),
            ("www." + Z, 300, "IN", "CNAME", "mail.example.test."))
    assert rcode_of(dz, m) == "NOERROR"
    assert rdatas(dz, "www." + Z, "CNAME") == ["mail.example.test."]


def test_duplicate_add_is_ignored(dzmod):
    m = upd(("www." + Z, 3600, "IN", "A", "192.0.2.10"),
            ("www." + Z, 3600, "IN", "TXT", "hello"))
    assert rcode_of(dzmod, m) == "NOERROR"
    unchanged(dzmod)


def test_ttl_follows_newest_add(dz):
    m = upd(("www." + Z, 60, "IN", "A", "192.0.2.12"))
    assert rcode_of(dz, m) == "NOERROR"
    assert rrset(dz, "www." + Z, "A")[1:] == (60, WWW_A + ["192.0.2.12"])
    # A duplicate with another TTL only changes the TTL.
    m = upd(("www." + Z, 120, "IN", "A", "192.0.2.10"))
    assert rcode_of(dz, m) == "NOERROR"
    assert rrset(dz, "www." + Z, "A")[1:] == (120, WWW_A + ["192.0.2.12"])
    assert serial(dz) == INITIAL_SERIAL + 2


def test_all_or_nothing_on_a_failed_prerequisite(dzmod):
    m = upd(("new." + Z, 300, "IN", "A", "192.0.2.99"),
            ("www." + Z, 0, "ANY", "ANY", None),
            prereq=[("www." + Z, 0, "ANY", "A", None),
                    ("nope." + Z, 0, "ANY", "ANY", None)])
    assert rcode_of(dzmod, m) == "NXDOMAIN"
    unchanged(dzmod)


def test_all_or_nothing_on_a_late_notzone(dzmod):
    m = upd(("new." + Z, 300, "IN", "A", "192.0.2.99"),
            ("www." + Z, 0, "ANY", "ANY", None),
            ("x.example.org.", 300, "IN", "A", "192.0.2.1"))
    assert rcode_of(dzmod, m) == "NOTZONE"
    unchanged(dzmod)


# ---- serial policy --------------------------------------------------------------

def many_changes(i):
    return upd(*[(f"h{i}-{j}." + Z, 300, "IN", "A", f"192.0.2.{j + 1}")
                 for j in range(5)])


@pytest.mark.parametrize("policy", ["increment", "unixtime", "dateserial"])
def test_serial_moves_once_per_update(workdir, build_dir, policy):
    dz = start_dz(workdir, serial_policy=policy)
    try:
        serials = [serial(dz)]
        for i in range(3):
            before = time.time()
            assert rcode_of(dz, many_changes(i)) == "NOERROR"
            serials.append(serial(dz))
            if policy == "unixtime" and i == 0:
                assert int(before) - 1 <= serials[-1] <= int(time.time()) + 1
            if policy == "dateserial" and i == 0:
                today = int(time.strftime("%Y%m%d", time.gmtime(before)))
                assert serials[-1] == today * 100
        if policy == "increment":
            assert serials == [INITIAL_SERIAL + i for i in range(4)]
        elif policy == "dateserial":
            assert serials[2:] == [serials[1] + 1, serials[1] + 2]
        else:
            # Several updates in one second: the clock is not newer, +1.
            for a, b in zip(serials[1:], serials[2:]):
                assert b == a + 1 or (b > a and b <= int(time.time()) + 1)
        applied = events(dz, "update-applied")
        assert len(applied) == 3
        assert [e["serial"] for e in applied] == [
            f"{a}->{b}" for a, b in zip(serials, serials[1:])]
        # A no-op does not move it.
        noop = upd(("www." + Z, 3600, "IN", "A", "192.0.2.10"))
        assert rcode_of(dz, noop) == "NOERROR"
        assert serial(dz) == serials[-1]
    finally:
        dz.stop()


def test_update_opcode_reply_echoes_zone_and_id(dzmod):
    m = upd(("www." + Z, 3600, "IN", "A", "192.0.2.10"))
    r = send(dzmod, m)
    assert r.opcode() == dns.opcode.UPDATE and r.id == m.id
    assert [rs.name.to_text() for rs in r.zone] == [Z]
