#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the seed journals of fuzz/corpus/journal/ from docs/formats/journal.md.

An implementation of the format independent of lib/journal, so the corpus
also checks that the C code reads what the document describes.
Run: /usr/bin/python3 tests/unit/lib/journal/make_corpus.py
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "..", "..", "fuzz", "corpus", "journal")
MARKER = 0x445A5201


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def wire(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def header(origin, anchor=None, created=1700000000):
    flags = 1 if anchor is not None else 0
    o = wire(origin)
    h = b"DZJ1" + struct.pack(">HHIIQI", 1, 1, flags, anchor or 0, created, 0)
    h += bytes([len(o)]) + o
    return h + struct.pack(">I", crc32c(h))


def soa(serial):
    return (wire("ns1.example.test.") + wire("hostmaster.example.test.") +
            struct.pack(">IIIII", serial, 3600, 600, 86400, 300))


def rr(owner, rtype, ttl, rdata):
    return wire(owner) + struct.pack(">HIH", rtype, ttl, len(rdata)) + rdata


def record(frm, to, removed, added):
    body = b"".join(removed) + b"".join(added)
    length = 24 + len(body) + 4
    r = struct.pack(">IIIIII", MARKER, length, frm, to, len(removed),
                    len(added)) + body
    return r + struct.pack(">I", crc32c(r))


def change(frm, to):
    return record(frm, to,
                  [rr("example.test.", 6, 3600, soa(frm)),
                   rr("h%d.example.test." % frm, 1, 300,
                      bytes([192, 0, 2, frm & 0xFF]))],
                  [rr("example.test.", 6, 3600, soa(to)),
                   rr("h%d.example.test." % to, 1, 300,
                      bytes([192, 0, 2, to & 0xFF]))])


def chain(first, n):
    return b"".join(change((first + i) & 0xFFFFFFFF,
                           (first + i + 1) & 0xFFFFFFFF) for i in range(n))


def main():
    os.makedirs(OUT, exist_ok=True)
    hdr = header("example.test.")
    three = hdr + chain(1, 3)
    types = record(7, 8,
                   [rr("example.test.", 6, 3600, soa(7))],
                   [rr("example.test.", 6, 3600, soa(8)),
                    rr("mail.example.test.", 15, 300,
                       struct.pack(">H", 10) + wire("mx.example.test.")),
                    rr("v6.example.test.", 28, 300, bytes(15) + b"\1"),
                    rr("t.example.test.", 16, 60, b"\5hello\0"),
                    rr("x.example.test.", 65280, 60, b"\xde\xad"),
                    rr("empty.example.test.", 10, 60, b"")])
    bad = bytearray(hdr + chain(1, 5))
    bad[len(hdr) + len(change(1, 2)) + 40] ^= 0x10
    files = {
        "empty": hdr,
        "three": three,
        "anchored": header("example.test.", anchor=20) + chain(20, 2),
        "wrap": hdr + chain(0xFFFFFFFE, 4),
        "types": hdr + types,
        "torn": three[:-7],
        "bad-crc-middle": bytes(bad),
        "bad-chain": hdr + change(1, 2) + change(3, 4),
        "bad-anchor": header("example.test.", anchor=5) + chain(20, 1),
        "garbage-tail": three + b"\0" * 13,
    }
    for name, data in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
