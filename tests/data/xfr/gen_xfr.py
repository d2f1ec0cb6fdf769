#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Writes AXFR/IXFR answer streams made by dnspython, for tests/unit/lib/xfr.

Run with /usr/bin/python3 (it has dnspython) from anywhere:
    /usr/bin/python3 tests/data/xfr/gen_xfr.py
Outputs, beside this script:
    v1.txt, v3.txt           the zone at serial 1 and 3, one record a line
    axfr.bin                 AXFR of v3 in two messages
    ixfr.bin                 IXFR 1 -> 3: two difference sequences, three messages
    ixfr-axfr-style.bin      IXFR answered with the whole of v3
    ixfr-uptodate.bin        IXFR answered with v3's SOA alone
    ixfr-notimp.bin          IXFR refused with NOTIMP
and seeds for fuzz/corpus/ixfr/ (a leading octet: 0 AXFR, 1 IXFR).
Each .bin is a TCP stream: every message prefixed by its 16-bit length.
The fuzz target (fuzz/fuzz_ixfr.c) holds the same v1 zone.
"""

import os
import struct

import dns.flags
import dns.message
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone

HERE = os.path.dirname(os.path.abspath(__file__))
FUZZ = os.path.join(HERE, "..", "..", "..", "fuzz", "corpus", "ixfr")
ORIGIN = "example."


def soa(serial):
    return ("example. 3600 SOA ns1.example. admin.example. %d 7200 900 86400 300"
            % serial)


V1 = [
    soa(1),
    "example. 3600 NS ns1.example.",
    "example. 3600 NS ns2.example.",
    "example. 3600 MX 10 mail.example.",
    "ns1.example. 3600 A 192.0.2.1",
    "ns2.example. 3600 A 192.0.2.2",
    "mail.example. 3600 A 192.0.2.3",
    "www.example. 300 A 192.0.2.10",
    "www.example. 300 A 192.0.2.11",
    "www.example. 300 AAAA 2001:db8::10",
    'txt.example. 60 TXT "hello world" "second string"',
    "_sip._tcp.example. 60 SRV 10 20 5060 sip.example.",
]

# (removed, added) per step; the SOAs are added around them.
STEPS = [
    (1, 2, ["www.example. 300 A 192.0.2.11"],
     ["tmp.example. 60 A 192.0.2.99", "new.example. 60 CNAME www.example."]),
    (2, 3, ["tmp.example. 60 A 192.0.2.99", "example. 3600 MX 10 mail.example."],
     ["example. 3600 MX 20 mail2.example.", "mail2.example. 3600 A 192.0.2.4"]),
]


def apply_steps():
    cur = list(V1)
    for frm, to, rem, add in STEPS:
        cur.remove(soa(frm))
        for r in rem:
            cur.remove(r)
        cur = [soa(to)] + cur + add
    return cur


def rrset(line):
    owner, ttl, rtype, rdata = line.split(None, 3)
    return dns.rrset.from_text(owner, int(ttl), "IN", rtype, rdata)


def response(qtype, first=True, rcode=dns.rcode.NOERROR):
    q = dns.message.make_query(ORIGIN, qtype)
    q.id = 4242
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    r.set_rcode(rcode)
    if not first:
        r.question = []
    return r


def add(msg, lines):
    # Appended one by one: find_rrset() would merge the repeated SOAs.
    for line in lines:
        msg.answer.append(rrset(line))


def zone_records(lines):
    """The zone's records through dns.zone, SOA first (AXFR order)."""
    text = "\n".join(lines) + "\n"
    z = dns.zone.from_text(text, origin=ORIGIN, relativize=False)
    out = []
    for name, rds in z.iterate_rdatasets():
        for rd in rds:
            line = "%s %d %s %s" % (name, rds.ttl,
                                    dns.rdatatype.to_text(rds.rdtype),
                                    rd.to_text())
            if rds.rdtype == dns.rdatatype.SOA:
                out.insert(0, line)
            else:
                out.append(line)
    return out


def stream(msgs):
    data = b""
    for m in msgs:
        wire = m.to_wire()
        data += struct.pack("!H", len(wire)) + wire
    return data


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def main():
    v3 = apply_steps()
    with open(os.path.join(HERE, "v1.txt"), "w") as f:
        f.write("; zone at serial 1 (made by gen_xfr.py)\n" + "\n".join(V1) + "\n")
    with open(os.path.join(HERE, "v3.txt"), "w") as f:
        f.write("; zone at serial 3 (made by gen_xfr.py)\n" + "\n".join(v3) + "\n")

    recs = zone_records(v3)
    half = len(recs) // 2
    m1, m2 = response("AXFR"), response("AXFR", first=False)
    add(m1, recs[:half])
    add(m2, recs[half:] + [soa(3)])
    axfr = stream([m1, m2])

    seq = []
    for frm, to, rem, addl in STEPS:
        seq += [soa(frm)] + rem + [soa(to)] + addl
    seq = [soa(3)] + seq + [soa(3)]
    msgs = []
    for i, part in enumerate([seq[:4], seq[4:9], seq[9:]]):
        m = response("IXFR", first=(i == 0))
        add(m, part)
        msgs.append(m)
    ixfr = stream(msgs)

    m = response("IXFR")
    add(m, recs + [soa(3)])
    axfr_style = stream([m])

    m = response("IXFR")
    add(m, [soa(3)])
    uptodate = stream([m])

    notimp = stream([response("IXFR", rcode=dns.rcode.NOTIMP)])

    write("axfr.bin", axfr)
    write("ixfr.bin", ixfr)
    write("ixfr-axfr-style.bin", axfr_style)
    write("ixfr-uptodate.bin", uptodate)
    write("ixfr-notimp.bin", notimp)

    os.makedirs(FUZZ, exist_ok=True)
    seeds = {"axfr": b"\x00" + axfr, "ixfr": b"\x01" + ixfr,
             "ixfr-axfr-style": b"\x01" + axfr_style,
             "ixfr-uptodate": b"\x01" + uptodate,
             "ixfr-notimp": b"\x01" + notimp,
             "ixfr-cut": b"\x01" + ixfr[: len(ixfr) // 2]}
    for name, data in seeds.items():
        with open(os.path.join(FUZZ, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
