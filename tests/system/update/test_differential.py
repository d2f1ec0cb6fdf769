# SPDX-License-Identifier: BSD-3-Clause
"""Differential RFC 2136: a seeded random sequence of updates (every
prerequisite kind, every operation, the special cases, malformed forms)
sent as the same signed bytes to dynzoned and to BIND 9 serving the same
zone; after each one the rcodes and the zone content must agree.

DZ_DIFF_SEED picks the sequence (default fixed), DZ_DIFF_UPDATES its
length. The zone is compared by queries: after each update every type of
the pool at every name the update touched, and the SOA; at the end every
name of the pool with every type."""
import os
import random
import time

import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.update
import pytest

from harness.peers import Bind, ensure_loopback_address
from uclient import (KEY, ZONE, ZONE_TEXT, acl_yaml, rrset, send_wire,
                     serial, start_dz)

Z = ZONE
BIND_ADDR = "127.0.0.91"
DZ_ADDR = "127.0.0.92"
SEED = int(os.environ.get("DZ_DIFF_SEED", "20261125"))
COUNT = int(os.environ.get("DZ_DIFF_UPDATES", "300"))
# DZ_DIFF_KEEP_GOING=1: list every rcode mismatch instead of the first.
KEEP_GOING = os.environ.get("DZ_DIFF_KEEP_GOING") == "1"
BUDGET = 110  # seconds: the test is bounded (< 2 minutes)

NAMES = [Z, "www." + Z, "alias." + Z, "mail." + Z, "ns1." + Z, "ns2." + Z,
         "a.deep." + Z, "deep." + Z, "n1." + Z, "n2." + Z, "n3." + Z,
         "b.n1." + Z]
# Rarely: a name outside the zone (NOTZONE).
OUTSIDE = ["x.example.net.", "example.test.example.net."]
TYPES = ["A", "AAAA", "TXT", "MX", "CNAME", "NS", "SOA", "PTR"]
TTLS = [0, 300, 600, 3600]
RDATA = {
    "A": ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.10", "192.0.2.11"],
    "AAAA": ["2001:db8::1", "2001:db8::2"],
    "TXT": ['"a"', '"b"', '"c d"', '"hello"'],
    "MX": ["10 mx1.example.net.", "20 mx2.example.net.",
           "10 mx.example.net."],
    "CNAME": ["www.example.test.", "mail.example.test.", "t.example.net."],
    # NS only at the apex: a delegation would make BIND and dynzoned
    # answer referrals below it, which compares glue policy, not updates.
    "NS": ["ns1.example.test.", "ns2.example.test.", "ns3.example.net."],
    "PTR": ["h1.example.net.", "h2.example.net."],
}
# Not generated, because lib/update/update.h decided to differ from BIND
# or the form tests something else than RFC 2136:
# - value-dependent prerequisites with duplicate records (we compare sets,
#   RFC 2181 §5; BIND compares lists and fails them);
# - a zone section of class CH/HS (FORMERR here; BIND answers NOTIMP or
#   NOTAUTH depending on its views);
# - NSEC, NSEC3, RRSIG, DNSKEY, DS updates (DNSSEC policy: REFUSED here,
#   BIND's handling depends on its signing state);
# - NS below the apex (delegations: see RDATA above), DNAME, MD/MF.
#
# Open differences, found by this test and not decided yet in
# lib/update/update.h; left out unless DZ_DIFF_ALL=1 (each is reported).
# None at present: "formerr-vs-notzone" (record forms BIND rejects while
# parsing, step 2 of update.h) and "ns-target-address" (the post-update
# name server check, step 8) now follow BIND.
OPEN = set() if os.environ.get("DZ_DIFF_ALL") == "1" else set()
NS_TARGETS = {"ns1." + Z, "ns2." + Z}


