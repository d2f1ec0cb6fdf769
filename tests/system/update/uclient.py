# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the update system tests: a dynzoned with update-enabled zones,
keys of every TSIG algorithm, sending updates (dnspython, raw wire, BIND's
nsupdate), reading a zone back by queries, and reading the log's events."""
import base64
import json
import shlex
import socket
import subprocess
import textwrap
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple
from unittest import mock

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.query
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.tsig
import dns.update

from harness.server import Dynzoned
from harness.tools import which

NSUPDATE = which("nsupdate")
ZONE = "example.test."

# The test zone: two apex NS, a multi-record RRset, a CNAME, an MX, an
# empty non-terminal (deep.example.test. only exists through a.deep).
ZONE_TEXT = """\
$ORIGIN example.test.
$TTL 3600
@       SOA   ns1 hostmaster 100 3600 900 604800 300
@       NS    ns1
@       NS    ns2
ns1     A     192.0.2.1
ns2     A     192.0.2.2
www     A     192.0.2.10
www     A     192.0.2.11
www     TXT   "hello"
alias   CNAME www
mail    MX    10 mx.example.net.
a.deep  A     192.0.2.20
"""
INITIAL_SERIAL = 100

ALGS = ["hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384",
        "hmac-sha512"]
_DNSPY_ALG = {
    "hmac-md5": dns.tsig.HMAC_MD5, "hmac-sha1": dns.tsig.HMAC_SHA1,
    "hmac-sha224": dns.tsig.HMAC_SHA224, "hmac-sha256": dns.tsig.HMAC_SHA256,
    "hmac-sha384": dns.tsig.HMAC_SHA384, "hmac-sha512": dns.tsig.HMAC_SHA512,
}


class Key:
    """A TSIG key as dynzoned's config, nsupdate -y and dnspython see it."""

    def __init__(self, name: str, alg: str = "hmac-sha256",
                 secret: Optional[str] = None):
        self.name = name if name.endswith(".") else name + "."
        self.alg = alg
        if secret is None:
            # Fixed, distinct secrets: the same run after run.
            raw = bytes((i * 7 + len(self.name) + ALGS.index(alg)) & 0xFF
                        for i in range(32))
            secret = base64.b64encode(raw).decode()
        self.secret = secret

    @property
    def tsig(self) -> dns.tsig.Key:
        return dns.tsig.Key(self.name, self.secret, _DNSPY_ALG[self.alg])

    @property
    def spec(self) -> str:
        """nsupdate/dig -y form."""
        return f"{self.alg}:{self.name}:{self.secret}"

    def yaml(self) -> str:
        return (f"  - id: {self.name}\n    algorithm: {self.alg}\n"
                f"    secret: {self.secret}\n")


KEYS = {alg: Key(f"key-{alg}.", alg) for alg in ALGS}
KEY = KEYS["hmac-sha256"]


def _yaml_list(items: Iterable[str]) -> str:
    return json.dumps(list(items))


def acl_yaml(acl_id: str, address: Optional[Sequence[str]] = None,
             keys: Optional[Sequence[str]] = None,
             actions: Sequence[str] = ("update",), **extra) -> str:
    """One `acl:` item; extra keys use _ for - (update_type=[...])."""
    lines = [f"  - id: {acl_id}"]
    if address is not None:
        lines.append(f"    address: {_yaml_list(address)}")
    if keys is not None:
        lines.append(f"    key: {_yaml_list(keys)}")
    lines.append(f"    action: {_yaml_list(actions)}")
    for k, v in extra.items():
        val = _yaml_list(v) if isinstance(v, (list, tuple)) else v
        lines.append(f"    {k.replace('_', '-')}: {val}")
    return "\n".join(lines) + "\n"


OPEN_ACL = acl_yaml("open", address=["127.0.0.0/8"])


