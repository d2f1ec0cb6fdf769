# SPDX-License-Identifier: BSD-3-Clause
"""Update forwarding (RFC 2136 §6): a secondary with update-forwarding relays UPDATE to its primary and the answer back; without it, REFUSED."""
import dns.query
import dns.rcode
import dns.update

from harness.server import free_port
from harness.wait import wait_until

import xsetup
from xsetup import ZONE, a_of, serial_of


def send_update(srv, name, address):
    u = dns.update.UpdateMessage(ZONE)
    u.add(name, 300, "A", address)
    return dns.query.udp(u, srv.address, port=srv.port, timeout=5)


def test_secondary_forwards_update_to_primary(workdir, servers):
    a0, a1 = "127.0.0.130", "127.0.0.131"
    p0, p1 = free_port(a0), free_port(a1)
    p = xsetup.primary(workdir / "p", address=a0, port=p0,
                       notify=[(a1, p1)])
    servers.append(p)
    s = xsetup.secondary(workdir / "s", [(a0, p0)], address=a1, port=p1,
                         zone_opts="update-forwarding: true")
    servers.append(s)
    wait_until(lambda: serial_of(s) == 1, timeout=20, what="AXFR")
    r = send_update(s, "fwd.example.test.", "192.0.2.55")
    assert r.rcode() == dns.rcode.NOERROR
    assert serial_of(p) == 2
    wait_until(lambda: serial_of(s) == 2, timeout=20, what="NOTIFY + IXFR")
    assert a_of(s, "fwd.example.test.") == ["192.0.2.55"]
    s.wait_log("event=update-forwarded primary=p0 rcode=noerror")


def test_forwarded_update_refused_by_primary_is_relayed(workdir, servers):
    p = xsetup.primary(workdir / "p", transfer=True)
    servers.append(p)
    s = xsetup.secondary(workdir / "s", [(p.address, p.port)],
                         zone_opts="update-forwarding: true")
    servers.append(s)
    wait_until(lambda: serial_of(s) == 1, timeout=20, what="AXFR")
    u = dns.update.UpdateMessage("other.test.")  # not served by p
    u.add("x.other.test.", 300, "A", "192.0.2.1")
    r = dns.query.udp(u, s.address, port=s.port, timeout=5)
    assert r.rcode() == dns.rcode.NOTAUTH  # s does not serve it either
    r = send_update(s, "fwd.example.test.", "192.0.2.55")
    assert r.rcode() == dns.rcode.NOERROR


def test_forward_to_unreachable_primary_answers_servfail(workdir, servers):
    nowhere = "127.0.0.133"
    s = xsetup.secondary(workdir / "s", [(nowhere, free_port(nowhere))],
                         zone_file=xsetup.zone_text(1),
                         zone_opts="update-forwarding: true")
    servers.append(s)
    r = send_update(s, "fwd.example.test.", "192.0.2.55")
    assert r.rcode() == dns.rcode.SERVFAIL
    s.wait_log("event=update-forward-failed")
    assert "reason=connection-refused" in s.log_text()


def test_without_forwarding_secondary_refuses_update(workdir, servers):
    p = xsetup.primary(workdir / "p")
    servers.append(p)
    s = xsetup.secondary(workdir / "s", [(p.address, p.port)])
    servers.append(s)
    wait_until(lambda: serial_of(s) == 1, timeout=20, what="AXFR")
    r = send_update(s, "fwd.example.test.", "192.0.2.55")
    assert r.rcode() == dns.rcode.REFUSED
    assert "reason=not-primary" in s.log_text()
