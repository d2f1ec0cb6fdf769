# SPDX-License-Identifier: BSD-3-Clause
"""Every answer class of docs/query.md over UDP and TCP, with and without EDNS, seen by dnspython and by dig; payload sizes, TC and the retry over TCP; TCP pipelining and the idle timeout."""
import re
import select
import shutil
import socket
import struct
import subprocess
import time
from typing import Callable, List, NamedTuple, Optional, Union

import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.query
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import pytest

from harness import paths
from harness.server import Dynzoned
from harness.tools import which

ADDRESS = "127.0.0.91"
IDLE_TIMEOUT = 2          # tcp-idle-timeout in the config, seconds
SERVER_PAYLOAD = 4096     # udp-max-payload in the config
CLIENT_PAYLOAD = 1232     # what the "edns" variants advertise (dig's default too)
ZONES = {"answers.test.": "answers.test.zone", "short.test.": "short.test.zone"}

pytestmark = pytest.mark.skipif(which("dig") is None, reason="dig is not installed")


@pytest.fixture(scope="module")
def dz(tmp_path_factory):
    srv = Dynzoned(tmp_path_factory.mktemp("answers"), address=ADDRESS)
    for file in ZONES.values():
        shutil.copy(paths.DATA / "answers" / file, srv.data / file)
    srv.write_config(ZONES, server_extra=f"""\
        tcp-idle-timeout: {IDLE_TIMEOUT}s
        udp-max-payload: {SERVER_PAYLOAD}
        """)
    srv.start(wait_zone="answers.test.")
    yield srv
    if srv.proc.poll() is None:
        srv.stop()
    else:
        print(f"\ndynzoned exited with {srv.proc.returncode}; files in {srv.dir}")


# --- expectations -------------------------------------------------------------

class Ctx(NamedTuple):
    tcp: bool
    edns: bool


Rows = Union[List[str], Callable[[Ctx], List[str]]]


class Case(NamedTuple):
    qname: str
    qtype: str = "A"
    rcode: str = "NOERROR"
    aa: bool = True
    answer: Rows = []
    authority: Rows = []
    additional: Rows = []
    tc: Union[bool, Callable[[Ctx], bool]] = False
    qclass: str = "IN"
    opcode: int = 0
    edns_version: int = 0
    exact_owners: List[str] = []   # owners that must keep the qname's case
    order: List[str] = []          # "owner TYPE" of the answer RRsets, in order


Z = "answers.test."
SOA = f"{Z} 300 SOA ns1.{Z} hostmaster.{Z} 2024010101 3600 900 604800 300"
SHORT_SOA = f"short.test. 60 SOA ns1.{Z} hostmaster.{Z} 1 3600 900 604800 300"
WWW_A = f"www.{Z} 3600 A 192.0.2.1"
NS_SUB = [f"sub.{Z} 3600 NS ns.sub.{Z}", f"sub.{Z} 3600 NS ns.elsewhere.example."]
GLUE_SUB = [f"ns.sub.{Z} 3600 A 192.0.2.100", f"ns.sub.{Z} 3600 AAAA 2001:db8::100"]
NS1_ADDR = [f"ns1.{Z} 3600 A 192.0.2.53", f"ns1.{Z} 3600 AAAA 2001:db8::53"]
DS_SUB = f"sub.{Z} 3600 DS 12345 13 2 " + "0123456789abcdef" * 4
DNAME = f"dn.{Z} 1800 DNAME target.{Z}"


def txt_rows(label: str, count: int) -> List[str]:
    return [f'{label}.{Z} 3600 TXT "{label}-{i:02d}-{"x" * 90}"' for i in range(count)]


def txt_case(label: str, count: int, needs: int) -> Case:
    """An RRset whose answer needs a UDP payload of `needs` octets: over UDP
    with a smaller limit it is left out whole with TC (RFC 2181 §9)."""
    def fits(ctx: Ctx) -> bool:
        limit = 65535 if ctx.tcp else (CLIENT_PAYLOAD if ctx.edns else 512)
        return needs <= limit
    return Case(f"{label}.{Z}", "TXT",
                answer=lambda ctx: txt_rows(label, count) if fits(ctx) else [],
                tc=lambda ctx: not fits(ctx))


