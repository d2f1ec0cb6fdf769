#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Writes the seed corpus for fuzz/fuzz_msg.c (fuzz/corpus/msg/) with dnspython plus hand-made malformed packets.
"""Usage: /usr/bin/python3 fuzz/corpus/make_msg_corpus.py

Deterministic: fixed ids, fixed TSIG time, so rerunning it gives the same files.
"""
import os
import struct

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.update

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "msg")


def query(name, rdtype, **kw):
    q = dns.message.make_query(name, rdtype, **kw)
    q.id = 0x4242
    return q


def response_with_compression():
    q = query("www.example.com.", "A")
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    r.answer.append(dns.rrset.from_text("www.example.com.", 300, "IN", "CNAME",
                                        "web.example.com."))
    r.answer.append(dns.rrset.from_text("web.example.com.", 300, "IN", "A",
                                        "192.0.2.1", "192.0.2.2", "192.0.2.3"))
    r.authority.append(dns.rrset.from_text("example.com.", 3600, "IN", "NS",
                                           "ns1.example.com.", "ns2.example.net."))
    r.additional.append(dns.rrset.from_text("ns1.example.com.", 3600, "IN", "A",
                                            "192.0.2.53"))
    r.additional.append(dns.rrset.from_text("ns1.example.com.", 3600, "IN", "AAAA",
                                            "2001:db8::53"))
    r.additional.append(dns.rrset.from_text("ns2.example.net.", 3600, "IN", "A",
                                            "198.51.100.53"))
    return r


def nxdomain():
    q = query("nope.example.com.", "TXT", use_edns=0, want_dnssec=True)
    r = dns.message.make_response(q)
    r.set_rcode(dns.rcode.NXDOMAIN)
    r.authority.append(dns.rrset.from_text(
        "example.com.", 3600, "IN", "SOA",
        "ns1.example.com. hostmaster.example.com. 2024010101 7200 900 1209600 300"))
    return r


def notify():
    m = dns.message.make_query("example.com.", "SOA")
    m.id = 7
    m.set_opcode(dns.opcode.NOTIFY)
    m.flags = dns.flags.AA | (dns.opcode.NOTIFY << 11)
    m.answer.append(dns.rrset.from_text(
        "example.com.", 3600, "IN", "SOA",
        "ns1.example.com. hostmaster.example.com. 2024010102 7200 900 1209600 300"))
    return m


def update():
    u = dns.update.UpdateMessage("example.com.", id=99)
    u.present("host.example.com.")
    u.absent("new.example.com.", "A")
    u.delete("old.example.com.", "A")
    u.add("new.example.com.", 300, "A", "192.0.2.77")
    u.add("new.example.com.", 300, "MX", "10 mail.example.com.")
    return u


def signed_update():
    """The update above with a TSIG record built by hand: fixed time and a
    dummy MAC (the parser checks placement and structure, not the MAC)."""
    data = bytearray(update().to_wire())
    alg = dns.name.from_text("hmac-sha256.").to_wire()
    mac = bytes(range(32))
    rdata = (alg + struct.pack("!HIH", 0, 1700000000, 300) +
             struct.pack("!H", len(mac)) + mac + struct.pack("!HHH", 99, 0, 0))
    owner = dns.name.from_text("key.example.").to_wire()
    data += owner + struct.pack("!HHIH", 250, 255, 0, len(rdata)) + rdata
    arcount = struct.unpack("!H", data[10:12])[0] + 1
    data[10:12] = struct.pack("!H", arcount)
    return bytes(data)


