# SPDX-License-Identifier: BSD-3-Clause
"""Differential test corpus: the zones, a seeded query generator, sending to a server, and answer normalisation."""
import random
import socket
import struct
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Tuple

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.zone

from harness import paths

ZONE_DIR = paths.DATA / "diff"

# domain -> zone file in tests/data/diff/
ZONES: Dict[str, str] = {
    "diff.test.": "diff.test.zone",
    "kid.diff.test.": "kid.diff.test.zone",
    "other.test.": "other.test.zone",
    "example.": "example.zone",
}

QTYPES = ["A"] * 6 + ["AAAA"] * 3 + ["MX"] * 3 + ["TXT"] * 3 + ["NS"] * 3 + [
    "SOA", "SOA", "CNAME", "CNAME", "DNAME", "DNAME", "SRV", "SRV", "ANY", "ANY",
    "DS", "DS", "TYPE65400", "TYPE65400", "TYPE65401", "PTR", "CAA", "HINFO",
    "NAPTR", "SSHFP", "TYPE1234"]

EDNS_SIZES = [None, None, 512, 1232, 1232, 4096]

SEED = 20240101


@dataclass(frozen=True)
class Query:
    """One query of the corpus (hashable, printable)."""
    qname: dns.name.Name
    qtype: str
    payload: Optional[int]   # None: no EDNS
    tcp: bool = False
    do: bool = False
    rd: bool = True

    def __str__(self) -> str:
        edns = "noedns" if self.payload is None else f"edns={self.payload}"
        extra = (" +do" if self.do else "") + ("" if self.rd else " +nord")
        return (f"{self.qname.to_text()} {self.qtype} "
                f"{'tcp' if self.tcp else 'udp'} {edns}{extra}")

    def message(self, qid: int) -> dns.message.Message:
        kw = {}
        if self.payload is not None:
            kw = dict(use_edns=0, payload=self.payload, want_dnssec=self.do)
        msg = dns.message.make_query(self.qname, dns.rdatatype.from_text(self.qtype),
                                     **kw)
        msg.id = qid
        if not self.rd:
            msg.flags &= ~dns.flags.RD
        return msg


# --- names -------------------------------------------------------------------

def load_names() -> Dict[str, List[dns.name.Name]]:
    """Owner names of every zone and the empty non-terminals above them."""
    out: Dict[str, List[dns.name.Name]] = {}
    for domain, file in ZONES.items():
        origin = dns.name.from_text(domain)
        zone = dns.zone.from_file(str(ZONE_DIR / file), origin=origin,
                                  relativize=False, check_origin=False)
        names = set()
        for name in zone.nodes:
            while name != origin and name.is_subdomain(origin):
                names.add(name)
                name = name.parent()
        names.add(origin)
        out[domain] = sorted(names)
    return out


def _label(rnd: random.Random) -> bytes:
    n = rnd.choice([1, 3, 5, 8, 12])
    return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789-")
                   for _ in range(n)).encode()


def mixcase(name: dns.name.Name, rnd: random.Random) -> dns.name.Name:
    """The name with some ASCII letters' case flipped (0x20 style)."""
    labels = []
    for lab in name.labels:
        b = bytearray(lab)
        for i, c in enumerate(b):
            if (65 <= c <= 90 or 97 <= c <= 122) and rnd.random() < 0.35:
                b[i] = c ^ 0x20
        labels.append(bytes(b))
    return dns.name.Name(labels)


def _prefixed(prefix: List[bytes], base: dns.name.Name) -> Optional[dns.name.Name]:
    try:
        return dns.name.Name(prefix + list(base.labels))
    except dns.name.NameTooLong:
        return None


def _d(text: str) -> dns.name.Name:
    return dns.name.from_text(text)


# Interesting parents: children of these are wildcard matches, names below
# cuts, names below DNAMEs.
WILD_PARENTS = ["wild", "wcname", "wchain", "wext", "wloop", "wmiss", "wildent",
                "wsrv", "wmx", "wdel", "ent2.wild", "w.target", "exists.wild"]
CUTS = ["sub", "ext", "noglue", "kid", "signed", "sib", "cut.wdel", "bigns"]
DNAMES = ["dn", "dn2", "dnout", "dnext", "dnsub", "dnloop", "dnloopb", "dnlong"]
OUTSIDE = ["www.example.net.", "test.", ".", "diff.test.evil.", "evil.",
           "other.test.example.", "xdiff.test."]