def start_dz(workdir: Path, *, zone_text: str = ZONE_TEXT, zone: str = ZONE,
             acls: str = OPEN_ACL, zone_acls: Optional[Sequence[str]] = None,
             keys: Iterable[Key] = KEYS.values(),
             serial_policy: str = "increment",
             zone_extra: str = "", address: str = "127.0.0.1",
             dz: Optional[Dynzoned] = None, start: bool = True) -> Dynzoned:
    """A dynzoned serving `zone` from zone_text with the given ACLs (all of
    them attached to the zone unless zone_acls says which) and keys."""
    if dz is None:
        dz = Dynzoned(workdir, address=address)
    fname = zone.rstrip(".") + ".zone"
    dz.write_zone(fname, zone_text)
    ids = zone_acls
    if ids is None:
        ids = [l.split("id:", 1)[1].strip() for l in acls.splitlines()
               if l.strip().startswith("- id:")]
    extra = ""
    keys = list(keys)
    if keys:
        extra += "key:\n" + "".join(k.yaml() for k in keys)
    if acls:
        extra += "acl:\n" + acls
    extra += (f"zone:\n  - domain: {zone}\n    file: {fname}\n"
              f"    role: primary\n    serial-policy: {serial_policy}\n")
    if ids:
        extra += f"    acl: {_yaml_list(ids)}\n"
    extra += textwrap.indent(textwrap.dedent(zone_extra), "    ")
    dz.write_config({}, extra=extra)
    if start:
        dz.start(wait_zone=zone)
    return dz


# ---- sending ----------------------------------------------------------------

def new_update(key: Optional[Key] = None, zone: str = ZONE,
               edns: bool = True) -> dns.update.UpdateMessage:
    """An empty UPDATE for zone, signed with key if given, with EDNS so
    that refusals come back with their Extended DNS Error."""
    m = dns.update.UpdateMessage(zone)
    if key is not None:
        m.use_tsig(key.tsig)
    if edns:
        m.use_edns(0, payload=1232)
    return m


def send(srv, msg: dns.message.Message, tcp: bool = False,
         timeout: float = 5.0) -> dns.message.Message:
    """Send and return the reply (its TSIG verified by dnspython)."""
    fn = dns.query.tcp if tcp else dns.query.udp
    return fn(msg, srv.address, port=srv.port, timeout=timeout)


def rcode_of(srv, msg, tcp: bool = False) -> str:
    return dns.rcode.to_text(send(srv, msg, tcp=tcp).rcode())


class Raw:
    """A reply read without TSIG verification: rcode, TSIG error, EDEs."""

    def __init__(self, wire: bytes):
        self.wire = wire
        key = dns.tsig.Key("x.", base64.b64encode(b"x" * 16).decode())
        self.msg = None
        self.tsig_error = 0
        self.tsig_other = b""
        self.edes = []
        # The header alone when dnspython cannot read the echoed sections
        # (a reply to a malformed request); no EDNS, so the low 4 bits.
        self.rcode = dns.rcode.to_text(wire[3] & 0xF)
        try:
            with mock.patch("dns.tsig.validate", lambda *a, **k: None):
                self.msg = dns.message.from_wire(wire,
                                                 keyring=lambda m, n: key)
        except dns.exception.DNSException:
            return
        self.rcode = dns.rcode.to_text(self.msg.rcode())
        if self.msg.tsig:
            rd = self.msg.tsig[0]
            self.tsig_error = rd.error
            self.tsig_other = rd.other
        self.edes = [o for o in self.msg.options
                     if isinstance(o, dns.edns.EDEOption)]

    @property
    def ede_text(self) -> str:
        return " | ".join(o.text or "" for o in self.edes)