CASES = {
    # Positive answers: AA, the RRset, no NS in authority (docs/query.md).
    "positive": Case(f"www.{Z}", answer=[WWW_A]),
    "positive_apex_soa": Case(Z, "SOA", answer=[SOA.replace(" 300 SOA", " 3600 SOA")]),
    # NODATA and NXDOMAIN: the SOA with TTL min(SOA TTL, MINIMUM) (RFC 2308 §3).
    "nodata": Case(f"www.{Z}", "MX", authority=[SOA]),
    "nxdomain": Case(f"nope.{Z}", rcode="NXDOMAIN", authority=[SOA]),
    "nxdomain_below_existing": Case(f"a.www.{Z}", rcode="NXDOMAIN", authority=[SOA]),
    "nodata_soa_ttl_below_minimum": Case("www.short.test.", "MX", authority=[SHORT_SOA]),
    "nxdomain_soa_ttl_below_minimum": Case("nope.short.test.", rcode="NXDOMAIN",
                                           authority=[SHORT_SOA]),
    "empty_non_terminal": Case(f"ent.{Z}", authority=[SOA]),
    "empty_non_terminal_deeper": Case(f"b.ent.{Z}", "TXT", authority=[SOA]),
    # Referrals: AA clear, the cut's NS, glue (in-zone NS targets) in additional.
    "referral_below_cut": Case(f"host.sub.{Z}", aa=False, authority=NS_SUB,
                               additional=GLUE_SUB),
    "referral_at_cut": Case(f"sub.{Z}", aa=False, authority=NS_SUB,
                            additional=GLUE_SUB),
    "referral_ns_query_at_cut": Case(f"sub.{Z}", "NS", aa=False, authority=NS_SUB,
                                     additional=GLUE_SUB),
    "referral_in_zone_ns_target": Case(f"host.nods.{Z}", aa=False,
                                       authority=[f"nods.{Z} 3600 NS ns1.{Z}"],
                                       additional=NS1_ADDR),
    # DS is answered from the parent side of the cut.
    "ds_at_cut": Case(f"sub.{Z}", "DS", answer=[DS_SUB]),
    "ds_at_cut_without_ds": Case(f"nods.{Z}", "DS", authority=[SOA]),
    # CNAMEs.
    "cname_chain_in_zone": Case(f"c1.{Z}", answer=[
        f"c1.{Z} 3600 CNAME c2.{Z}", f"c2.{Z} 3600 CNAME www.{Z}", WWW_A],
        order=[f"c1.{Z} CNAME", f"c2.{Z} CNAME", f"www.{Z} A"]),
    "cname_qtype_cname_not_followed": Case(f"c1.{Z}", "CNAME",
                                           answer=[f"c1.{Z} 3600 CNAME c2.{Z}"]),
    "cname_out_of_zone": Case(f"out.{Z}", answer=[f"out.{Z} 3600 CNAME www.example.org."]),
    "cname_to_missing_name": Case(f"dangling.{Z}", rcode="NXDOMAIN", answer=[
        f"dangling.{Z} 3600 CNAME nowhere.{Z}"], authority=[SOA]),
    # DNAME (RFC 6672): DNAME, synthesised CNAME with the DNAME's TTL, target.
    "dname_synthesis": Case(f"x.dn.{Z}", answer=[
        DNAME, f"x.dn.{Z} 1800 CNAME x.target.{Z}", f"x.target.{Z} 3600 A 192.0.2.7"],
        order=[f"dn.{Z} DNAME", f"x.dn.{Z} CNAME", f"x.target.{Z} A"]),
    "dname_synthesis_to_missing_name": Case(f"y.dn.{Z}", rcode="NXDOMAIN", answer=[
        DNAME, f"y.dn.{Z} 1800 CNAME y.target.{Z}"], authority=[SOA]),
    "dname_owner_is_ordinary": Case(f"dn.{Z}", "DNAME", answer=[DNAME]),
    # Wildcards (RFC 4592): owner = qname.
    "wildcard": Case(f"foo.wild.{Z}", answer=[f"foo.wild.{Z} 3600 A 192.0.2.99"]),
    "wildcard_two_labels": Case(f"a.b.wild.{Z}", "TXT",
                                answer=[f'a.b.wild.{Z} 3600 TXT "wild"']),
    "wildcard_owner_itself": Case(f"*.wild.{Z}", answer=[f"*.wild.{Z} 3600 A 192.0.2.99"]),
    "wildcard_nodata": Case(f"foo.wild.{Z}", "MX", authority=[SOA]),
    "wildcard_cname": Case(f"foo.wc.{Z}", answer=[
        f"foo.wc.{Z} 3600 CNAME www.{Z}", WWW_A],
        order=[f"foo.wc.{Z} CNAME", f"www.{Z} A"]),
    # Additional-section addresses of NS, MX and SRV targets in the zone.
    "additional_for_ns": Case(Z, "NS", answer=[
        f"{Z} 3600 NS ns1.{Z}", f"{Z} 3600 NS ns2.{Z}"],
        additional=NS1_ADDR + [f"ns2.{Z} 3600 A 192.0.2.54"]),
    "additional_for_mx": Case(Z, "MX", answer=[
        f"{Z} 3600 MX 10 mail.{Z}", f"{Z} 3600 MX 20 mx.example.org."],
        additional=[f"mail.{Z} 3600 A 192.0.2.25", f"mail.{Z} 3600 AAAA 2001:db8::25"]),
    "additional_for_srv": Case(f"_sip._tcp.{Z}", "SRV", answer=[
        f"_sip._tcp.{Z} 3600 SRV 0 5 5060 sip.{Z}"],
        additional=[f"sip.{Z} 3600 A 192.0.2.60", f"sip.{Z} 3600 AAAA 2001:db8::60"]),
    # ANY (RFC 8482 §4.1): one RRset over UDP (the first in type order), all over TCP.
    "any": Case(f"www.{Z}", "ANY", answer=lambda ctx: [WWW_A] + (
        [f"www.{Z} 3600 AAAA 2001:db8::1", f'www.{Z} 3600 TXT "hello"']
        if ctx.tcp else [])),
    "any_wildcard": Case(f"foo.wild.{Z}", "ANY", answer=lambda ctx: [
        f"foo.wild.{Z} 3600 A 192.0.2.99"] + (
        [f'foo.wild.{Z} 3600 TXT "wild"'] if ctx.tcp else [])),
    "any_nxdomain": Case(f"nope.{Z}", "ANY", rcode="NXDOMAIN", authority=[SOA]),
    "any_at_cut_is_referral": Case(f"sub.{Z}", "ANY", aa=False, authority=NS_SUB,
                                   additional=GLUE_SUB),
    "any_at_cname": Case(f"c1.{Z}", "ANY", answer=[f"c1.{Z} 3600 CNAME c2.{Z}"]),
    # The qname's case is kept in the question and in owners taken from it.
    "case_preserved": Case("WwW.AnSwErS.TeSt.", answer=[WWW_A],
                           exact_owners=["WwW.AnSwErS.TeSt."]),
    "case_preserved_wildcard": Case(f"FoO.WiLd.{Z}", answer=[
        f"foo.wild.{Z} 3600 A 192.0.2.99"], exact_owners=[f"FoO.WiLd.{Z}"]),
    "case_preserved_dname": Case(f"X.dN.{Z}", answer=[
        DNAME, f"x.dn.{Z} 1800 CNAME x.target.{Z}", f"x.target.{Z} 3600 A 192.0.2.7"],
        exact_owners=[f"X.dN.{Z}"]),
    # Errors: never AA, question echoed.
    "refused_out_of_zone": Case("www.example.org.", rcode="REFUSED", aa=False),
    "refused_parent_of_zone": Case("test.", "SOA", rcode="REFUSED", aa=False),
    "refused_class_ch": Case("version.bind.", "TXT", qclass="CH", rcode="REFUSED",
                             aa=False),
    "refused_class_ch_in_zone_name": Case(f"www.{Z}", qclass="CH", rcode="REFUSED",
                                          aa=False),
    "notimp_opcode_status": Case(f"www.{Z}", opcode=2, rcode="NOTIMP", aa=False),
    "notimp_opcode_3": Case(f"www.{Z}", opcode=3, rcode="NOTIMP", aa=False),
    "badvers_edns_version_1": Case(f"www.{Z}", edns_version=1, rcode="BADVERS",
                                   aa=False),
    # Sizes: small fits 512, mid needs the EDNS buffer, big and huge need TCP here.
    "txt_small": txt_case("small", 3, 512),
    "txt_mid": txt_case("mid", 6, 1232),
    "txt_big": txt_case("big", 20, SERVER_PAYLOAD),
    "txt_huge": txt_case("huge", 50, 65535),
}