def generate(count: int, seed: int = SEED, tcp_share: float = 0.12) -> List[Query]:
    """count queries, the same for a given seed."""
    rnd = random.Random(seed)
    names = load_names()
    everyone = [n for ns in names.values() for n in ns]
    diff = _d("diff.test.")
    ex = _d("example.")

    def rel(text: str, origin=diff) -> dns.name.Name:
        return dns.name.from_text(text, origin)

    def pick_name() -> dns.name.Name:
        kind = rnd.random()
        if kind < 0.35:                       # existing names and ENTs
            return rnd.choice(everyone)
        if kind < 0.45:                       # children of existing names
            return _prefixed([_label(rnd)], rnd.choice(everyone))
        if kind < 0.58:                       # wildcard matches
            base = rel(rnd.choice(WILD_PARENTS))
            pre = [_label(rnd) for _ in range(rnd.choice([1, 1, 2]))]
            if rnd.random() < 0.2:
                base = rnd.choice([ex, _d("host1.example."), _d("sub.*.example."),
                                   _d("_tcp.host1.example."), _d("*.example.")])
            return _prefixed(pre, base)
        if kind < 0.66:                       # below cuts
            base = rnd.choice([rel(c) for c in CUTS] + [_d("subdel.example.")])
            return _prefixed([_label(rnd) for _ in range(rnd.choice([1, 2]))], base)
        if kind < 0.78:                       # below DNAMEs
            base = rel(rnd.choice(DNAMES))
            if base == rel("dnlong"):
                # Long prefixes make the rewritten name exceed 255 octets.
                return _prefixed([b"a" * rnd.choice([1, 2, 5, 6, 7, 8, 9, 20])], base)
            pre = rnd.choice([[b"x"], [b"y"], [b"www"], [b"q", b"w"], [_label(rnd)],
                              [b"ns"], [b"c"], [b"nothing"]])
            return _prefixed(pre, base)
        if kind < 0.92:                       # nonexistent names
            zone = rnd.choice(list(ZONES))
            return _prefixed([_label(rnd)], _d(zone))
        return _d(rnd.choice(OUTSIDE))

    out: List[Query] = []
    while len(out) < count:
        name = pick_name()
        if name is None:
            continue
        if rnd.random() < 0.3:
            name = mixcase(name, rnd)
        payload = rnd.choice(EDNS_SIZES)
        do = payload is not None and rnd.random() < 0.05
        q = Query(name, rnd.choice(QTYPES), payload,
                  tcp=rnd.random() < tcp_share, do=do, rd=rnd.random() < 0.8)
        out.append(q)
    return out


# Hand-picked queries always in the corpus: each answer class once, over
# both transports and every EDNS size.
FIXED = [
    ("www.diff.test.", "A"), ("WwW.DiFf.TeSt.", "AAAA"), ("diff.test.", "NS"),
    ("diff.test.", "MX"), ("diff.test.", "ANY"), ("diff.test.", "SOA"),
    ("nothere.diff.test.", "A"), ("ent.diff.test.", "A"), ("c.ent.diff.test.", "TXT"),
    ("host.sub.diff.test.", "A"), ("sub.diff.test.", "NS"), ("sub.diff.test.", "DS"),
    ("kid.diff.test.", "DS"), ("kid.diff.test.", "NS"), ("signed.diff.test.", "DS"),
    ("c1.diff.test.", "A"), ("cout.diff.test.", "A"), ("cout2.diff.test.", "A"),
    ("cext.diff.test.", "A"), ("loop1.diff.test.", "A"), ("self.diff.test.", "A"),
    ("dangling.diff.test.", "A"), ("ch01.diff.test.", "A"), ("ch05.diff.test.", "A"),
    ("x.dn.diff.test.", "A"), ("y.dn.diff.test.", "A"), ("a.b.dn.diff.test.", "A"),
    ("x.dn2.diff.test.", "A"), ("x.dnout.diff.test.", "A"),
    ("www.dnext.diff.test.", "A"), ("x.dnloop.diff.test.", "A"),
    ("aaaaaaaaaaaaaaaaaaaa.dnlong.diff.test.", "A"), ("a.dnlong.diff.test.", "A"),
    ("foo.wild.diff.test.", "A"), ("foo.wild.diff.test.", "MX"),
    ("foo.bar.wild.diff.test.", "TXT"), ("foo.wcname.diff.test.", "A"),
    ("foo.wloop.diff.test.", "A"), ("foo.wildent.diff.test.", "A"),
    ("big512.diff.test.", "TXT"), ("big1232.diff.test.", "TXT"),
    ("big4096.diff.test.", "TXT"), ("manya.diff.test.", "A"),
    ("manymx.diff.test.", "MX"), ("bigns.diff.test.", "NS"), ("x.bigns.diff.test.", "A"),
    ("mx-host.diff.test.", "MX"), ("_sip._tcp.diff.test.", "SRV"),
    ("t1.diff.test.", "TYPE65400"), ("t1.diff.test.", "ANY"),
    ("a\\.b.diff.test.", "A"), ("\\000\\255\\010.diff.test.", "A"),
    ("\\065\\066C.diff.test.", "A"), ("mixed.case.diff.test.", "A"),
    ("host3.example.", "MX"), ("host3.example.", "A"), ("foo.bar.example.", "TXT"),
    ("host1.example.", "MX"), ("_ssh._tcp.host3.example.", "SRV"),
    ("_ssh._tcp.host1.example.", "SRV"), ("sub.*.example.", "MX"),
    ("_telnet._tcp.host1.example.", "SRV"), ("host.subdel.example.", "A"),
    ("ghost.*.example.", "MX"), ("*.example.", "TXT"),
    ("www.example.net.", "A"), ("diff.test.", "TYPE65400"),
]


