# SPDX-License-Identifier: BSD-3-Clause
"""NOTIFY out and in (issue 5 §1-§2, matrix rows 3.1-3.4, 3.x, 4.1, 4.2): dynzoned on 127.0.0.120, scripted receivers beside it."""
import fcntl
import time

import dns.flags
import dns.query
import dns.rcode
import dns.tsigkeyring
import dns.update
import pytest

from harness.peers import Bind
from harness.server import Dynzoned
from harness.wait import wait_until
from notify_peers import NotifyReceiver, StubResolver, notify_message, send_from

PRIMARY = "127.0.0.120"
NS1, NS2 = "127.0.0.121", "127.0.0.122"
RESOLVER = "127.0.0.123"
REMOTE = "127.0.0.124"
BIND_ADDR = "127.0.0.125"
SILENT = "127.0.0.126"
VIA = "127.0.0.127"
STRANGER = "127.0.0.9"
SECRET = "bm90aWZ5LXNlY3JldC1rZXktMTIzNDU2Nzg5MA=="
KEYRING = dns.tsigkeyring.from_text({"nk.": ("hmac-sha256", SECRET)})

ZONE = """\
$ORIGIN n.test.
$TTL 300
@      IN SOA ns0 hostmaster 1 3600 900 604800 300
       IN NS  ns1
       IN NS  ns2
{extra_ns}
ns0    IN A   127.0.0.120
ns1    IN A   127.0.0.121
ns2    IN A   127.0.0.122
www    IN A   192.0.2.1
"""