def resolve(value, ctx: Ctx):
    return value(ctx) if callable(value) else value


def rows(section) -> List[str]:
    """One "owner ttl TYPE rdata" line per record, lower-cased (names compare
    without case; exact case is checked separately), sorted."""
    out = []
    for rrset in section:
        for rd in rrset:
            out.append(f"{rrset.name} {rrset.ttl} "
                       f"{dns.rdatatype.to_text(rrset.rdtype)} {rd.to_text()}".lower())
    return sorted(out)


def lower(expected: List[str]) -> List[str]:
    """Expected rows in the form rows() gives."""
    return sorted(r.lower() for r in expected)


def check(case: Case, msg: dns.message.Message, ctx: Ctx):
    """Everything docs/query.md says about this answer."""
    assert msg.flags & dns.flags.QR
    assert not msg.flags & (dns.flags.RA | dns.flags.RD)     # we sent RD=0
    assert msg.raw_opcode == case.opcode
    assert dns.rcode.to_text(msg.rcode()) == case.rcode
    assert bool(msg.flags & dns.flags.AA) == case.aa
    assert bool(msg.flags & dns.flags.TC) == resolve(case.tc, ctx)
    # The question is echoed with the qname's exact case.
    assert len(msg.question) == 1
    q = msg.question[0]
    assert q.name.to_text() == case.qname
    assert dns.rdatatype.to_text(q.rdtype) == case.qtype
    assert dns.rdataclass.to_text(q.rdclass) == case.qclass
    # OPT (version 0, our payload) exactly when the query had one.
    if ctx.edns:
        assert msg.edns == 0 and msg.payload == SERVER_PAYLOAD
    else:
        assert msg.edns == -1
    assert rows(msg.answer) == lower(resolve(case.answer, ctx))
    assert rows(msg.authority) == lower(resolve(case.authority, ctx))
    assert rows(msg.additional) == lower(resolve(case.additional, ctx))
    if case.order:   # the CNAME/DNAME before what it leads to (RFC 1034 §4.3.2)
        assert [f"{r.name} {dns.rdatatype.to_text(r.rdtype)}".lower()
                for r in msg.answer] == [o.lower() for o in case.order]
    owners = {rrset.name.to_text() for rrset in msg.answer}
    for owner in case.exact_owners:
        assert owner in owners, f"owner {owner} (exact case) not in {owners}"


