#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Writes the seed corpus for fuzz/fuzz_rdata.c (fuzz/corpus/rdata/): per type, one text input and, for most types, one wire input.
"""Usage: /usr/bin/python3 fuzz/corpus/make_rdata_corpus.py

Each file is two octets selecting the type (an index into the types[] table of
fuzz/fuzz_rdata.c, kept in the same order here) followed by rdata text or
wire. The target tries every input both ways, so one file per type and form
is enough. Deterministic: rerunning it rewrites the same files.
"""
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rdata")

# Same order as types[] in fuzz/fuzz_rdata.c.
TYPES = [
    "A", "NS", "MD", "MF", "CNAME", "SOA", "MB", "MG", "MR", "NULL", "WKS",
    "PTR", "HINFO", "MINFO", "MX", "TXT", "RP", "AFSDB", "RT", "SIG", "KEY",
    "PX", "AAAA", "LOC", "NXT", "SRV", "NAPTR", "KX", "CERT", "DNAME", "OPT",
    "APL", "DS", "SSHFP", "IPSECKEY", "RRSIG", "NSEC", "DNSKEY", "DHCID",
    "NSEC3", "NSEC3PARAM", "TLSA", "SMIMEA", "CDS", "CDNSKEY", "OPENPGPKEY",
    "CSYNC", "ZONEMD", "SVCB", "HTTPS", "SPF", "NID", "L32", "L64", "LP",
    "EUI48", "EUI64", "TSIG", "URI", "CAA", "TYPE0", "TYPE4321", "TYPE65280",
    "TYPE65535",
]

KEY = "AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ=="

# (type, text) seeds; the text form doubles as a mutation source for wire.
TEXT = [
    ("A", "192.0.2.1"),
    ("NS", "ns1.example.com."),
    ("MD", "md"),
    ("MF", "mf.example."),
    ("CNAME", "Target.Example."),
    ("SOA", "ns1 hostmaster 2024010101 1h 15m 1w 1d"),
    ("MB", "mb.example."),
    ("MG", "mg.example."),
    ("MR", "mr.example."),
    ("NULL", "\\# 3 ABCDEF"),
    ("WKS", "192.0.2.1 tcp 25 domain 80"),
    ("PTR", "@"),
    ("HINFO", '"Generic PC" Linux'),
    ("MINFO", "rmail.example. email.example."),
    # Compression matches "Example." against "example." (case differs).
    ("MINFO", "rmail.Example. email"),
    ("MX", "10 mail"),
    ("TXT", 'v=spf1 "a b" "q\\"uote" \\065\\255'),
    ("RP", "admin.example. txt.example."),
    ("AFSDB", "1 afs.example."),
    ("RT", "10 relay.example."),
    ("SIG", "A RSASHA256 2 3600 20240101000000 20231201000000 1 a. AQID"),
    ("KEY", "256 3 8 AQID"),
    ("PX", "10 map822.example. mapx400.example."),
    ("AAAA", "2001:db8::1"),
    ("LOC", "42 21 28.764 N 71 00 51.617 W -44m 2000m"),
    ("LOC", "60 09 00.000 N 24 39 00.000 E 10.00m 20m 2000m 20m"),
    ("NXT", "\\# 4 00000000"),
    ("SRV", "0 5 5060 sip.example."),
    ("NAPTR", '100 10 "S" "SIP+D2U" "" _sip._udp.example.'),
    ("KX", "10 kx.example."),
    ("CERT", "PKIX 65535 RSASHA256 AQID"),
    ("DNAME", "target.example."),
    ("OPT", "\\# 8 000A0004DEADBEEF"),
    ("APL", "1:192.168.32.0/21 !1:192.168.38.0/28 2:ff00::/8"),
    ("DS", "60485 RSASHA1 1 2BB183AF5F22588179A53B0A98631FAD1A292118"),
    ("SSHFP", "2 1 123456789abcdef67890123456789abcdef67890"),
    ("IPSECKEY", "10 2 2 2001:0DB8:0:8002::2000:1 " + KEY),
    ("IPSECKEY", "10 3 2 mygateway.example.com. " + KEY),
    ("RRSIG", "A ED25519 3 86400 20030322173103 20030220173103 2642 "
              "example.com. oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h1"),
    ("NSEC", "host.example.com. ( A MX RRSIG NSEC TYPE1234 )"),
    ("DNSKEY", "256 3 ECDSAP256SHA256 AQPSKmynfzW4kyBv015MUG2DeIQ3"),
    ("DHCID", "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA="),
    ("NSEC3", "1 1 12 aabbccdd 2t7b4g4vsa5smi47k61mv5bv1a22bojr MX NS SOA"),
    ("NSEC3PARAM", "1 0 0 -"),
    ("TLSA", "3 1 1 0C72AC70B745AC19998811B131D662C9"),
    ("SMIMEA", "3 0 1 0c72ac70b745ac19998811b131d662c9"),
    ("CDS", "1 ecdsap384sha384 2 AABB"),
    ("CDNSKEY", "0 3 0 AA=="),
    ("OPENPGPKEY", "mQINBFKmRP4="),
    ("CSYNC", "66 3 A NS AAAA"),
    ("ZONEMD", "2018031900 1 1 c68090d90a7aed716bc459f9340e3d7c"),
    ("SVCB", '16 foo.example.org. alpn=h2,h3-19 mandatory=ipv4hint,alpn '
             'ipv4hint=192.0.2.1 ech=AEP+DQ== key667="hello\\210qoo"'),
    ("HTTPS", "1 . ipv6hint=2001:db8::1 no-default-alpn port=443"),
    ("SPF", '"v=spf1 -all"'),
    ("NID", "10 14:4fff:ff20:ee64"),
    ("L32", "10 10.1.2.0"),
    ("L64", "10 2001:0DB8:1140:1000"),
    ("LP", "10 l64-subnet1.example.com."),
    ("EUI48", "00-00-5e-00-53-2a"),
    ("EUI64", "00-00-5E-EF-10-00-00-2A"),
    ("TSIG", "hmac-sha256. 1700000000 300 4 AQIDBA== 4660 0 0"),
    ("URI", '10 1 "ftp://ftp1.example.com/public"'),
    ("CAA", '0 issue "ca.example.net"'),
    ("TYPE4321", "\\# 4 0A000001"),
    ("TYPE65280", "\\# 0"),
]