@pytest.fixture(autouse=True)
def exclusive():
    """These tests need fixed addresses on port 53 (NS hosts are notified
    there): two runs of the suite at once (several sessions share this
    machine) take turns instead of stealing each other's sockets."""
    with open("/tmp/dynzone-notify-tests.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
        fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def peers():
    """Everything started by a test, stopped at its end by PID/handle."""
    started = []
    yield started
    for p in reversed(started):
        p.stop()


def start_primary(workdir, peers, extra_ns="", zone_extra="", config="",
                  resolver_table=None, schedule=None, monkeypatch=None):
    """dynzoned on 127.0.0.120@53 (so NS addresses on port 53 can name it)
    serving n.test. as primary, updates from loopback."""
    resolver = StubResolver(RESOLVER, resolver_table or {})
    peers.append(resolver)
    if schedule is not None:
        monkeypatch.setenv("DYNZONE_NOTIFY_SCHEDULE", schedule)
    srv = Dynzoned(workdir, address=PRIMARY, port=53)
    srv.write_zone("n.test.zone", ZONE.format(extra_ns=extra_ns))
    srv.write_config(
        {"n.test.": "n.test.zone"},
        server_extra=f"identity: [self.example.]\n"
                     f"resolver: [{RESOLVER}@{resolver.port}]",
        extra="acl:\n  - id: up\n    address: [127.0.0.0/8]\n"
              "    action: [update]\n" + config)
    text = srv.conf.read_text().replace(
        "    role: primary\n",
        "    role: primary\n    acl: [up]\n" + zone_extra, 1)
    srv.conf.write_text(text)
    srv.start(wait_zone="n.test.")
    peers.append(srv)
    return srv


def update(srv, name="new", addr="192.0.2.7"):
    upd = dns.update.Update("n.test.")
    upd.replace(name, 300, "A", addr)
    r = dns.query.udp(upd, srv.address, port=srv.port, timeout=5)
    assert r.rcode() == dns.rcode.NOERROR
    return soa_serial(srv)


def soa_serial(srv):
    return srv.query("n.test.", "SOA").answer[0][0].serial


def wait_serial(recv, serial, timeout=5.0):
    return wait_until(
        lambda: [n for n in recv.notifies("n.test.") if n.serial == serial],
        timeout=timeout, what=f"NOTIFY serial {serial} at {recv.address}")


def receivers(peers, *addrs, **kw):
    out = [NotifyReceiver(a, **kw) for a in addrs]
    peers.extend(out)
    return out


# ===== NOTIFY out ============================================================

def test_update_notifies_every_ns_host_within_100ms(workdir, peers):
    r1, r2 = receivers(peers, NS1, NS2)
    srv = start_primary(workdir, peers)
    wait_serial(r1, 1)  # notify on load
    wait_serial(r2, 1)
    t0 = time.monotonic()
    serial = update(srv)
    got = [wait_serial(r, serial)[0] for r in (r1, r2)]
    for n in got:
        assert n.when - t0 < 0.1, f"NOTIFY took {n.when - t0:.3f}s"
        assert n.msg.flags & dns.flags.AA
        assert n.peer[0] == PRIMARY or n.peer[0].startswith("127.")
    srv.wait_log(f"notify-sent", count=4)
    log = srv.wait_log("rcode=NOERROR", count=4)
    assert f"target={NS1}#53 name=ns1.n.test. serial={serial} try=1" in log
    assert "notify-answered" in log and " ms=" in log


def test_ns_naming_itself_is_skipped_by_identity_and_address(workdir, peers):
    r1, _ = receivers(peers, NS1, NS2)
    srv = start_primary(workdir, peers,
                        extra_ns="       IN NS  ns0\n       IN NS  self.example.")
    serial = update(srv)
    wait_serial(r1, serial)
    log = srv.wait_log("notify-skipped-self", count=2)
    assert "target=self.example. address=- match=identity" in log
    assert f"target=ns0.n.test. address={PRIMARY}#53 match=address" in log
    # Once per zone and name, not once per change.
    update(srv, "again")
    wait_serial(r1, serial + 1)
    assert srv.log_text().count("notify-skipped-self") == 2
    assert f"target={PRIMARY}#53" not in srv.log_text()


def test_unresolvable_ns_host_is_reported(workdir, peers):
    r1, _ = receivers(peers, NS1, NS2)
    srv = start_primary(workdir, peers,
                        extra_ns="       IN NS  gone.elsewhere.test.")
    serial = update(srv)
    wait_serial(r1, serial)
    log = srv.wait_log("notify-target-unresolvable")
    assert "target=gone.elsewhere.test. reason=nxdomain" in log


def test_out_of_zone_ns_host_is_resolved_and_notified(workdir, peers):
    r1, _, r3 = receivers(peers, NS1, NS2, REMOTE)
    srv = start_primary(workdir, peers,
                        extra_ns="       IN NS  ns3.elsewhere.test.",
                        resolver_table={"ns3.elsewhere.test.": [REMOTE]})
    serial = update(srv)
    wait_serial(r3, serial)
    assert f"target={REMOTE}#53 name=ns3.elsewhere.test." in srv.log_text()


def test_remote_with_via_and_tsig(workdir, peers):
    r1, _ = receivers(peers, NS1, NS2)
    (r3,) = receivers(peers, REMOTE, port=0, keyring=KEYRING)
    config = (f"key:\n  - id: nk.\n    algorithm: hmac-sha256\n"
              f"    secret: {SECRET}\n"
              f"remote:\n  - id: extra\n    address: [{REMOTE}@{r3.port}]\n"
              f"    key: nk.\n    via: {VIA}\n")
    srv = start_primary(workdir, peers, zone_extra="    notify: [extra]\n",
                        config=config)
    serial = update(srv)
    n = wait_serial(r3, serial)[-1]
    assert n.signed and n.peer[0] == VIA
    wait_serial(r1, serial)
    log = srv.wait_log(f"target={REMOTE}#{r3.port} name=extra serial={serial} rcode=NOERROR")
    assert "notify-answered" in log


def test_notify_ns_false_sends_only_to_remotes(workdir, peers):
    r1, r2 = receivers(peers, NS1, NS2)
    (r3,) = receivers(peers, REMOTE, port=0)
    config = f"remote:\n  - id: extra\n    address: [{REMOTE}@{r3.port}]\n"
    srv = start_primary(workdir, peers, config=config,
                        zone_extra="    notify: [extra]\n    notify-ns: false\n")
    serial = update(srv)
    wait_serial(r3, serial)
    assert r1.notifies() == [] and r2.notifies() == []


def test_notify_disabled_with_secondaries_warns_at_load(workdir, peers):
    r1, r2 = receivers(peers, NS1, NS2)
    srv = start_primary(workdir, peers, zone_extra="    notify-ns: false\n")
    log = srv.wait_log("notify-disabled")
    assert "ns-hosts=2" in log and " warning " in log
    update(srv)
    assert r1.notifies() == [] and r2.notifies() == []


def test_silent_target_is_retried_then_times_out(workdir, peers, monkeypatch):
    receivers(peers, NS1, NS2)
    config = f"remote:\n  - id: dead\n    address: [{SILENT}@53]\n"
    srv = start_primary(workdir, peers, config=config,
                        zone_extra="    notify: [dead]\n",
                        schedule="100,100,100", monkeypatch=monkeypatch)
    log = srv.wait_log("notify-timeout", timeout=10)
    assert f"target={SILENT}#53 name=dead serial=1 tries=3" in log
    assert f"target={SILENT}#53 name=dead serial=1 try=3" in log


def test_unusable_source_address_is_reported(workdir, peers):
    receivers(peers, NS1, NS2)
    config = (f"remote:\n  - id: badvia\n    address: [{REMOTE}@53]\n"
              "    via: 192.0.2.55\n")
    srv = start_primary(workdir, peers, config=config,
                        zone_extra="    notify: [badvia]\n")
    log = srv.wait_log("notify-send-failed")
    assert f"target={REMOTE}#53 name=badvia try=0" in log


def test_burst_of_updates_is_coalesced(workdir, peers):
    r1, _ = receivers(peers, NS1, NS2)
    srv = start_primary(workdir, peers)
    wait_serial(r1, 1)
    for i in range(10):
        upd = dns.update.Update("n.test.")
        upd.replace(f"h{i}", 300, "A", f"192.0.2.{i + 10}")
        assert dns.query.udp(upd, PRIMARY, port=53, timeout=5).rcode() == 0
    last = soa_serial(srv)
    assert last == 11
    t0 = time.monotonic()
    wait_serial(r1, last, timeout=2)
    assert time.monotonic() - t0 < 1.0
    assert len(r1.notifies()) <= 11


def test_ctl_notify_sends_now(workdir, peers):
    r1, _ = receivers(peers, NS1, NS2)
    srv = start_primary(workdir, peers)
    wait_serial(r1, 1)
    before = len(r1.notifies())
    out = srv.ctl("notify", "n.test.")
    assert out.returncode == 0, out.stderr
    assert "serial=1" in out.stdout
    wait_until(lambda: len(r1.notifies()) > before, timeout=5,
               what="NOTIFY after ctl notify")
    status = srv.ctl("status", "n.test.")
    assert f"notify-target={NS1}#53" in status.stdout


# ===== NOTIFY in =============================================================

SECONDARY_CONF = """\
remote:
  - id: p1
    address: [127.0.0.125@{port}]
zone:
  - domain: n.test.
    file: n.test.zone
    role: primary
  - domain: s.test.
    role: secondary
    primaries: [p1]
"""


def start_secondary(workdir, peers, primary_port=53):
    """dynzoned on 127.0.0.120@53: n.test. primary, s.test. secondary of
    p1 (127.0.0.125)."""
    resolver = StubResolver(RESOLVER, {})
    peers.append(resolver)
    srv = Dynzoned(workdir, address=PRIMARY, port=53)
    srv.write_zone("n.test.zone", ZONE.format(extra_ns=""))
    srv.write_config({}, server_extra=f"resolver: [{RESOLVER}@{resolver.port}]",
                     extra=SECONDARY_CONF.format(port=primary_port))
    srv.start(wait_zone="n.test.")
    peers.append(srv)
    return srv


def test_notify_for_zone_not_secondary_is_notauth(workdir, peers):
    srv = start_secondary(workdir, peers)
    for zone in ("n.test.", "unknown.test."):
        r = send_from(notify_message(zone, 5), BIND_ADDR, PRIMARY, 53)
        assert r.rcode() == dns.rcode.NOTAUTH
        assert r.flags & dns.flags.AA and r.flags & dns.flags.QR
        assert r.question[0].name.to_text() == zone
    log = srv.wait_log("notify-unknown-zone", count=2)
    assert "n.test. " in log and "unknown.test." in log


def test_notify_from_non_primary_is_refused(workdir, peers):
    srv = start_secondary(workdir, peers)
    r = send_from(notify_message("s.test.", 5), STRANGER, PRIMARY, 53)
    assert r.rcode() == dns.rcode.REFUSED
    log = srv.wait_log("notify-not-from-primary")
    assert f"from={STRANGER}#" in log
    assert "primaries=p1=127.0.0.125#53" in log


def test_notify_from_primary_is_accepted(workdir, peers):
    srv = start_secondary(workdir, peers)
    r = send_from(notify_message("s.test.", 7), BIND_ADDR, PRIMARY, 53)
    assert r.rcode() == dns.rcode.NOERROR
    assert r.flags & dns.flags.AA
    log = srv.wait_log("notify-received")
    assert "serial=7" in log


def test_notify_without_the_primarys_key_is_refused(workdir, peers):
    resolver = StubResolver(RESOLVER, {})
    peers.append(resolver)
    srv = Dynzoned(workdir, address=PRIMARY, port=53)
    srv.write_zone("n.test.zone", ZONE.format(extra_ns=""))
    conf = SECONDARY_CONF.format(port=53).replace(
        "remote:\n", f"key:\n  - id: nk.\n    algorithm: hmac-sha256\n"
                     f"    secret: {SECRET}\nremote:\n").replace(
        "    address: [127.0.0.125@53]\n",
        "    address: [127.0.0.125@53]\n    key: nk.\n")
    srv.write_config({}, server_extra=f"resolver: [{RESOLVER}@{resolver.port}]",
                     extra=conf)
    srv.start(wait_zone="n.test.")
    peers.append(srv)
    r = send_from(notify_message("s.test.", 3), BIND_ADDR, PRIMARY, 53)
    assert r.rcode() == dns.rcode.REFUSED
    assert "key=none primaries=p1=127.0.0.125#53" in srv.wait_log(
        "notify-not-from-primary")
    signed = notify_message("s.test.", 4, keyring=KEYRING, keyname="nk.")
    r = send_from(signed, BIND_ADDR, PRIMARY, 53)
    assert r.rcode() == dns.rcode.NOERROR and r.had_tsig
    assert "serial=4" in srv.wait_log("notify-received")


class NotifyingBind(Bind):
    """BIND as a primary that notifies only dynzoned (also-notify), at
    once (notify-delay 0), from its own address (notify-source)."""

    def write_config(self, zones):
        conf = super().write_config(zones)
        conf.write_text(conf.read_text().replace(
            "\tnotify no;",
            f"\tnotify explicit;\n\tnotify-delay 0;\n"
            f"\tnotify-source {self.address};\n"
            f"\talso-notify {{ {PRIMARY} port 53; }};"))
        return conf


@pytest.mark.skipif(Bind.available() is None, reason="named not installed")
def test_bind_primary_notifies_dynzoned(workdir, peers):
    bind = NotifyingBind(workdir / "bind", BIND_ADDR,
                         keys=[("nk", "hmac-sha256", SECRET)], update_key="nk")
    zf = bind.dir / "s.test.zone"
    zf.write_text("$TTL 300\n@ SOA ns1.s.test. h. 1 3600 900 604800 300\n"
                  "@ NS ns1\nns1 A 127.0.0.125\n")
    bind.start({"s.test.": zf})
    peers.append(bind)
    srv = start_secondary(workdir / "dz", peers, primary_port=bind.port)
    upd = dns.update.Update("s.test.", keyring=dns.tsigkeyring.from_text(
        {"nk.": ("hmac-sha256", SECRET)}), keyname="nk.")
    upd.add("www", 300, "A", "192.0.2.9")
    r = dns.query.udp(upd, BIND_ADDR, port=bind.port, timeout=5)
    assert r.rcode() == dns.rcode.NOERROR
    log = srv.wait_log("notify-received", timeout=10)
    assert "s.test." in log and "serial=2" in log
    # The refresh the NOTIFY asked for (server/xfrin): BIND refuses the
    # transfer itself (allow-transfer none), but it was started.
    log = srv.wait_log("why=notify", timeout=10)
    assert "event=xfr-in-started" in log