def params():
    out = []
    for cid, case in CASES.items():
        for tcp in (False, True):
            for edns in (True, False):
                if case.edns_version and not edns:
                    continue          # BADVERS needs an OPT
                out.append(pytest.param(cid, Ctx(tcp, edns), id=f"{cid}-"
                                        f"{'tcp' if tcp else 'udp'}-"
                                        f"{'edns' if edns else 'noedns'}"))
    return out


# --- dnspython -----------------------------------------------------------------

def parse_wire(wire: bytes) -> dns.message.Message:
    """from_wire, keeping opcodes dnspython has no name for (3) in raw_opcode."""
    opcode = (wire[2] >> 3) & 0x0F
    if opcode not in {int(o) for o in dns.opcode.Opcode}:
        wire = wire[:2] + bytes([wire[2] & 0x87]) + wire[3:]
    msg = dns.message.from_wire(wire)
    msg.raw_opcode = opcode
    msg.wire_len = len(wire)
    return msg


def make_query(case: Case, edns: bool, payload: int = CLIENT_PAYLOAD,
               qid: Optional[int] = None) -> dns.message.Message:
    q = dns.message.make_query(case.qname, case.qtype, case.qclass, flags=0, id=qid)
    if edns:
        q.use_edns(case.edns_version, payload=payload)
    else:
        q.use_edns(False)
    q.set_opcode(case.opcode)
    return q


def recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError(f"connection closed after {len(data)} of {n} octets")
        data += chunk
    return data


def recv_framed(sock: socket.socket) -> bytes:
    (length,) = struct.unpack("!H", recv_exact(sock, 2))
    return recv_exact(sock, length)


def framed(wire: bytes) -> bytes:
    return struct.pack("!H", len(wire)) + wire


def exchange(dz: Dynzoned, q: dns.message.Message, tcp: bool) -> dns.message.Message:
    wire = q.to_wire()
    if tcp:
        with socket.create_connection((dz.address, dz.port), timeout=3) as s:
            s.sendall(framed(wire))
            resp = recv_framed(s)
    else:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(3)
            s.sendto(wire, (dz.address, dz.port))
            resp, _ = s.recvfrom(65535)
    assert resp[:2] == wire[:2], "response ID differs from the query's"
    return parse_wire(resp)


