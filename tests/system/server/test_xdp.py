# SPDX-License-Identifier: BSD-3-Clause
"""The AF_XDP path (server.xdp-interface: lo): same answers as the sockets, the sockets still serve TCP,
deferred UDP answers and everything the filter passes, and each way XDP cannot start is named."""
import json
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import dns.edns
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.tsigkeyring
import dns.update
import pytest

from harness.server import Dynzoned, free_port

XDP_ADDR = "127.0.0.142"
SOCK_ADDR = "127.0.0.143"
KEY = ("xdp-key.", "hmac-sha256", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAx")

ZONE = """\
$ORIGIN x.test.
$TTL 300
@     IN SOA ns1 hostmaster 1 3600 900 604800 300
      IN NS  ns1
      IN MX  10 mail
ns1   IN A   127.0.0.1
mail  IN A   192.0.2.25
www   IN A   192.0.2.1
      IN AAAA 2001:db8::1
alias IN CNAME www
*.wild IN TXT "wildcard"
sub   IN NS  ns.sub
ns.sub IN A  192.0.2.53
big   IN TXT {big}
""".format(big=" ".join(f'"{"x" * 200}{i}"' for i in range(8)))

SYSCTLS = ("route_localnet", "accept_local")


def sysctl_path(name: str) -> Path:
    return Path(f"/proc/sys/net/ipv4/conf/lo/{name}")


@pytest.fixture(scope="module")
def xdp_host():
    """Root with BPF, and lo able to route AF_XDP answers (restored after)."""
    if os.geteuid() != 0:
        pytest.skip("AF_XDP needs root")
    saved = {n: sysctl_path(n).read_text().strip() for n in SYSCTLS}
    for n in SYSCTLS:
        sysctl_path(n).write_text("1\n")
    for a in (XDP_ADDR, SOCK_ADDR):
        subprocess.run(["ip", "addr", "add", f"{a}/32", "dev", "lo"],
                       capture_output=True, check=False)
    yield
    for n, v in saved.items():
        sysctl_path(n).write_text(v + "\n")


def make_server(workdir: Path, address: str, xdp: bool,
                also_v6: bool = False, nlisten: int = 1) -> Dynzoned:
    """A dynzoned serving x.test. on address (and on ::1 with also_v6;
    nlisten > 1: on that many ports of address)."""
    srv = Dynzoned(workdir / address, address=address)
    srv.write_zone("x.test.zone", ZONE)
    server_extra = "xdp-interface: lo\n" if xdp else ""
    srv.write_config({"x.test.": "x.test.zone"}, server_extra=server_extra,
                     extra=f"""\
key:
  - id: {KEY[0]}
    algorithm: {KEY[1]}
    secret: {KEY[2]}
acl:
  - id: upd
    key: {KEY[0]}
    action: update
""")
    text = srv.conf.read_text().replace(
        "    role: primary", "    role: primary\n    acl: [upd]")
    ports = {srv.port}
    while len(ports) < nlisten:
        ports.add(free_port(address))
    listen = [f"{address}@{p}" for p in sorted(ports)]
    if also_v6:
        listen.append(f'"::1@{srv.port}"')
    text = text.replace(f"  listen: [{address}@{srv.port}]",
                        f"  listen: [{', '.join(listen)}]")
    srv.conf.write_text(text)
    return srv


@pytest.fixture
def pair(workdir, xdp_host):
    """A dynzoned on AF_XDP and one on sockets, serving the same zone."""
    x = make_server(workdir, XDP_ADDR, True)
    s = make_server(workdir, SOCK_ADDR, False)
    x.start(wait_zone="x.test.")
    s.start(wait_zone="x.test.")
    yield x, s
    for srv in (x, s):
        if srv.proc is not None and srv.proc.poll() is None:
            srv.stop()


def xdp_stats(srv: Dynzoned) -> dict:
    out = srv.ctl("stats", json=True)
    return json.loads(out.stdout)["xdp"]


def raw_udp(addr: str, port: int, wire: bytes, timeout=1.0):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(wire, (addr, port))
        try:
            data, peer = s.recvfrom(65535)
        except socket.timeout:
            return None, None
        return data, peer


QUERIES = [
    ("www.x.test.", "A", {}),
    ("www.x.test.", "AAAA", {"use_edns": 0, "payload": 1232}),
    ("nope.x.test.", "A", {}),
    ("x.test.", "MX", {"use_edns": 0}),
    ("alias.x.test.", "A", {}),
    ("a.b.wild.x.test.", "TXT", {"use_edns": 0, "want_dnssec": True}),
    ("host.sub.x.test.", "A", {}),
    ("big.x.test.", "TXT", {}),  # no EDNS: truncated to 512
    ("big.x.test.", "TXT", {"use_edns": 0, "payload": 4096}),
    ("www.x.test.", "ANY", {}),
    ("other.test.", "A", {}),  # REFUSED: not our zone
    ("x.test.", "SOA", {"use_edns": 0, "options": [dns.edns.GenericOption(
        dns.edns.NSID, b"")]}),
]


def test_answers_are_byte_identical_to_the_socket_path(pair):
    x, s = pair
    before = xdp_stats(x)["received"]
    for i, (name, rdtype, kw) in enumerate(QUERIES):
        q = dns.message.make_query(name, rdtype, **kw)
        q.id = 4000 + i
        wire = q.to_wire()
        got, peer = raw_udp(x.address, x.port, wire)
        want, _ = raw_udp(s.address, s.port, wire)
        assert want is not None, name
        assert got == want, f"{name} {rdtype}: XDP and socket answers differ"
        assert peer[0] == x.address and peer[1] == x.port
    st = xdp_stats(x)
    assert st["queues"] >= 1
    assert st["received"] - before == len(QUERIES)
    assert st["sent"] >= len(QUERIES)
    # The TC answer really is truncated (no EDNS, over 512 octets).
    r = dns.message.from_wire(raw_udp(x.address, x.port, dns.message.make_query(
        "big.x.test.", "TXT").to_wire())[0])
    assert r.flags & dns.flags.TC


def test_malformed_datagrams_get_the_socket_paths_answer(pair):
    x, s = pair
    cases = [
        b"\x12\x34",                                  # shorter than a header
        b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00",  # qdcount 1, no question
        b"\x12\x34\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00",  # no question
        b"\x12\x34\x81\x00" + b"\x00" * 8,             # a response: never answered
    ]
    before = xdp_stats(x)
    unanswered = 0
    for wire in cases:
        got, _ = raw_udp(x.address, x.port, wire, timeout=0.5)
        want, _ = raw_udp(s.address, s.port, wire, timeout=0.5)
        assert got == want, wire
        unanswered += want is None
    after = xdp_stats(x)
    assert after["received"] - before["received"] == len(cases)
    # The short and the response are dropped (counted), the rest answered.
    assert unanswered == 2
    assert after["dropped"] - before["dropped"] == unanswered


def test_tcp_and_signed_updates_still_work(pair, build_dir):
    x, _ = pair
    r = x.query("www.x.test.", "A", tcp=True)
    assert r.rcode() == dns.rcode.NOERROR and r.answer
    before = xdp_stats(x)
    keyring = dns.tsigkeyring.from_text({KEY[0]: (KEY[1], KEY[2])})
    up = dns.update.UpdateMessage("x.test.", keyring=keyring,
                                  keyalgorithm=KEY[1])
    up.replace("new", 300, "A", "192.0.2.77")
    # UDP to the AF_XDP path: applied by the zone's writer, the answer
    # deferred and sent from the listener's socket.
    resp = dns.query.udp(up, x.address, port=x.port, timeout=5)
    assert resp.rcode() == dns.rcode.NOERROR
    r = x.query("new.x.test.", "A")
    assert [rd.to_text() for rr in r.answer for rd in rr] == ["192.0.2.77"]
    after = xdp_stats(x)
    assert after["received"] - before["received"] >= 2
    x.wait_log("event=update-applied")


def test_ipv6_loopback_is_served_too(workdir, xdp_host):
    if not socket.has_ipv6 or not Path("/proc/net/if_inet6").exists():
        pytest.skip("no IPv6")
    x = make_server(workdir, XDP_ADDR, True, also_v6=True)
    x.start(wait_zone="x.test.")
    try:
        before = xdp_stats(x)["received"]
        q = dns.message.make_query("www.x.test.", "AAAA")
        r = dns.query.udp(q, "::1", port=x.port, timeout=2)
        assert [rd.to_text() for rr in r.answer for rd in rr] == ["2001:db8::1"]
        assert xdp_stats(x)["received"] == before + 1
    finally:
        x.stop()


def test_started_event_names_interface_and_mode(pair):
    x, _ = pair
    line = x.wait_log("event=xdp-started")
    assert "interface=lo" in line and "mode=generic" in line
    assert "xdp-loopback-unroutable" not in x.log_text()


def test_second_server_on_the_interface_fails_to_start(pair, workdir):
    other = make_server(workdir / "second", "127.0.0.144", True)
    subprocess.run(["ip", "addr", "add", "127.0.0.144/32", "dev", "lo"],
                   capture_output=True, check=False)
    assert other.start(expect_fail=True) == 1
    text = other.log_text() + other.stderr_text()
    assert "event=listen-failed" in text
    assert "xdp lo: attach:" in text
    # The first one still answers through AF_XDP.
    x, _ = pair
    before = xdp_stats(x)["received"]
    assert x.query("www.x.test.").rcode() == dns.rcode.NOERROR
    assert xdp_stats(x)["received"] == before + 1


def test_unknown_interface_fails_to_start(workdir, xdp_host):
    srv = make_server(workdir, XDP_ADDR, True)
    srv.conf.write_text(srv.conf.read_text().replace(
        "xdp-interface: lo", "xdp-interface: nosuch0"))
    assert srv.start(expect_fail=True) == 1
    text = srv.log_text() + srv.stderr_text()
    assert "event=listen-failed address=xdp:nosuch0" in text


def test_too_many_listen_addresses_fail_to_start(workdir, xdp_host):
    # The filter program matches at most 16 listen addresses.
    srv = make_server(workdir, XDP_ADDR, True, nlisten=17)
    assert srv.start(expect_fail=True) == 1
    text = srv.log_text() + srv.stderr_text()
    assert "event=listen-failed" in text
    assert "xdp lo: too many listen addresses:" in text


def test_bad_interface_name_is_a_config_error(workdir, build_dir):
    srv = Dynzoned(workdir, address=XDP_ADDR)
    srv.write_zone("x.test.zone", ZONE)
    srv.write_config({"x.test.": "x.test.zone"},
                     server_extra="xdp-interface: ../etc\n")
    p = subprocess.run([str(build_dir / "dynzoned"), "-c", str(srv.conf),
                        "--check"], capture_output=True, text=True)
    assert p.returncode == 1
    assert "'xdp-interface': not an interface name" in p.stderr
    assert f"{srv.conf}:6:" in p.stderr


def test_loopback_without_route_localnet_is_warned(workdir, xdp_host):
    old = sysctl_path("route_localnet").read_text()
    sysctl_path("route_localnet").write_text("0\n")
    try:
        srv = make_server(workdir, XDP_ADDR, True)
        # Its IPv4 answers are dropped by the kernel: do not wait for one.
        srv.start(wait=False)
        line = srv.wait_log("event=xdp-loopback-unroutable")
        assert "route_localnet=0" in line
        assert "fix=sysctl -w net.ipv4.conf.lo.route_localnet=1" in line
        srv.stop()
    finally:
        sysctl_path("route_localnet").write_text(old)


def test_restart_at_once_gets_the_queue_again(workdir, xdp_host):
    # The kernel frees a closed AF_XDP socket's queue from a work queue:
    # a daemon started right after another stopped must wait for it, not
    # fail with EBUSY.
    for i in range(4):
        srv = make_server(workdir / f"run{i}", XDP_ADDR, True)
        try:
            srv.start(wait_zone="x.test.")
            # (start's own probe may have been answered by a socket: until
            # the AF_XDP socket is in the map, the filter passes frames on)
            before = xdp_stats(srv)["received"]
            assert srv.query("www.x.test.").rcode() == dns.rcode.NOERROR
            assert xdp_stats(srv)["received"] == before + 1
        finally:
            if srv.proc is not None and srv.proc.poll() is None:
                srv.stop()


def test_update_and_reload_complete_under_a_query_flood(pair, workdir):
    # A writer waits for every RCU reader to pass a quiescent state; the
    # AF_XDP thread passes one at least every 4 batches even when its ring
    # never empties, so a saturating flood must not stall an update.
    x, _ = pair
    dnsperf = shutil.which("dnsperf")
    if dnsperf is None:
        pytest.skip("dnsperf not installed")
    qfile = workdir / "queries.txt"
    qfile.write_text("www.x.test. A\nnope.x.test. A\nx.test. MX\n")
    flood = subprocess.Popen([dnsperf, "-s", x.address, "-p", str(x.port),
                              "-d", str(qfile), "-l", "6", "-c", "8",
                              "-q", "200"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    try:
        time.sleep(1.5)
        keyring = dns.tsigkeyring.from_text({KEY[0]: (KEY[1], KEY[2])})
        up = dns.update.UpdateMessage("x.test.", keyring=keyring,
                                      keyalgorithm=KEY[1])
        up.replace("flood", 300, "A", "192.0.2.99")
        t0 = time.monotonic()
        resp = dns.query.tcp(up, x.address, port=x.port, timeout=5)
        assert resp.rcode() == dns.rcode.NOERROR
        assert time.monotonic() - t0 < 3
        r = x.query("flood.x.test.", "A", tcp=True)
        assert [rd.to_text() for rr in r.answer for rd in rr] == ["192.0.2.99"]
        t0 = time.monotonic()
        assert x.ctl("reload").returncode == 0
        assert time.monotonic() - t0 < 3
    finally:
        out, _ = flood.communicate(timeout=30)
    completed = int(re.search(r"Queries completed:\s+(\d+)", out).group(1))
    assert completed > 10000, out
    assert xdp_stats(x)["received"] >= completed
