# SPDX-License-Identifier: BSD-3-Clause
"""Malformed queries over UDP and TCP get the rcode docs/query.md gives (or no answer), and a random-packet flood neither crashes dynzoned nor grows it."""
import random
import socket
import struct
import time
from typing import Optional

import dns.message
import dns.rcode
import pytest

from harness.server import Dynzoned

ZONE = """\
$ORIGIN a.test.
$TTL 300
@    IN SOA ns1 hostmaster 1 3600 900 604800 300
     IN NS  ns1
ns1  IN A   127.0.0.1
www  IN A   192.0.2.1
"""

FORMERR, NOTIMP = dns.rcode.FORMERR, dns.rcode.NOTIMP
QNAME = b"\x03www\x01a\x04test\x00"
QUESTION = QNAME + struct.pack("!HH", 1, 1)               # www.a.test. A IN
OPT = b"\x00" + struct.pack("!HHIH", 41, 1232, 0, 0)      # root, OPT, 1232, v0


def header(qid: int, flags: int = 0x0100, qd: int = 1, an: int = 0, ns: int = 0,
           ar: int = 0) -> bytes:
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)


def opcode(op: int) -> int:
    return 0x0100 | (op << 11)


# name -> (packet for ID 0x4242, expected: None = dropped, else (rcode,
# question echoed)); the expectations are docs/query.md "Order of checks".
LONG_NAME = b"".join(b"\x3f" + b"a" * 63 for _ in range(5)) + b"\x00"
CASES = {
    "truncated_header_5_bytes": (header(0x4242)[:5], None),
    "qr_set_is_dropped": (header(0x4242, flags=0x8100) + QUESTION, None),
    "counts_larger_than_packet": (header(0x4242, an=0xFFFF, ns=0xFFFF, ar=0xFFFF)
                                  + QUESTION, (FORMERR, False)),
    "question_missing": (header(0x4242), (FORMERR, False)),
    "compression_loop_in_qname": (header(0x4242) + b"\xc0\x0c" + b"\x00\x01\x00\x01",
                                  (FORMERR, False)),
    "pointer_loop_after_label": (header(0x4242) + b"\x01a\xc0\x0c" + b"\x00\x01\x00\x01",
                                 (FORMERR, False)),
    "label_over_63": (header(0x4242) + b"\x40" + b"a" * 64 + b"\x00\x00\x01\x00\x01",
                      (FORMERR, False)),
    "name_over_255": (header(0x4242) + LONG_NAME + b"\x00\x01\x00\x01",
                      (FORMERR, False)),
    "truncated_question": (header(0x4242) + QNAME + b"\x00", (FORMERR, False)),
    "two_opt_records": (header(0x4242, ar=2) + QUESTION + OPT + OPT, (FORMERR, True)),
    "opt_in_answer_section": (header(0x4242, an=1) + QUESTION + OPT, (FORMERR, True)),
    "opt_in_authority_section": (header(0x4242, ns=1) + QUESTION + OPT, (FORMERR, True)),
    "qdcount_0": (header(0x4242, qd=0), (FORMERR, False)),
    "qdcount_2": (header(0x4242, qd=2) + QUESTION + QUESTION, (FORMERR, False)),
    "garbage_after_message": (header(0x4242) + QUESTION + b"garbage!", (FORMERR, True)),
    "unknown_opcode_3": (header(0x4242, flags=opcode(3)) + QUESTION, (NOTIMP, True)),
    "unknown_opcode_15": (header(0x4242, flags=opcode(15)) + QUESTION, (NOTIMP, True)),
}

DROP_WAIT = 0.5


@pytest.fixture(scope="module")
def dz(tmp_path_factory):
    srv = Dynzoned(tmp_path_factory.mktemp("malformed"))
    srv.write_zone("a.test.zone", ZONE)
    srv.write_config({"a.test.": "a.test.zone"})
    srv.start(wait_zone="a.test.")
    yield srv
    if srv.proc.poll() is None:
        srv.stop()
    else:
        print(f"\ndynzoned exited with {srv.proc.returncode}; files in {srv.dir}")


def ask_udp(srv: Dynzoned, packet: bytes, timeout: float) -> Optional[bytes]:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(packet, (srv.address, srv.port))
        try:
            return s.recv(65535)
        except socket.timeout:
            return None


def ask_tcp(srv: Dynzoned, packet: bytes, timeout: float) -> Optional[bytes]:
    with socket.create_connection((srv.address, srv.port), timeout=2) as s:
        s.settimeout(timeout)
        s.sendall(struct.pack("!H", len(packet)) + packet)
        buf = b""
        try:
            while len(buf) < 2 or len(buf) < 2 + struct.unpack("!H", buf[:2])[0]:
                chunk = s.recv(65535)
                if not chunk:
                    break
                buf += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    if len(buf) < 2:
        return None
    return buf[2:2 + struct.unpack("!H", buf[:2])[0]]