def fixed() -> List[Query]:
    out = []
    for text, qtype in FIXED:
        for payload in (None, 512, 1232, 4096):
            for tcp in (False, True):
                out.append(Query(dns.name.from_text(text), qtype, payload, tcp))
    return out


def corpus(count: int) -> List[Query]:
    return fixed() + generate(count)


# --- sending -------------------------------------------------------------------

class Client:
    """Sends queries to one server; one UDP socket, TCP per query."""

    def __init__(self, address: str, port: int, timeout: float = 2.0):
        self.addr = (address, port)
        self.timeout = timeout
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.connect(self.addr)
        self.udp.settimeout(timeout)
        self.qid = 0

    def close(self):
        self.udp.close()

    def ask(self, q: Query) -> Optional[dns.message.Message]:
        """The server's response, or None when it sends none in time."""
        self.qid = (self.qid + 1) & 0xFFFF
        wire = q.message(self.qid).to_wire()
        data = self._tcp(wire) if q.tcp else self._udp(wire)
        if data is None:
            return None
        return dns.message.from_wire(data, ignore_trailing=True)

    def _udp(self, wire: bytes) -> Optional[bytes]:
        self.udp.send(wire)
        while True:
            try:
                data = self.udp.recv(65535)
            except socket.timeout:
                return None
            # Skip stray late answers to earlier queries.
            if len(data) >= 2 and data[:2] == wire[:2]:
                return data

    def _tcp(self, wire: bytes) -> Optional[bytes]:
        with socket.create_connection(self.addr, timeout=self.timeout) as s:
            s.sendall(struct.pack("!H", len(wire)) + wire)
            head = _recv_exact(s, 2)
            if head is None:
                return None
            return _recv_exact(s, struct.unpack("!H", head)[0])


def _recv_exact(s: socket.socket, n: int) -> Optional[bytes]:
    buf = b""
    while len(buf) < n:
        try:
            chunk = s.recv(n - len(buf))
        except (socket.timeout, ConnectionResetError):
            return None
        if not chunk:
            return None
        buf += chunk
    return buf


# --- normalisation -------------------------------------------------------------

Section = Tuple[Tuple[str, ...], ...]


def _section(rrsets: Iterable) -> Section:
    """Each RRset as its sorted record lines (owner case and TTL kept),
    the RRsets sorted: order inside and between RRsets is not compared."""
    return tuple(sorted(tuple(sorted(rr.to_text().splitlines())) for rr in rrsets))


@dataclass(frozen=True)
class Answer:
    """What is compared of one response."""
    rcode: str
    flags: Tuple[str, ...]
    question: Tuple[str, ...]
    answer: Section
    authority: Section
    additional: Section
    edns: Optional[Tuple]

    def folded(self) -> "Answer":
        """The same answer with every name in lower case: BIND writes
        owners in the zone's case, Knot and dynzoned in the query's; that
        difference is compared on its own (see test_diff.py)."""
        def fold(sec: Section) -> Section:
            return tuple(sorted(tuple(sorted(l.lower() for l in rr)) for rr in sec))
        return Answer(self.rcode, self.flags,
                      tuple(q.lower() for q in self.question),
                      fold(self.answer), fold(self.authority),
                      fold(self.additional), self.edns)

    def text(self) -> str:
        lines = [f"rcode={self.rcode} flags={' '.join(self.flags)} edns={self.edns}"]
        for part in ("answer", "authority", "additional"):
            sec = getattr(self, part)
            if sec:
                lines.append(f"  ;; {part}")
                lines += ["    " + line for rr in sec for line in rr]
        return "\n".join(lines)


NO_ANSWER = Answer("NO-ANSWER", (), (), (), (), (), None)
COMPARED_FLAGS = ("QR", "AA", "TC", "RD", "RA", "CD", "AD")


def normalise(msg: Optional[dns.message.Message]) -> Answer:
    if msg is None:
        return NO_ANSWER
    flags = tuple(f for f in COMPARED_FLAGS
                  if msg.flags & dns.flags.from_text(f))
    edns = None
    if msg.edns >= 0:
        edns = (msg.edns, msg.payload, bool(msg.ednsflags & dns.flags.DO),
                tuple(sorted(o.otype for o in msg.options)))
    return Answer(dns.rcode.to_text(msg.rcode()), flags,
                  tuple(r.to_text() for r in msg.question),
                  _section(msg.answer), _section(msg.authority),
                  _section(msg.additional), edns)
