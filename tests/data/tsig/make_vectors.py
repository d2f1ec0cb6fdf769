#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Generate TSIG interoperability vectors (vectors.h) with dnspython.

Run with /usr/bin/python3 (it has dnspython); the output is committed, so
the unit tests need no Python. Every message is signed at a fixed time so
HMAC makes the bytes reproducible: tests/unit/lib/wire/test_tsig.c checks
that libdynzone verifies them and, signing the same input, produces the
very same octets.
"""
import base64
import os
import sys
import time

import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.tsig
import dns.update

T = 1700000000  # Time Signed of every vector
FUDGE = 300
SECRET = base64.b64encode(bytes(range(1, 33))).decode()  # 32 octets
SECRET64 = base64.b64encode(bytes(range(100, 164))).decode()  # 64 octets

ALGS = [
    # (C enum, wire name to use, secret)
    ("DZ_TSIG_HMAC_MD5", "hmac-md5.sig-alg.reg.int.", SECRET),
    ("DZ_TSIG_HMAC_SHA1", "hmac-sha1.", SECRET),
    ("DZ_TSIG_HMAC_SHA224", "hmac-sha224.", SECRET),
    ("DZ_TSIG_HMAC_SHA256", "hmac-sha256.", SECRET),
    ("DZ_TSIG_HMAC_SHA384", "hmac-sha384.", SECRET64),
    ("DZ_TSIG_HMAC_SHA512", "hmac-sha512.", SECRET64),
]


def at(t, fn):
    """Call fn with dnspython's clock stopped at t."""
    saved = time.time
    time.time = lambda: float(t)
    try:
        return fn()
    finally:
        time.time = saved


def make_update(keyname, alg, secret, msg_id=0x1234):
    key = dns.tsig.Key(keyname, secret, alg)
    upd = dns.update.UpdateMessage("example.com.", id=msg_id)
    upd.add("host", 300, "A", "192.0.2.1")
    upd.delete("old", "AAAA")
    upd.use_tsig(key, fudge=FUDGE)
    wire = at(T, upd.to_wire)
    return upd, key, wire


def c_bytes(name, data):
    lines = []
    for i in range(0, len(data), 12):
        chunk = ", ".join(f"0x{b:02x}" for b in data[i:i + 12])
        lines.append(f"\t{chunk},")
    body = "\n".join(lines)
    return f"static const uint8_t {name}[] = {{\n{body}\n}};\n"


def main():
    out = []
    table = []
    # 1. an UPDATE request per algorithm, key name not compressible
    for i, (enum, alg, secret) in enumerate(ALGS):
        upd, key, wire = make_update("dz-key.", alg, secret)
        out.append(c_bytes(f"req_{i}", wire))
        out.append(c_bytes(f"req_{i}_mac", upd.mac))
        table.append(f"\t{{{enum}, \"{secret}\", req_{i}, sizeof(req_{i}), "
                     f"req_{i}_mac, sizeof(req_{i}_mac)}},")

    # 2. the response to the hmac-sha256 request, signed with its MAC
    upd, key, wire = make_update("dz-key.", "hmac-sha256.", SECRET)
    resp = dns.message.make_response(upd)
    resp.set_rcode(dns.rcode.NOERROR)
    rwire = at(T + 1, resp.to_wire)
    out.append(c_bytes("resp_sha256", rwire))
    out.append(c_bytes("resp_sha256_req_mac", upd.mac))

    # 3. owner compressed against the zone name, algorithm in capitals
    key = dns.tsig.Key("Key.Example.COM.", SECRET, dns.tsig.HMAC_MD5)
    upd = dns.update.UpdateMessage("example.com.", id=0x4321)
    upd.add("www", 60, "TXT", '"x"')
    upd.use_tsig(key, fudge=FUDGE)
    out.append(c_bytes("req_compressed", at(T, upd.to_wire)))

    # 4. AXFR: a signed request and a three-message signed response stream
    key = dns.tsig.Key("xfr-key.", SECRET, "hmac-sha256.")
    q = dns.message.make_query("example.com.", "AXFR")
    q.id = 0x0102
    q.use_tsig(key, fudge=FUDGE)
    qwire = at(T, q.to_wire)
    out.append(c_bytes("axfr_req", qwire))
    out.append(c_bytes("axfr_req_mac", q.mac))
    ctx = None
    for n in range(3):
        m = dns.message.make_response(q)
        soa = dns.rrset.from_text("example.com.", 3600, "IN", "SOA",
                                  "ns.example.com. h.example.com. 1 2 3 4 5")
        a = dns.rrset.from_text(f"h{n}.example.com.", 3600, "IN", "A",
                                f"192.0.2.{n + 1}")
        m.answer = [soa, a] if n != 1 else [a]
        w = at(T + n, lambda: m.to_wire(multi=True, tsig_ctx=ctx))
        ctx = m.tsig_ctx
        out.append(c_bytes(f"axfr_{n}", w))

    # 5. the same stream with its middle message unsigned (RFC 8945 §5.3.1):
    #    dnspython's reader feeds such a message whole into the running MAC
    ctx = None
    for n in range(3):
        m = dns.message.make_response(q)
        a = dns.rrset.from_text(f"u{n}.example.com.", 3600, "IN", "A",
                                f"192.0.2.{n + 10}")
        m.answer = [a]
        if n == 1:
            m.keyring = None
            m.tsig = None
            w = m.to_wire()
            ctx.update(w)
        else:
            w = at(T + n, lambda: m.to_wire(multi=True, tsig_ctx=ctx))
            ctx = m.tsig_ctx
        out.append(c_bytes(f"axfr_u_{n}", w))

    hdr = [
        "/* SPDX-License-Identifier: BSD-3-Clause */",
        "/* TSIG test vectors made by tests/data/tsig/make_vectors.py "
        "(dnspython); do not edit. */",
        "#pragma once",
        "",
        "#include <stddef.h>",
        "#include <stdint.h>",
        "",
        "#include \"lib/wire/tsig.h\"",
        "",
        f"#define VEC_TIME UINT64_C({T})",
        f"#define VEC_FUDGE {FUDGE}",
        f"#define VEC_SECRET \"{SECRET}\"",
        "",
    ]
    text = "\n".join(hdr) + "\n" + "\n".join(out)
    text += ("\nstruct tsig_vec {\n\tdz_tsig_alg_t alg;\n\tconst char *secret;"
             "\n\tconst uint8_t *wire;\n\tsize_t len;\n\tconst uint8_t *mac;"
             "\n\tsize_t mac_len;\n};\n\n"
             "static const struct tsig_vec req_vecs[] = {\n"
             + "\n".join(table) + "\n};\n")
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "vectors.h")
    with open(path, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