def still_answers(srv: Dynzoned):
    for tcp in (False, True):
        r = srv.query("www.a.test.", "A", tcp=tcp, timeout=2)
        assert r.rcode() == dns.rcode.NOERROR
        assert [rd.to_text() for rr in r.answer for rd in rr] == ["192.0.2.1"]
    assert srv.proc.poll() is None, "dynzoned exited"


@pytest.mark.parametrize("transport", ["udp", "tcp"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_query(dz, case, transport):
    packet, expect = CASES[case]
    ask = ask_udp if transport == "udp" else ask_tcp
    resp = ask(dz, packet, DROP_WAIT if expect is None else 2.0)
    if expect is None:
        assert resp is None, f"expected no answer, got {resp!r}"
    else:
        rcode, echoed = expect
        assert resp is not None, "no answer"
        qid, flags, qd = struct.unpack("!HHH", resp[:6])
        assert qid == 0x4242, "ID not echoed"
        assert flags & 0x8000, "QR not set"
        assert not flags & 0x0400, "AA set on an error"
        assert (flags & 0x000F) == rcode, \
            f"rcode {flags & 0xF}, expected {dns.rcode.to_text(rcode)}"
        assert (flags >> 11) & 0xF == (packet[2] >> 3) & 0xF, "opcode not copied"
        if echoed:
            assert qd == 1 and resp[12:12 + len(QUESTION)] == QUESTION, \
                "question not echoed"
        else:
            assert qd == 0 and len(resp) == 12, "expected a header-only answer"
    still_answers(dz)


def _mutate(rnd: random.Random, base: bytes) -> bytes:
    b = bytearray(base)
    for _ in range(rnd.randint(1, 6)):
        op = rnd.random()
        if op < 0.5 and b:
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        elif op < 0.7:
            b = b[:rnd.randrange(len(b) + 1)]
        elif op < 0.9:
            i = rnd.randrange(len(b) + 1)
            b[i:i] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
        else:
            b += base[12:]
    return bytes(b)


def _flood_packets(count: int, seed: int):
    rnd = random.Random(seed)
    valid = [dns.message.make_query(n, t, use_edns=e).to_wire()
             for n in ("www.a.test.", "a.test.", "x.y.a.test.", "example.")
             for t in ("A", "SOA", "ANY", "NS") for e in (None, 0)]
    for _ in range(count):
        if rnd.random() < 0.4:
            yield bytes(rnd.randrange(256) for _ in range(rnd.choice([0, 3, 12, 17, 40, 300])))
        else:
            p = _mutate(rnd, rnd.choice(valid))
            # Clear QR half the time so most mutants reach the parser.
            yield p[:2] + bytes([p[2] & 0x7F]) + p[3:] if len(p) > 2 and rnd.random() < 0.5 else p


def _rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _sanitized(srv: Dynzoned) -> bool:
    with open(srv.build / "dynzoned", "rb") as f:
        return b"__asan_init" in f.read()


def _send_burst(sock: socket.socket, packets, target) -> int:
    sent = 0
    for p in packets:
        try:
            sock.sendto(p, target)
            sent += 1
        except (BlockingIOError, OSError):
            pass
    # Drain what came back so our socket buffer never fills.
    while True:
        try:
            sock.recv(65535)
        except (BlockingIOError, OSError):
            return sent


def test_random_packet_flood(dz):
    target = (dz.address, dz.port)
    packets = _flood_packets(100_000, seed=7)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.setblocking(False)
        # Warm up: thread stacks, allocator pools and sockets reach their
        # working size before the baseline is taken.
        for _ in range(5):
            _send_burst(s, [next(packets) for _ in range(1000)], target)
            time.sleep(0.01)
        still_answers(dz)
        before = _rss_kib(dz.proc.pid)
        deadline = time.monotonic() + 60
        sent = 5000
        while sent < 100_000:
            assert time.monotonic() < deadline, "flood took more than 60 s"
            burst = [p for _, p in zip(range(1000), packets)]
            sent += len(burst)
            _send_burst(s, burst, target)
            time.sleep(0.002)   # let the server's socket buffer drain
    still_answers(dz)
    after = _rss_kib(dz.proc.pid)
    limit = 64 * 1024 if _sanitized(dz) else 4 * 1024
    assert after - before < limit, f"RSS grew {after - before} KiB ({before} -> {after})"
