# SPDX-License-Identifier: BSD-3-Clause
"""Real secondaries of a dynzoned primary: BIND (named) and Knot (knotd)
take the zone by AXFR, then, after a signed update and a NOTIFY sent from
the primary's address, by IXFR - their own logs say so - and serve the new
record. Transfers are TSIG-signed."""
from pathlib import Path
from typing import Dict, List

import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from harness.peers import Bind, Knot
from harness.server import stop_all
from harness.wait import wait_until
from xclient import (BIND_ADDR, KEY, KNOT_ADDR, PRIMARY, ZONE, acl_yaml,
                     events, new_update, send, serial, wait_event)

ACL = acl_yaml("sec", keys=[KEY.name], actions=["update", "transfer"])


class BindSecondary(Bind):
    """named as a secondary of `primary` (a Dynzoned), TSIG with KEY."""

    def __init__(self, workdir: Path, address: str, primary):
        super().__init__(workdir, address,
                         keys=[(KEY.name.rstrip("."), KEY.alg, KEY.secret)])
        self.primary = primary

    def write_config(self, zones: Dict[str, Path]) -> Path:
        conf = super().write_config({})
        p = self.primary
        lines = [f'zone "{z}" {{ type secondary; file "{self.dir}/{z}bk"; '
                 f'primaries {{ {p.address} port {p.port} key '
                 f'"{KEY.name.rstrip(".")}"; }}; '
                 f'transfer-source {self.address}; }};' for z in zones]
        conf.write_text(conf.read_text() + "\n".join(lines) + "\n")
        return conf

    def argv(self) -> List[str]:
        # BIND 9.18 names the transfer type only at debug level 3:
        # "requesting IXFR for serial N", "got incremental response".
        return super().argv() + ["-d", "3"]


class KnotSecondary(Knot):
    """knotd as a secondary of `primary`, TSIG with KEY, NOTIFY accepted
    from the primary's address; changes kept in its journal."""

    def __init__(self, workdir: Path, address: str, primary):
        super().__init__(workdir, address,
                         keys=[(KEY.name, KEY.alg, KEY.secret)])
        self.primary = primary

    def write_config(self, zones: Dict[str, Path]) -> Path:
        conf = super().write_config({})
        p = self.primary
        text = conf.read_text().replace("journal-content: none",
                                        "journal-content: changes")
        text = text.replace("template:", "\n".join([
            "remote:",
            "  - id: primary",
            f"    address: {p.address}@{p.port}",
            f"    key: {KEY.name}",
            f"    via: {self.address}",
            "acl:",
            "  - id: notify-from-primary",
            f"    address: {p.address}",
            f"    key: {KEY.name}",
            "    action: notify",
            "template:"]), 1)
        text = text.rstrip("\n")
        assert text.endswith("zone:")
        for z in zones:
            text += "\n".join([
                "", f'  - domain: "{z}"',
                f'    file: "{self.dir}/{z}zone"',
                "    master: primary",
                "    acl: notify-from-primary"])
        conf.write_text(text + "\n")
        return conf


def notify(peer, new_serial: int, key=None) -> dns.message.Message:
    """A NOTIFY (RFC 1996) for ZONE from the primary's address."""
    q = dns.message.make_query(ZONE, "SOA")
    q.flags = dns.flags.AA  # the opcode lives in the flags: set it after
    q.set_opcode(dns.opcode.NOTIFY)

    q.answer.append(dns.rrset.from_text(
        ZONE, 3600, "IN", "SOA",
        f"ns1.{ZONE} hostmaster.{ZONE} {new_serial} 3600 900 604800 300"))
    if key is not None:
        q.use_tsig(key.tsig)
    return dns.query.udp(q, peer.address, port=peer.port, source=PRIMARY,
                         timeout=5)


def peer_rdatas(peer, name: str, rdtype: str) -> List[str]:
    r = peer.query(name, rdtype)
    return sorted(rd.to_text() for rs in r.answer for rd in rs
                  if rs.rdtype == dns.rdatatype.from_text(rdtype))


