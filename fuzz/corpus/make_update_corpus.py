#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Writes the seed corpus for fuzz/fuzz_update.c (fuzz/corpus/update/): UPDATE messages for the fixed zone fuzz.test.
"""Usage: /usr/bin/python3 fuzz/corpus/make_update_corpus.py

Deterministic (fixed message ids), so rerunning it gives the same files.
The message id selects the serial policy (id % 3) and, with bit 15 set, a
permission hook that refuses TXT; see fuzz/fuzz_update.c.
"""
import os
import struct

import dns.name
import dns.update

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "update")
ZONE = "fuzz.test."


def upd(msg_id=0x1002):  # 0x1002 % 3 == 0: increment
    u = dns.update.UpdateMessage(ZONE)
    u.id = msg_id
    return u


def rr(owner, rdtype, rdclass, ttl=0, rdata=b""):
    """A raw RR (empty rdata gives the RFC 2136 meta forms)."""
    return (dns.name.from_text(owner, dns.name.from_text(ZONE)).to_wire() +
            struct.pack("!HHIH", rdtype, rdclass, ttl, len(rdata)) + rdata)


def raw(pre=(), up=(), zone=ZONE, zocount=1, ztype=6, zclass=1, msg_id=0x2000):
    hdr = struct.pack("!HHHHHH", msg_id, 5 << 11, zocount, len(pre), len(up), 0)
    z = (dns.name.from_text(zone).to_wire() + struct.pack("!HH", ztype, zclass)) * zocount
    return hdr + z + b"".join(pre) + b"".join(up)


def cases():
    u = upd(0x1000)  # unixtime
    u.add("new", 300, "A", "192.0.2.20")
    yield "add-a", u.to_wire()

    u = upd(0x1001)  # dateserial
    u.present("www")
    u.absent("nosuch")
    u.present("www", "AAAA")
    u.absent("www", "TXT")
    u.replace("www", 600, "A", "192.0.2.12")
    yield "prereqs-and-replace", u.to_wire()

    u = upd(0x1002)  # increment
    u.present("www", "A", "192.0.2.10")
    u.present("www", "A", "192.0.2.11")
    u.delete("www", "A", "192.0.2.10")
    yield "value-dependent-prereq", u.to_wire()

    u = upd()
    u.add("alias", 300, "A", "192.0.2.30")
    u.add("www", 300, "CNAME", "alias")
    u.add("alias", 300, "CNAME", "ns1")
    yield "cname-rules", u.to_wire()

    u = upd()
    u.add("@", 300, "SOA", "ns2.fuzz.test. h.fuzz.test. 50 3600 900 604800 60")
    u.add("@", 300, "SOA", "ns2.fuzz.test. h.fuzz.test. 40 3600 900 604800 60")
    yield "soa-newer-then-older", u.to_wire()

    u = upd()
    u.delete("@", "NS", "ns1.fuzz.test.")
    u.delete("@", "NS", "ns2.fuzz.test.")
    u.delete("@", "SOA")
    u.delete("@", "NS")
    yield "apex-protection", u.to_wire()

    u = upd()
    u.delete("@")
    u.delete("www")
    u.delete("sub")
    yield "delete-all", u.to_wire()

    u = upd()
    u.add("t", 300, "A", "192.0.2.50")
    u.delete("t", "A", "192.0.2.50")
    u.add("t", 300, "TXT", "back")
    yield "add-delete-add", u.to_wire()

    u = upd(0x9000)  # permission hook refuses TXT
    u.add("a.b.c", 300, "TXT", "refused")
    yield "refused-txt", u.to_wire()

    u = upd()
    u.add("*.wild", 300, "NS", "ns1.fuzz.test.")
    u.add("@", 300, "DS", "12345 8 1 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE")
    u.add("mx", 300, "MX", "10 mx.fuzz.test.")
    yield "ignored-adds", u.to_wire()

    yield "notzone-update", raw(up=[rr("x.other.", 1, 1, 300, bytes([192, 0, 2, 1]))])
    yield "meta-add-axfr", raw(up=[rr("www", 252, 1, 300)])
    yield "any-delete-ttl", raw(up=[rr("www", 1, 255, 5)])
    yield "prereq-ttl", raw(pre=[rr("www", 1, 255, 3)])
    yield "prereq-class-ch", raw(pre=[rr("www", 1, 3)])
    yield "zone-count-2", raw(zocount=2)
    yield "zone-type-a", raw(ztype=1)
    yield "zone-notauth", raw(zone="other.test.")
    yield "prereq-enc-nxdomain", raw(pre=[rr("b.c", 255, 254)],
                                     up=[rr("new", 16, 254)])


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, wire in cases():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(wire)


if __name__ == "__main__":
    main()
