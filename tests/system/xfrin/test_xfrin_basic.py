# SPDX-License-Identifier: BSD-3-Clause
"""dynzoned primary -> dynzoned secondary: initial AXFR, IXFR after updates, restart without a transfer, a chain of two hops."""
import json

from harness.server import free_port
from harness.wait import wait_until

import xsetup
from xsetup import ZONE, a_of, serial_of, update_add


def test_secondary_axfr_then_ixfr_after_refresh(workdir, servers):
    p = xsetup.primary(workdir / "p")
    servers.append(p)
    s = xsetup.secondary(workdir / "s", [(p.address, p.port)],
                         start=False)
    servers.append(s)
    s.start(wait_zone=ZONE)
    wait_until(lambda: serial_of(s) == 1, timeout=20, what="initial AXFR")
    s.wait_log("xfr-in-done")
    assert "type=axfr" in s.log_text()
    update_add(p, "new.example.test.", "192.0.2.7")
    wait_until(lambda: serial_of(p) == 2, what="primary serial 2")
    # The NOTIFY from the primary would do; `ctl refresh` makes it certain.
    s.ctl("refresh", ZONE)
    wait_until(lambda: serial_of(s) == 2, timeout=20, what="IXFR")
    assert a_of(s, "new.example.test.") == ["192.0.2.7"]
    s.wait_log("type=ixfr")
    assert "xfr-in-started" in s.log_text()
    wait_until(lambda: "last-result=transferred" in
               s.ctl("status", ZONE).stdout, what="status")
    status = s.ctl("status", ZONE).stdout
    assert "primaries=p0" in status and "last-result=transferred" in status
    js = json.loads(s.ctl("status", ZONE, json=True).stdout)
    zone = js["zones"][0] if "zones" in js else js["data"]["zones"][0]
    assert zone["primaries"] == "p0" and zone["expired"] is False


def test_secondary_restart_keeps_zone_without_transfer(workdir, servers):
    p = xsetup.primary(workdir / "p")
    servers.append(p)
    s = xsetup.secondary(workdir / "s", [(p.address, p.port)])
    servers.append(s)
    wait_until(lambda: serial_of(s) == 1, timeout=20, what="initial AXFR")
    update_add(p, "new.example.test.", "192.0.2.7")
    s.ctl("refresh", ZONE)
    wait_until(lambda: serial_of(s) == 2, timeout=20, what="IXFR")
    s.stop()
    assert (s.data / "example.test.zone.timers").exists()
    before = s.log_text().count("xfr-in-started")
    p.stop()  # nothing to transfer from: the zone must come from disk
    s.start(wait_zone=ZONE)
    wait_until(lambda: serial_of(s) == 2, timeout=10, what="serial 2 on disk")
    assert a_of(s, "new.example.test.") == ["192.0.2.7"]
    assert s.log_text().count("xfr-in-started") == before


def test_chain_of_two_hops_converges(workdir, servers):
    """.130 -> .131 -> .132, each hop told by NOTIFY (no ctl refresh)."""
    a0, a1, a2 = "127.0.0.130", "127.0.0.131", "127.0.0.132"
    p0, p1, p2 = free_port(a0), free_port(a1), free_port(a2)
    p = xsetup.primary(workdir / "p", address=a0, port=p0,
                       notify=[(a1, p1)], start=False)
    s1 = xsetup.secondary(workdir / "s1", [(a0, p0)], address=a1, port=p1,
                          notify=[(a2, p2)], start=False)
    s2 = xsetup.secondary(workdir / "s2", [(a1, p1)], address=a2, port=p2,
                          start=False)
    for srv in (p, s1, s2):
        srv.start(wait_zone=ZONE)
        servers.append(srv)
    wait_until(lambda: serial_of(s2) == 1, timeout=30, what="chain AXFR")
    update_add(p, "chain.example.test.", "192.0.2.9")
    wait_until(lambda: serial_of(s2) == 2, timeout=20, what="both hops")
    assert a_of(s2, "chain.example.test.") == ["192.0.2.9"]
    s2.wait_log("type=ixfr")
    assert "why=notify" in s1.log_text()


def test_tsig_signed_multi_message_transfers(workdir, servers):
    """A keyed primary with a zone of several 64 KiB messages: AXFR, then
    IXFR, every message verified as a TSIG stream."""
    p = xsetup.primary(workdir / "p", key=xsetup.XFR_KEY, records=12000)
    servers.append(p)
    s = xsetup.secondary(workdir / "s", [(p.address, p.port)],
                         key=xsetup.XFR_KEY, start=False)
    servers.append(s)
    s.start(wait_zone=ZONE)
    wait_until(lambda: serial_of(s) == 1, timeout=30, what="signed AXFR")
    log = s.wait_log("event=xfr-in-done")
    done = [l for l in log.splitlines() if "xfr-in-done" in l]
    assert "records=12005" in done[0]  # 12004 + the closing SOA
    assert int(done[0].split("messages=")[1].split()[0]) > 1
    assert a_of(s, "h11999.example.test.") == ["198.51.47.250"]
    update_add(p, "new.example.test.", "192.0.2.7")
    s.ctl("refresh", ZONE)
    wait_until(lambda: serial_of(s) == 2, timeout=20, what="signed IXFR")
    p.wait_log("key=xfrkey")


def test_wrong_key_is_refused_by_primary(workdir, servers):
    p = xsetup.primary(workdir / "p", key=xsetup.XFR_KEY)
    servers.append(p)
    other = ("xfrkey", "hmac-sha256",
             "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC1vdGhlcjE=")
    s = xsetup.secondary(workdir / "s", [(p.address, p.port)], key=other,
                         start=False)
    servers.append(s)
    s.start(wait_zone=ZONE)
    s.wait_log("event=refresh-soa-failed")
    assert "reason=tsig-badsig" in s.log_text()


def test_secondary_zone_added_by_reload_transfers(workdir, servers):
    p = xsetup.primary(workdir / "p")
    servers.append(p)
    s = xsetup.secondary(workdir / "s", [(p.address, p.port)], start=False)
    full = s.conf.read_text()
    s.write_config({}, server_extra=f"resolver: [{xsetup.RESOLVER}]")
    s.start()
    servers.append(s)
    s.conf.write_text(full)
    s.ctl("reload")
    wait_until(lambda: serial_of(s) == 1, timeout=20, what="AXFR on reload")
    assert "why=startup" in s.log_text()
