# SPDX-License-Identifier: BSD-3-Clause
"""BIND and Knot primaries -> dynzoned secondary: an update at the primary reaches the secondary by NOTIFY and IXFR."""
import dns.query
import dns.rcode
import dns.tsigkeyring
import dns.update
import pytest

from harness.server import free_port
from harness.wait import wait_until

import xsetup
from xpeers import KEY, BindPrimary, KnotPrimary
from xsetup import ZONE, a_of, serial_of, zone_text


def signed_add(peer, name: str, address: str) -> None:
    ring = dns.tsigkeyring.from_text({KEY[0]: (KEY[1], KEY[2])})
    u = dns.update.UpdateMessage(ZONE, keyring=ring, keyalgorithm=KEY[1])
    u.add(name, 300, "A", address)
    r = dns.query.tcp(u, peer.address, port=peer.port, timeout=5)
    assert r.rcode() == dns.rcode.NOERROR, dns.rcode.to_text(r.rcode())


def primary_then_secondary(workdir, servers, cls, address):
    if cls.available() is None:
        pytest.skip(f"{cls.program} is not installed")
    sec_addr, sec_port = "127.0.0.131", free_port("127.0.0.131")
    zone = workdir / "example.test.zone"
    zone.write_text(zone_text(10))
    peer = cls(workdir / cls.program, address, [(sec_addr, sec_port)])
    peer.start({ZONE: zone})
    servers.append(peer)
    s = xsetup.secondary(workdir / "s", [(address, peer.port)],
                         port=sec_port)
    servers.append(s)
    wait_until(lambda: serial_of(s) == 10, timeout=30, what="AXFR")
    signed_add(peer, "new.example.test.", "192.0.2.77")
    wait_until(lambda: serial_of(s) == 11, timeout=30,
               what="NOTIFY + IXFR from " + cls.program)
    assert a_of(s, "new.example.test.") == ["192.0.2.77"]
    # xfr-in-done is logged just after the version is published.
    log = s.wait_log("serial=10->11")
    assert "event=notify-received" in log
    done = [l for l in log.splitlines() if "event=xfr-in-done" in l]
    assert "type=ixfr" in done[-1] and "serial=10->11" in done[-1]


def test_bind_primary_to_dynzoned_secondary_ixfr(workdir, servers):
    primary_then_secondary(workdir, servers, BindPrimary, "127.0.0.135")


def test_knot_primary_to_dynzoned_secondary_ixfr(workdir, servers):
    primary_then_secondary(workdir, servers, KnotPrimary, "127.0.0.136")