class Gen:
    """Builds one random update, reading the current state from BIND."""

    def __init__(self, rnd: random.Random, bind):
        self.r = rnd
        self.bind = bind

    def name(self):
        if self.r.random() < 0.02:
            return self.r.choice(OUTSIDE)
        return self.r.choice(NAMES)

    def rd(self, typ, owner=None):
        if typ == "SOA":
            cur = serial(self.bind)
            s = (cur + self.r.choice([-1, 0, 1, 5, 2**31 + 3])) % 2**32
            return (f"ns1.example.test. hostmaster.example.test. {s} "
                    f"{self.r.choice([3600, 7200])} 900 604800 300")
        return self.r.choice(RDATA[typ])

    def typ(self, owner):
        typ = self.r.choice(TYPES)
        if typ == "NS" and owner != Z:
            typ = "A"
        return typ

    def current(self, owner, typ):
        if owner in OUTSIDE:
            return []
        return rrset(self.bind, owner, typ)[2]

    def prereq(self, m, touched):
        owner = self.name()
        kind = self.r.choice(["yxdomain", "nxdomain", "yxrrset", "nxrrset",
                              "value"])
        typ = self.typ(owner)
        touched.add(owner)
        if kind == "yxdomain":
            m.present(owner)
        elif kind == "nxdomain":
            m.absent(owner)
        elif kind == "yxrrset":
            m.present(owner, typ)
        elif kind == "nxrrset":
            m.absent(owner, typ)
        else:
            rds = self.current(owner, typ)
            if not rds or self.r.random() < 0.4:
                # Usually wrong: a random set.
                rds = self.r.sample(RDATA.get(typ, RDATA["A"]),
                                    self.r.randint(1, 2)) if typ in RDATA \
                    else [self.rd(typ)]
            elif len(rds) > 1 and self.r.random() < 0.3:
                rds = rds[:-1]  # a subset: fails
            rs = dns.rrset.from_text_list(owner, 0, "IN", typ, rds)
            m.prerequisite.append(rs)

    def op(self, m, touched):
        owner = self.name()
        typ = self.typ(owner)
        kind = self.r.choices(["add", "del-rrset", "del-name", "del-rr"],
                              weights=[6, 2, 1, 2])[0]
        if "ns-target-address" in OPEN and owner in NS_TARGETS \
                and kind != "add":
            owner = "n2." + Z
        touched.add(owner)
        if kind == "add":
            m.add(owner, self.r.choice(TTLS), typ, self.rd(typ, owner))
        elif kind == "del-rrset":
            m.delete(owner, typ)
        elif kind == "del-name":
            m.delete(owner)
        else:
            cur = self.current(owner, typ)
            rd = self.r.choice(cur) if cur and self.r.random() < 0.8 \
                else self.rd(typ, owner)
            m.delete(owner, typ, rd)

    def malformed(self, m, touched):
        """One RFC 2136 §3.4.1/§3.2 FORMERR form (signed: the permission
        check passes, the form is what fails)."""
        owner = self.r.choice(NAMES[1:6])
        touched.add(owner)
        name = dns.name.from_text(owner)
        a = dns.rdata.from_text("IN", "A", "192.0.2.1")
        form = self.r.choice(["any-rdata", "none-ttl", "none-any",
                              "add-any", "prereq-ttl", "any-ttl-rdata"])
        if form == "any-rdata":
            rs = dns.rrset.RRset(name, dns.rdataclass.IN, dns.rdatatype.A,
                                 deleting=dns.rdataclass.ANY)
            rs.add(a, 0)
            m.update.append(rs)
        elif form == "any-ttl-rdata":
            rs = dns.rrset.RRset(name, dns.rdataclass.IN, dns.rdatatype.A,
                                 deleting=dns.rdataclass.ANY)
            rs.add(a, 300)
            m.update.append(rs)
        elif form == "none-ttl":
            rs = dns.rrset.RRset(name, dns.rdataclass.IN, dns.rdatatype.A,
                                 deleting=dns.rdataclass.NONE)
            rs.add(a, 300)
            m.update.append(rs)
        elif form == "none-any":
            m.update.append(dns.rrset.RRset(
                name, dns.rdataclass.IN, dns.rdatatype.ANY,
                deleting=dns.rdataclass.NONE))
        elif form == "add-any":
            m.update.append(dns.rrset.RRset(name, dns.rdataclass.IN,
                                            dns.rdatatype.ANY))
        else:
            m.prerequisite.append(dns.rrset.from_text(owner, 300, "IN", "A",
                                                      "192.0.2.10"))
        return form

    def update(self):
        """(message, names touched, short description)."""
        m = dns.update.UpdateMessage(Z)
        touched = set()
        for _ in range(self.r.choices([0, 1, 2], weights=[4, 4, 2])[0]):
            self.prereq(m, touched)
        for _ in range(self.r.choices([1, 2, 3], weights=[5, 3, 2])[0]):
            self.op(m, touched)
        if self.r.random() < 0.05 and not (
                "formerr-vs-notzone" in OPEN and touched & set(OUTSIDE)):
            self.malformed(m, touched)
        m.use_tsig(KEY.tsig)
        return m, touched