@pytest.mark.parametrize("cid,ctx", params())
def test_answer_dnspython(dz, cid, ctx):
    case = CASES[cid]
    msg = exchange(dz, make_query(case, ctx.edns), ctx.tcp)
    check(case, msg, ctx)
    if not ctx.tcp:
        assert msg.wire_len <= (CLIENT_PAYLOAD if ctx.edns else 512)


# --- dig -----------------------------------------------------------------------

class Dig(NamedTuple):
    msg: dns.message.Message
    out: str
    retried: bool        # dig printed "Truncated, retrying in TCP mode."
    transport: str       # UDP or TCP, from the ";; SERVER:" line
    size: int            # ";; MSG SIZE  rcvd:"


HEADER_RE = re.compile(r";; ->>HEADER<<- opcode: (\S+), status: (\S+), id: (\d+)")
FLAGS_RE = re.compile(r";; flags:([^;]*); QUERY: (\d+), ANSWER: (\d+), "
                      r"AUTHORITY: (\d+), ADDITIONAL: (\d+)")
EDNS_RE = re.compile(r"; EDNS: version: (\d+), flags:([^;]*); udp: (\d+)")
SECTIONS = {";; QUESTION SECTION:": "question", ";; ANSWER SECTION:": "answer",
            ";; AUTHORITY SECTION:": "authority", ";; ADDITIONAL SECTION:": "additional"}


def dig_opcode(text: str) -> int:
    m = re.fullmatch(r"RESERVED(\d+)", text)
    return int(m.group(1)) if m else int(dns.opcode.from_text(text))


def parse_dig(out: str) -> Dig:
    """dig's text output back into a Message; the header counts must match
    the records read (ADDITIONAL counts the OPT)."""
    head, flags = HEADER_RE.search(out), FLAGS_RE.search(out)
    assert head and flags, out
    msg = dns.message.Message(id=int(head.group(3)))
    msg.raw_opcode = dig_opcode(head.group(1))
    for word in flags.group(1).split():
        msg.flags |= dns.flags.from_text(word.upper())
    edns = EDNS_RE.search(out)
    if edns:
        msg.use_edns(int(edns.group(1)), dns.flags.edns_from_text(edns.group(2).upper()),
                     int(edns.group(3)))
    msg.set_rcode(dns.rcode.from_text(head.group(2)))
    section = None
    for line in out.splitlines():
        if line in SECTIONS:
            section = getattr(msg, SECTIONS[line])
        elif not line.strip() or (line.startswith(";") and section is not msg.question):
            section = None
        elif section is msg.question:
            name, rdclass, rdtype = line[1:].split()
            msg.find_rrset(section, dns.name.from_text(name),
                           dns.rdataclass.from_text(rdclass),
                           dns.rdatatype.from_text(rdtype), create=True,
                           force_unique=True)
        elif section is not None:
            name, ttl, rdclass, rdtype, text = line.split(None, 4)
            rdc, rdt = dns.rdataclass.from_text(rdclass), dns.rdatatype.from_text(rdtype)
            rrset = msg.find_rrset(section, dns.name.from_text(name), rdc, rdt,
                                   create=True)
            rrset.add(dns.rdata.from_text(rdc, rdt, text), int(ttl))
    count = lambda sec: sum(len(r) for r in sec)  # noqa: E731
    assert int(flags.group(2)) == len(msg.question), out
    assert int(flags.group(3)) == count(msg.answer), out
    assert int(flags.group(4)) == count(msg.authority), out
    assert int(flags.group(5)) == count(msg.additional) + (1 if edns else 0), out
    server = re.search(r";; SERVER: \S+ \((UDP|TCP)\)", out)
    size = re.search(r";; MSG SIZE  rcvd: (\d+)", out)
    assert server and size, out
    return Dig(msg, out, "Truncated, retrying in TCP mode." in out,
               server.group(1), int(size.group(1)))


def dig(dz: Dynzoned, qname: str, qtype: str = "A", *opts: str,
        qclass: str = "IN") -> Dig:
    argv = ["dig", f"@{dz.address}", "-p", str(dz.port), "+norec", "+time=2",
            "+tries=1", *opts, "-c", qclass, "-t", qtype, "-q", qname]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
    assert r.returncode == 0, f"{' '.join(argv)}\n{r.stdout}{r.stderr}"
    return parse_dig(r.stdout)