def axfr_response():
    q = query("example.com.", "AXFR")
    r = dns.message.make_response(q)
    soa = "ns1.example.com. hostmaster.example.com. 5 7200 900 1209600 300"
    r.answer.append(dns.rrset.from_text("example.com.", 3600, "IN", "SOA", soa))
    r.answer.append(dns.rrset.from_text("example.com.", 3600, "IN", "NS",
                                        "ns1.example.com."))
    r.answer.append(dns.rrset.from_text("example.com.", 3600, "IN", "MX",
                                        "10 mail.example.com."))
    r.answer.append(dns.rrset.from_text("example.com.", 3600, "IN", "TXT",
                                        '"v=spf1 -all"', '"two" "strings"'))
    r.answer.append(dns.rrset.from_text("_sip._udp.example.com.", 3600, "IN",
                                        "SRV", "0 5 5060 sip.example.com."))
    r.answer.append(dns.rrset.from_text("mail.example.com.", 3600, "IN", "A",
                                        "192.0.2.25"))
    r.answer.append(dns.rrset.from_text("example.com.", 3600, "IN", "CAA",
                                        '0 issue "ca.example.net"'))
    r.answer.append(dns.rrset.from_text("example.com.", 3600, "IN", "DS",
                                        "12345 13 2 " + "ab" * 32))
    r.answer.append(dns.rrset.from_text("example.com.", 3600, "IN", "SOA", soa))
    return r


def wire(m):
    return m if isinstance(m, bytes) else m.to_wire()


def header(qd, an, ns, ar, flags=0, ident=0x1234):
    return struct.pack("!HHHHHH", ident, flags, qd, an, ns, ar)


def malformed():
    q = b"\x03www\x07example\x03com\x00\x00\x01\x00\x01"
    opt = b"\x00\x00\x29\x04\xd0\x00\x00\x80\x00\x00\x00"
    return {
        "bad-truncated-header": b"\x12\x34\x01\x00\x00\x01",
        "bad-counts": header(1, 200, 0, 0) + q,
        "bad-forward-pointer": header(1, 0, 0, 0) + b"\xc0\x20\x00\x01\x00\x01" + b"\x00" * 30,
        "bad-pointer-loop": header(1, 1, 0, 0) + q + b"\xc0\x21\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00",
        "bad-rdlength": header(1, 1, 0, 0) + q + b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x10\x01\x02",
        "bad-opt-in-answer": header(1, 1, 0, 0) + q + opt,
        "bad-two-opt": header(1, 0, 0, 2) + q + opt + opt,
        "bad-opt-options": header(1, 0, 0, 1) + q + opt[:-2] + b"\x00\x05\x00\x0a\x00\x08\x01",
        "bad-trailing": header(1, 0, 0, 0) + q + b"\x00\x00",
        "bad-tsig-not-last": header(1, 0, 0, 2) + q + b"\x00\x00\xfa\x00\xff\x00\x00\x00\x00\x00\x00" + opt,
        "odd-qdcount-zero": header(0, 0, 0, 1) + opt,
        "odd-qdcount-two": header(2, 0, 0, 0) + q + q,
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    ede = dns.edns.EDEOption(dns.edns.EDECode.PROHIBITED, "not allowed")
    refused = dns.message.make_response(query("example.org.", "A", use_edns=0))
    refused.set_rcode(dns.rcode.REFUSED)
    refused.use_edns(0, options=[ede])
    badvers = dns.message.make_response(query("example.org.", "A", use_edns=0))
    badvers.set_rcode(dns.rcode.BADVERS)
    cases = {
        "query-a": query("www.example.com.", "A", use_edns=False),
        "query-aaaa-edns": query("www.example.com.", "AAAA", use_edns=0,
                                 payload=1232),
        "query-do-cookie": query("example.com.", "DNSKEY", use_edns=0,
                                 want_dnssec=True, options=[
                                     dns.edns.GenericOption(10, b"\x01" * 8)]),
        "query-soa-small-udp": query("example.com.", "SOA", use_edns=0, payload=100),
        "response-compressed": response_with_compression(),
        "response-nxdomain-edns": nxdomain(),
        "response-refused-ede": refused,
        "response-badvers": badvers,
        "notify": notify(),
        "update": update(),
        "update-tsig": signed_update(),
        "axfr-response": axfr_response(),
    }
    for name, m in cases.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(wire(m))
    for name, data in malformed().items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