def snapshot(srv, names):
    """{(name, type): (rcode, ttl, rdatas)} for every type of the pool."""
    out = {}
    for n in sorted(names):
        if n in OUTSIDE:
            continue
        cname = rrset(srv, n, "CNAME")
        for t in TYPES:
            # At a CNAME owner the other types are answered by following
            # the chain (and a loop by SERVFAIL in BIND): that compares
            # query policy, not the zone. The CNAME record is the content.
            out[(n, t)] = cname if t == "CNAME" or cname[2] else \
                rrset(srv, n, t)
    return out


def diff(a, b):
    return {k: (a[k], b[k]) for k in a if a[k] != b[k]}


@pytest.fixture
def pair(workdir, build_dir, request):
    if Bind.available() is None:
        pytest.skip("named is not installed")
    ensure_loopback_address(DZ_ADDR)
    bind = Bind(workdir / "bind", BIND_ADDR,
                keys=[(KEY.name, KEY.alg, KEY.secret)], update_key=KEY.name)
    zfile = bind.dir / "example.test.zone"
    zfile.write_text(ZONE_TEXT)
    dz = start_dz(workdir / "dz", address=DZ_ADDR, keys=[KEY],
                  acls=acl_yaml("k", keys=[KEY.name]))
    try:
        bind.start({Z: zfile})
        yield bind, dz
    finally:
        bind.stop()
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            dz.kill()
            print(f"\nfolders kept in {workdir}")
        else:
            dz.stop()


def test_random_updates_match_bind(pair):
    bind, dz = pair
    rnd = random.Random(SEED)
    gen = Gen(rnd, bind)
    assert snapshot(bind, NAMES) == snapshot(dz, NAMES), "initial zones differ"
    start = time.monotonic()
    rcodes = {}
    mismatches = []
    for i in range(COUNT):
        if time.monotonic() - start > BUDGET:
            break
        m, touched = gen.update()
        wire = m.to_wire()  # the very same bytes (one TSIG) to both
        rb = send_wire(bind, wire)
        rd = send_wire(dz, wire)
        rcodes[rb.rcode] = rcodes.get(rb.rcode, 0) + 1
        where = (f"update #{i} (seed {SEED}):\n{m}\n"
                 f"BIND: {rb.rcode}  dynzoned: {rd.rcode} {rd.ede_text}")
        if rb.rcode != rd.rcode:
            mismatches.append("rcodes differ: " + where)
            if not KEEP_GOING:
                break
        names = touched | {Z}
        sb, sd = snapshot(bind, names), snapshot(dz, names)
        if sb != sd:
            # The zones went apart: what follows would only echo this.
            mismatches.append(f"zones differ after {where}\n"
                              f"(BIND, dynzoned): {diff(sb, sd)!r}")
            break
    assert not mismatches, "\n\n".join(mismatches)
    assert i >= min(COUNT - 1, 150), f"only {i} updates within the budget"
    sb, sd = snapshot(bind, NAMES), snapshot(dz, NAMES)
    assert sb == sd, repr(diff(sb, sd))
    # The sequence exercised every outcome it is meant to.
    print(f"\n{i + 1} updates, rcodes {rcodes}, "
          f"serial {serial(bind)}")
    for rc in ("NOERROR", "NXDOMAIN", "YXDOMAIN", "NXRRSET", "YXRRSET",
               "FORMERR", "NOTZONE"):
        assert rcodes.get(rc, 0) > 0, f"no update answered {rc}: {rcodes}"