def dig_opts(case: Case, ctx: Ctx) -> List[str]:
    # +ignore: see the UDP answer itself (TC included), no retry over TCP;
    # +notcp: dig 9.18 sends ANY over TCP unless told not to.
    opts = ["+tcp"] if ctx.tcp else ["+notcp", "+ignore"]
    if not ctx.edns:
        opts.append("+noedns")
    else:
        opts.append(f"+bufsize={CLIENT_PAYLOAD}")
        if case.edns_version:
            opts += [f"+edns={case.edns_version}", "+noednsnegotiation"]
    if case.opcode:
        opts.append(f"+opcode={case.opcode}")
    return opts


@pytest.mark.parametrize("cid,ctx", params())
def test_answer_dig(dz, cid, ctx):
    case = CASES[cid]
    d = dig(dz, case.qname, case.qtype, *dig_opts(case, ctx), qclass=case.qclass)
    check(case, d.msg, ctx)
    assert d.transport == ("TCP" if ctx.tcp else "UDP")
    assert not d.retried


# --- header bits copied from the query -----------------------------------------

@pytest.mark.parametrize("cid", ["positive", "referral_below_cut", "nxdomain",
                                 "refused_out_of_zone", "notimp_opcode_3"])
@pytest.mark.parametrize("tcp", [False, True], ids=["udp", "tcp"])
def test_rd_cd_and_do_copied(dz, cid, tcp):
    """RD and CD are copied, RA never set (docs/query.md); the DO bit is
    echoed in our OPT (RFC 3225 §3)."""
    case = CASES[cid]
    q = make_query(case, edns=True)
    q.flags |= dns.flags.RD | dns.flags.CD
    q.want_dnssec(True)
    msg = exchange(dz, q, tcp)
    d = dig(dz, case.qname, case.qtype, "+rec", "+cdflag", "+dnssec",
            f"+opcode={case.opcode}", "+tcp" if tcp else "+notcp")
    for m in (msg, d.msg):
        assert dns.rcode.to_text(m.rcode()) == case.rcode
        assert m.flags & dns.flags.RD and m.flags & dns.flags.CD
        assert not m.flags & dns.flags.RA
        assert m.ednsflags & dns.flags.DO
    assert "WARNING: recursion requested but not available" in d.out


# --- EDNS payload, TC and the retry over TCP -------------------------------------

@pytest.mark.parametrize("label,count,payload,full", [
    ("small", 3, 200, True),       # below 512 counts as 512 (docs/query.md)
    ("mid", 6, 512, False),
    ("mid", 6, 1232, True),
    ("big", 20, 1232, False),
    ("big", 20, 2048, False),
    ("big", 20, 4096, True),
    ("huge", 50, 4096, False),
    ("huge", 50, 65535, False),    # capped at our udp-max-payload
])
def test_udp_answer_sized_to_client_buffer(dz, label, count, payload, full):
    q = make_query(Case(f"{label}.{Z}", "TXT"), edns=True, payload=payload)
    msg = exchange(dz, q, tcp=False)
    assert msg.wire_len <= min(max(payload, 512), SERVER_PAYLOAD)
    assert msg.edns == 0 and msg.payload == SERVER_PAYLOAD
    assert bool(msg.flags & dns.flags.TC) != full
    assert rows(msg.answer) == (lower(txt_rows(label, count)) if full else [])
    if full:
        # More than 512 octets (or than a smaller advertised size) was used.
        assert msg.wire_len > min(payload, 512)


def test_dnspython_retries_truncated_answer_over_tcp(dz):
    q = make_query(Case(f"big.{Z}", "TXT"), edns=True)
    msg, used_tcp = dns.query.udp_with_fallback(q, dz.address, port=dz.port, timeout=3)
    assert used_tcp
    assert not msg.flags & dns.flags.TC
    assert rows(msg.answer) == lower(txt_rows("big", 20))


@pytest.mark.parametrize("label,count,opts", [
    ("mid", 6, ["+bufsize=512"]),
    ("mid", 6, ["+noedns"]),
    ("big", 20, []),               # dig's default buffer is 1232
    ("huge", 50, ["+bufsize=65535"]),
])
def test_dig_retries_truncated_answer_over_tcp(dz, label, count, opts):
    d = dig(dz, f"{label}.{Z}", "TXT", *opts)
    assert d.retried, d.out
    assert d.transport == "TCP"
    assert not d.msg.flags & dns.flags.TC
    assert dns.rcode.to_text(d.msg.rcode()) == "NOERROR"
    assert rows(d.msg.answer) == lower(txt_rows(label, count))


