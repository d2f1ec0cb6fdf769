# SPDX-License-Identifier: BSD-3-Clause
"""Failure rows of the secondary: primary unreachable, bogus SOA, primary behind, transfer refused, IXFR fallbacks, write failure, expire and recovery."""
import dns.rcode

from harness.server import free_port
from harness.wait import wait_until

import xsetup
from scripted import Scripted
from xsetup import ZONE, a_of, serial_of, update_add, zone_text

NOWHERE = "127.0.0.133"  # nothing listens there


def test_unreachable_primary_logs_soa_timeout(workdir, servers):
    s = xsetup.secondary(workdir / "s", [(NOWHERE, free_port(NOWHERE))],
                         zone_file=zone_text(1))
    servers.append(s)
    s.wait_log("event=refresh-soa-failed", timeout=30)
    line = [l for l in s.log_text().splitlines()
            if "refresh-soa-failed" in l][0]
    assert "reason=timeout" in line and "primary=p0" in line
    assert serial_of(s) == 1  # the copy on disk keeps serving


def test_soa_without_aa_is_bogus(workdir, servers):
    port = free_port("127.0.0.134")
    fake = Scripted("127.0.0.134", port, serial=5, mode="noaa")
    servers.append(fake)
    s = xsetup.secondary(workdir / "s", [("127.0.0.134", port)],
                         zone_file=zone_text(1))
    servers.append(s)
    s.wait_log("event=refresh-soa-bogus")
    assert "reason=not-authoritative" in s.log_text()
    assert serial_of(s) == 1


def test_soa_of_another_zone_is_bogus(workdir, servers):
    port = free_port("127.0.0.134")
    fake = Scripted("127.0.0.134", port, serial=5, mode="wrongzone")
    servers.append(fake)
    s = xsetup.secondary(workdir / "s", [("127.0.0.134", port)],
                         zone_file=zone_text(1))
    servers.append(s)
    s.wait_log("event=refresh-soa-bogus")
    assert "reason=wrong-zone" in s.log_text()


def test_primary_behind_then_retransfer_takes_its_version(workdir, servers):
    p = xsetup.primary(workdir / "p", serial=5)
    servers.append(p)
    s = xsetup.secondary(workdir / "s", [(p.address, p.port)])
    servers.append(s)
    wait_until(lambda: serial_of(s) == 5, timeout=20, what="serial 5")
    p.stop()
    servers.remove(p)
    # The primary restored from an older backup: serial 3.
    p2 = xsetup.primary(workdir / "p2", serial=3, port=p.port)
    servers.append(p2)
    s.ctl("refresh", ZONE)
    s.wait_log("event=refresh-primary-behind")
    assert "primary-serial=3 our-serial=5" in s.log_text()
    assert serial_of(s) == 5
    s.ctl("retransfer", ZONE)
    wait_until(lambda: serial_of(s) == 3, timeout=20, what="serial 3")
    assert "xfr-in-started type=axfr" in s.log_text().replace(
        "event=", "")


def test_transfer_refused(workdir, servers):
    p = xsetup.primary(workdir / "p", transfer=False)
    servers.append(p)
    s = xsetup.secondary(workdir / "s", [(p.address, p.port)], start=False)
    servers.append(s)
    s.start(wait_zone=ZONE)
    s.wait_log("event=xfr-in-refused")
    assert "rcode=refused" in s.log_text()
    assert s.query(ZONE, "SOA").rcode() == dns.rcode.SERVFAIL


def _fallback(workdir, servers, mode):
    port = free_port("127.0.0.134")
    fake = Scripted("127.0.0.134", port, serial=1, mode=mode)
    servers.append(fake)
    s = xsetup.secondary(workdir / "s", [("127.0.0.134", port)])
    servers.append(s)
    wait_until(lambda: serial_of(s) == 1, timeout=20, what="AXFR")
    fake.serial = 2
    s.ctl("refresh", ZONE)
    wait_until(lambda: serial_of(s) == 2, timeout=20, what="fallback")
    assert a_of(s, "s2.example.test.") == ["192.0.2.2"]
    assert ("tcp", "IXFR") in fake.queries
    # xfr-in-done is logged just after the version is published.
    return s.wait_log("event=xfr-in-done", count=2)


def test_ixfr_notimp_falls_back_to_axfr(workdir, servers):
    log = _fallback(workdir, servers, "ixfr-notimp")
    assert "event=xfr-in-fallback" in log
    assert "reason=rcode-notimp" in log


def test_inconsistent_ixfr_falls_back_to_axfr(workdir, servers):
    log = _fallback(workdir, servers, "ixfr-bad")
    assert "reason=inconsistent-history" in log


def test_axfr_style_answer_to_ixfr_is_not_a_fallback(workdir, servers):
    log = _fallback(workdir, servers, "ok")
    assert "type=axfr-style" in log
    assert "xfr-in-fallback" not in log


def test_unwritable_journal_keeps_old_version(workdir, servers):
    p = xsetup.primary(workdir / "p")
    servers.append(p)
    s = xsetup.secondary(workdir / "s", [(p.address, p.port)],
                         zone_file=zone_text(1), start=False,
                         zone_opts="retry-max: 1s")
    # A directory where the journal must go: no write succeeds, even
    # for root (the tests may run as root, where chmod would not do).
    jnl = s.data / "example.test.zone.jnl"
    jnl.mkdir()
    s.start(wait_zone=ZONE)
    servers.append(s)
    update_add(p, "new.example.test.", "192.0.2.7")
    s.ctl("refresh", ZONE)
    s.wait_log("event=xfr-in-write-failed")
    assert "example.test.zone.jnl" in s.log_text()
    assert serial_of(s) == 1  # the old version keeps serving
    jnl.rmdir()
    wait_until(lambda: serial_of(s) == 2, timeout=20, what="retry")


def test_expire_answers_servfail_then_recovers(workdir, servers):
    port = free_port("127.0.0.134")
    fake = Scripted("127.0.0.134", port, serial=1, expire=2)
    s = xsetup.secondary(workdir / "s", [("127.0.0.134", port)],
                         zone_opts="""\
                             expire-min: 2s
                             refresh-max: 1s
                             retry-max: 1s""")
    servers.append(s)
    wait_until(lambda: serial_of(s) == 1, timeout=20, what="AXFR")
    fake.stop()
    s.wait_log("event=zone-expired", timeout=30)
    assert s.query(ZONE, "SOA").rcode() == dns.rcode.SERVFAIL
    assert "expired=yes" in s.ctl("status", ZONE).stdout
    fake2 = Scripted("127.0.0.134", port, serial=1, expire=2)
    servers.append(fake2)
    s.wait_log("event=zone-recovered", timeout=30)
    assert serial_of(s) == 1


def test_truncated_soa_answer_is_retried_over_tcp(workdir, servers):
    log = _fallback(workdir, servers, "tc")
    assert "refresh-soa" not in log
    assert ("udp", "SOA") in servers[0].queries
    assert ("tcp", "SOA") in servers[0].queries