# (type, name, wire hex) seeds, including compression for the RFC 1035 types
# and forms that only have RFC 3597 text.
WIRE = [
    ("SOA", "soa-compressed",
     "036E7331076578616D706C6500C0000000000100000002000000030000000400000005"),
    ("MX", "mx", "000A046D61696C076578616D706C6500"),
    ("LOC", "loc-v0", "001216138B3556C88008165000989A68"),
    ("LOC", "loc-v1", "010203"),
    ("WKS", "wks-trailing-zero", "C00002010600"),
    ("APL", "apl-afi3", "0003080101"),
    ("APL", "apl", "00011503C0A82000011C83C0A826"),
    ("CERT", "cert-empty", "00FD000000"),
    ("IPSECKEY", "ipseckey-v4", "0A0102C0000226010203"),
    ("IPSECKEY", "ipseckey-none", "0A0002"),
    ("NSEC", "nsec", "04686F7374000006400100000003"),
    ("SVCB", "svcb-port", "000100000300020035"),
    ("TSIG", "tsig", "0B686D61632D7368613235360000006553F100012C0004010203041234"
                     "00000000"),
    ("TYPE65535", "unknown", "DEADBEEF"),
]


def write(name, type_name, body):
    idx = TYPES.index(type_name)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([idx >> 8, idx & 0xFF]) + body)


def main():
    os.makedirs(OUT, exist_ok=True)
    seen = {}
    for type_name, text in TEXT:
        n = seen.get(type_name, 0)
        seen[type_name] = n + 1
        suffix = "" if n == 0 else "-%d" % n
        write("text-%s%s" % (type_name.lower(), suffix), type_name,
              text.encode())
    for type_name, name, hexs in WIRE:
        write("wire-" + name, type_name, bytes.fromhex(hexs))


if __name__ == "__main__":
    main()