@pytest.mark.parametrize("label,opts,limit", [
    ("mid", ["+bufsize=512"], 512),
    ("mid", ["+noedns"], 512),
    ("big", [], CLIENT_PAYLOAD),
    ("huge", ["+bufsize=65535"], SERVER_PAYLOAD),
])
def test_dig_ignore_shows_truncated_udp_answer(dz, label, opts, limit):
    d = dig(dz, f"{label}.{Z}", "TXT", "+ignore", *opts)
    assert not d.retried and d.transport == "UDP"
    assert d.msg.flags & dns.flags.TC
    assert d.msg.answer == []            # left out whole (RFC 2181 §9)
    assert d.size <= limit


def test_dig_udp_answer_fits_a_large_client_buffer(dz):
    d = dig(dz, f"big.{Z}", "TXT", "+bufsize=4096")
    assert not d.retried and d.transport == "UDP"
    assert not d.msg.flags & dns.flags.TC
    assert rows(d.msg.answer) == lower(txt_rows("big", 20))
    assert CLIENT_PAYLOAD < d.size <= SERVER_PAYLOAD


# --- TCP: pipelining and idle timeout ------------------------------------------

PIPELINE = ["positive", "nxdomain", "referral_below_cut", "cname_chain_in_zone",
            "dname_synthesis", "wildcard", "txt_huge", "refused_out_of_zone",
            "any", "additional_for_mx"]


def pipeline(dz: Dynzoned, byte_by_byte: bool):
    queries = {0x1000 + 17 * i: CASES[cid] for i, cid in enumerate(PIPELINE)}
    payload = b"".join(framed(make_query(case, edns=False, qid=qid).to_wire())
                       for qid, case in queries.items())
    with socket.create_connection((dz.address, dz.port), timeout=5) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if byte_by_byte:
            for i in range(len(payload)):
                s.sendall(payload[i:i + 1])
        else:
            s.sendall(payload)              # all ten in one write
        answers = {}
        for _ in queries:
            msg = parse_wire(recv_framed(s))
            assert msg.id not in answers, f"two answers for ID {msg.id}"
            answers[msg.id] = msg
    # Any order is fine (RFC 7766 §7): match by ID.
    assert set(answers) == set(queries)
    for qid, case in queries.items():
        check(case, answers[qid], Ctx(tcp=True, edns=False))


def test_tcp_pipelined_queries_in_one_write(dz):
    pipeline(dz, byte_by_byte=False)


def test_tcp_pipelined_queries_written_byte_by_byte(dz):
    pipeline(dz, byte_by_byte=True)


def closed(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def test_tcp_idle_connection_closed_after_timeout(dz):
    """One connection never sends; one sends a query and reads the answer.
    Both are closed about tcp-idle-timeout after their last activity."""
    start = time.monotonic()
    idle = socket.create_connection((dz.address, dz.port), timeout=5)
    used = socket.create_connection((dz.address, dz.port), timeout=5)
    try:
        used.sendall(framed(make_query(CASES["positive"], edns=False).to_wire()))
        check(CASES["positive"], parse_wire(recv_framed(used)), Ctx(True, False))
        answered = time.monotonic()
        closed_at = {}
        deadline = start + IDLE_TIMEOUT + 4
        while len(closed_at) < 2 and time.monotonic() < deadline:
            ready, _, _ = select.select([s for s in (idle, used) if s not in closed_at],
                                        [], [], max(0.0, deadline - time.monotonic()))
            for s in ready:
                assert closed(s), "server sent data on an idle connection"
                closed_at[s] = time.monotonic()
        assert len(closed_at) == 2, "idle TCP connection not closed in time"
        assert IDLE_TIMEOUT - 0.5 <= closed_at[idle] - start <= IDLE_TIMEOUT + 2
        assert IDLE_TIMEOUT - 0.5 <= closed_at[used] - answered <= IDLE_TIMEOUT + 2
    finally:
        idle.close()
        used.close()
    # The server still answers afterwards.
    assert dz.query(f"www.{Z}", tcp=True).rcode() == dns.rcode.NOERROR