def send_wire(srv, wire: bytes, timeout: float = 5.0) -> Raw:
    """Send raw bytes over UDP, return the reply unverified."""
    fam = socket.AF_INET6 if ":" in srv.address else socket.AF_INET
    with socket.socket(fam, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.connect((srv.address, srv.port))
        s.send(wire)
        while True:
            data = s.recv(65535)
            if len(data) >= 2 and data[:2] == wire[:2]:
                return Raw(data)


def signed_at(msg: dns.message.Message, when: int) -> bytes:
    """msg rendered with its TSIG Time Signed set to `when` (a skewed clock)."""
    with mock.patch("time.time", lambda: float(when)):
        return msg.to_wire()


def nsupdate(srv, commands: str, key: Optional[Key] = None,
             zone: str = ZONE, tcp: bool = False,
             timeout: float = 30) -> subprocess.CompletedProcess:
    """BIND's nsupdate with `server`/`zone` lines prepended and `send`
    appended; returncode 0 on NOERROR, 2 on an error rcode."""
    script = (f"server {srv.address} {srv.port}\nzone {zone}\n"
              + textwrap.dedent(commands).strip() + "\nsend\n")
    argv = [NSUPDATE, "-t", "5"]
    if tcp:
        argv.append("-v")
    if key is not None:
        argv += ["-y", key.spec]
    return subprocess.run(argv, input=script, text=True, capture_output=True,
                          timeout=timeout, check=False)


# ---- reading back -------------------------------------------------------------

def query(srv, name: str, rdtype: str, timeout: float = 3.0
          ) -> dns.message.Message:
    q = dns.message.make_query(name, rdtype)
    q.flags &= ~dns.flags.RD
    return dns.query.udp(q, srv.address, port=srv.port, timeout=timeout)


def rrset(srv, name: str, rdtype: str) -> Tuple[str, Optional[int], List[str]]:
    """(rcode, ttl or None, sorted rdata texts) of name/type as the server
    answers it; only the RRset owned by name of that very type counts
    (a CNAME answer to an A query gives an empty list)."""
    r = query(srv, name, rdtype)
    want = dns.name.from_text(name)
    t = dns.rdatatype.from_text(rdtype)
    for rs in r.answer:
        if rs.name == want and rs.rdtype == t:
            return (dns.rcode.to_text(r.rcode()), rs.ttl,
                    sorted(rd.to_text() for rd in rs))
    return dns.rcode.to_text(r.rcode()), None, []


def rdatas(srv, name: str, rdtype: str) -> List[str]:
    return rrset(srv, name, rdtype)[2]


def serial(srv, zone: str = ZONE) -> int:
    r = query(srv, zone, "SOA")
    return r.answer[0][0].serial


def exists(srv, name: str) -> bool:
    """The name owns data or is an empty non-terminal (not NXDOMAIN)."""
    return query(srv, name, "TXT").rcode() == dns.rcode.NOERROR


# ---- the log ------------------------------------------------------------------

def parse_line(line: str) -> Dict[str, str]:
    """A text log line as a dict: ts, level, category and every key=value."""
    toks = shlex.split(line, posix=True)
    if len(toks) < 3:
        return {}
    ev = {"ts": toks[0], "level": toks[1], "category": toks[2]}
    for t in toks[3:]:
        k, sep, v = t.partition("=")
        ev[k] = v if sep else "true"
    return ev


def events(dz: Dynzoned, name: str, **match) -> List[Dict[str, str]]:
    """Log events called name whose fields equal every match value."""
    out = []
    for line in dz.log_text().splitlines():
        if f"event={name}" not in line:
            continue
        try:
            ev = parse_line(line)
        except ValueError:
            continue
        if ev.get("event") == name and all(
                ev.get(k.replace("_", "-")) == str(v) for k, v in match.items()):
            out.append(ev)
    return out


def wait_event(dz: Dynzoned, name: str, timeout: float = 10, **match
               ) -> Dict[str, str]:
    from harness.wait import wait_until
    found = wait_until(lambda: events(dz, name, **match), timeout=timeout,
                       what=f"log event {name} {match}")
    return found[-1]