def peer_serial(peer) -> int:
    r = peer.query(ZONE, "SOA")
    return r.answer[0][0].serial if r.answer else -1


def update_and_notify(dz, peer, owner: str, key=None):
    m = new_update(KEY)
    m.add(owner, 300, "A", "192.0.2.77")
    assert send(dz, m).rcode() == dns.rcode.NOERROR
    new = serial(dz)
    r = notify(peer, new, key)
    assert r.rcode() == dns.rcode.NOERROR
    wait_until(lambda: peer_serial(peer) == new, timeout=30,
               what=f"{peer.label} to serve serial {new}")
    assert peer_rdatas(peer, owner, "A") == ["192.0.2.77"]
    return new


@pytest.fixture
def secondary(workdir, request):
    made = []

    def make(cls, address, dz):
        if cls.available() is None:
            pytest.skip(f"{cls.program} not installed")
        p = cls(workdir / cls.label, address, dz)
        made.append(p)
        p.start({ZONE: Path("unused")}, timeout=60)
        return p
    yield make
    stop_all(made, request)


def test_bind_secondary_takes_axfr_then_ixfr(primary, secondary):
    dz = primary(acls=ACL, zone_extra="zonefile-sync: -1\n")
    named = secondary(BindSecondary, BIND_ADDR, dz)
    assert peer_serial(named) == 100
    ev = wait_event(dz, "xfr-out-done", type="AXFR")
    assert ev["peer"].startswith(BIND_ADDR + "#") and ev["key"] == KEY.name
    update_and_notify(dz, named, f"new.{ZONE}")
    # BIND 9.18: "transfer of 'example.test/IN' from ADDR#PORT: requesting
    # IXFR for serial 100", then "got incremental response" (an AXFR-style
    # answer is "got nonincremental response").
    log = wait_until(lambda: ixfr_line(named.log_text()), timeout=20,
                     what="named to log an incremental transfer")
    assert "requesting IXFR for serial 100" in log
    ev = wait_event(dz, "xfr-out-done", type="IXFR")
    assert ev["serial"] == "100->101" and ev["peer"].startswith(BIND_ADDR)
    # A second change: IXFR again from BIND's new serial.
    update_and_notify(dz, named, f"newer.{ZONE}")
    wait_event(dz, "xfr-out-done", type="IXFR", serial="101->102")
    assert not events(dz, "xfr-out-done", type="IXFR-AXFR-style")


def ixfr_line(text: str) -> str:
    """BIND's lines about the IXFR, once it got the incremental answer."""
    lines = [l for l in text.splitlines() if "transfer of 'example.test/IN'"
             in l and ("IXFR" in l or "incremental response" in l)]
    done = any("got incremental response" in l for l in lines)
    return "\n".join(lines) if done else ""


def test_knot_secondary_takes_axfr_then_ixfr(primary, secondary):
    dz = primary(acls=ACL, zone_extra="zonefile-sync: -1\n")
    knot = secondary(KnotSecondary, KNOT_ADDR, dz)
    assert peer_serial(knot) == 100
    ev = wait_event(dz, "xfr-out-done", type="AXFR")
    assert ev["peer"].startswith(KNOT_ADDR + "#") and ev["key"] == KEY.name
    update_and_notify(dz, knot, f"new.{ZONE}", key=KEY)
    # knotd 3.2: "[example.test.] IXFR, incoming, remote ADDR@PORT TSIG
    # key, finished, ..."
    log = wait_until(lambda: "\n".join(
        l for l in knot.log_text().splitlines()
        if "IXFR, incoming" in l and "finished" in l), timeout=20,
        what="knotd to log a finished incoming IXFR")
    assert "example.test." in log
    ev = wait_event(dz, "xfr-out-done", type="IXFR")
    assert ev["serial"] == "100->101" and ev["peer"].startswith(KNOT_ADDR)
