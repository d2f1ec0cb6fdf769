# SPDX-License-Identifier: BSD-3-Clause
"""dynzoned start-up, configuration check, zone loading, reload, control socket and stop."""
import json
import os
import signal
import socket
import threading
import time
from pathlib import Path

import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from harness.server import Dynzoned
from harness.tools import run
from harness.wait import wait_until

ZONE_A = """\
$ORIGIN a.test.
$TTL 300
@    IN SOA ns1 hostmaster 1 3600 900 604800 300
     IN NS  ns1
ns1  IN A   127.0.0.1
www  IN A   192.0.2.1
"""

ZONE_B = """\
$ORIGIN b.test.
$TTL 300
@    IN SOA ns1 hostmaster 7 3600 900 604800 300
     IN NS  ns1
ns1  IN A   127.0.0.1
"""


def a_of(msg):
    return sorted(r.to_text() for rr in msg.answer for r in rr
                  if rr.rdtype == dns.rdatatype.A)


def two_zones(server):
    server.write_zone("a.test.zone", ZONE_A)
    server.write_zone("b.test.zone", ZONE_B)
    server.write_config({"a.test.": "a.test.zone", "b.test.": "b.test.zone"})


def test_default_config_serves_example_and_prints_hint(workdir, build_dir):
    # The embedded default listens on 127.0.0.1#5353: skip if taken.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind(("127.0.0.1", 5353))
        except OSError:
            import pytest
            pytest.skip("port 5353 is in use")
    srv = Dynzoned(workdir, port=5353)
    srv.start(args=[], wait_zone="example.test.", cwd=workdir)
    try:
        assert (workdir / "dynzone-data" / "example.test.zone").is_file()
        out = srv.stderr_text()
        assert "event=server-started" in out
        assert "listen=127.0.0.1#5353,::1#5353" in out
        assert 'event=hint try="dig @127.0.0.1 -p 5353 example.test SOA"' in out
        r = srv.query("example.test.", "SOA")
        assert r.rcode() == dns.rcode.NOERROR
        assert r.answer[0][0].mname.to_text() == "ns1.example.test."
        r = srv.query("anything.hosts.example.test.", "A")
        assert a_of(r) == ["192.0.2.200"]
    finally:
        srv.stop()
    out = srv.stderr_text()
    assert "event=server-stopping reason=signal" in out
    assert "event=server-stopped" in out


def test_sigterm_stops_cleanly_and_pid_file_goes(server):
    two_zones(server)
    pid_file = server.dir / "dynzoned.pid"
    server.start(args=["-c", str(server.conf), "-p", str(pid_file)],
                 wait_zone="a.test.")
    assert int(pid_file.read_text()) == server.proc.pid
    server.stop()
    assert not pid_file.exists()
    assert "event=server-stopping reason=signal" in server.log_text()


def test_check_accepts_good_config(server, dynzone):
    two_zones(server)
    r = run([server.build / "dynzoned", "-c", server.conf, "--check"])
    assert r.returncode == 0, r.stderr
    r = dynzone("check", "config", str(server.conf))
    assert r.returncode == 0, r.stderr


def test_check_reports_config_error_with_file_line(server, dynzone):
    server.write_config({}, extra="bogus-key: 1\n")
    for argv in ([server.build / "dynzoned", "-c", server.conf, "--check"],
                 [server.build / "dynzone", "check", "config", server.conf]):
        r = run(argv)
        assert r.returncode == 1
        assert f"{server.conf}:" in r.stderr
        assert "bogus-key" in r.stderr


def test_check_reports_zone_error_with_file_line(server):
    server.write_zone("a.test.zone", ZONE_A + "bad IN A 999.1.1.1\n")
    server.write_config({"a.test.": "a.test.zone"})
    r = run([server.build / "dynzoned", "-c", server.conf, "--check"])
    assert r.returncode == 1
    assert "a.test.zone:7:" in r.stderr


def test_broken_zone_is_not_served_and_others_are(server):
    server.write_zone("a.test.zone", ZONE_A + "bad IN A 999.1.1.1\n")
    server.write_zone("b.test.zone", ZONE_B)
    server.write_config({"a.test.": "a.test.zone", "b.test.": "b.test.zone"})
    server.start(wait_zone="b.test.")
    log = server.wait_log("event=zone-load-failed")
    line = [l for l in log.splitlines() if "zone-load-failed" in l][0]
    assert "zone=a.test." in line and "line=7" in line
    assert "a.test.zone" in line
    assert server.query("www.a.test.").rcode() == dns.rcode.SERVFAIL
    assert server.query("b.test.", "SOA").rcode() == dns.rcode.NOERROR
    assert "zone=b.test. event=zone-loaded serial=7" in log


def test_reload_serves_new_data_and_bad_edit_keeps_old(server):
    two_zones(server)
    server.start(wait_zone="a.test.")
    assert a_of(server.query("www.a.test.")) == ["192.0.2.1"]
    server.write_zone("a.test.zone", ZONE_A.replace("192.0.2.1", "192.0.2.2")
                      .replace(" 1 3600", " 2 3600"))
    r = server.ctl("reload", "a.test.")
    assert r.returncode == 0, r.stdout + r.stderr
    assert a_of(server.query("www.a.test.")) == ["192.0.2.2"]
    assert "event=zone-reloaded serial=1->2" in server.log_text()
    server.write_zone("a.test.zone", ZONE_A + "oops IN AAAA not-an-address\n")
    r = server.ctl("reload", "a.test.")
    assert r.returncode == 1
    assert "event=zone-load-failed" in server.log_text()
    assert a_of(server.query("www.a.test.")) == ["192.0.2.2"]
    st = json.loads(server.ctl("status", "a.test.", json=True).stdout)
    z = st["zones"][0]
    assert z["state"] == "failed" and z["serial"] == 2
    assert z["error"]["line"] == 7


def test_sighup_reloads_changed_zones_and_config(server):
    two_zones(server)
    server.start(wait_zone="a.test.")
    server.write_zone("b.test.zone", ZONE_B.replace(" 7 3600", " 8 3600"))
    server.write_zone("c.test.zone", ZONE_B.replace("b.test.", "c.test."))
    server.write_config({"a.test.": "a.test.zone", "b.test.": "b.test.zone",
                         "c.test.": "c.test.zone"})
    server.signal(signal.SIGHUP)
    server.wait_log("event=config-reloaded")
    log = server.log_text()
    assert "zone=b.test. event=zone-reloaded serial=7->8" in log
    # a.test. did not change: not parsed again.
    assert "zone=a.test. event=zone-reloaded" not in log
    assert server.query("c.test.", "SOA").rcode() == dns.rcode.NOERROR
    assert "event=log-reopened" in server.log_text()


def test_reload_with_bad_config_keeps_running(server):
    two_zones(server)
    server.start(wait_zone="a.test.")
    server.conf.write_text(server.conf.read_text() + "nonsense: [\n")
    r = server.ctl("reload")
    assert r.returncode == 1
    assert "event=config-reload-failed" in server.log_text()
    assert server.query("a.test.", "SOA").rcode() == dns.rcode.NOERROR


def test_ctl_status_stats_log_and_stop(server):
    two_zones(server)
    server.start(wait_zone="a.test.")
    r = server.ctl("status")
    assert r.returncode == 0
    assert "a.test. role=primary state=loaded serial=1" in r.stdout
    st = json.loads(server.ctl("status", json=True).stdout)
    assert [z["name"] for z in st["zones"]] == ["a.test.", "b.test."]
    assert st["zones"][1]["serial"] == 7
    assert server.ctl("status", "nope.test.").returncode == 1
    # The query log starts off, `log query on` switches it on.
    server.query("www.a.test.")
    assert "event=query " not in server.log_text()
    r = server.ctl("log")
    assert "query      off" in r.stdout
    assert server.ctl("log", "query", "on").returncode == 0
    assert "event=log-category-set category=query state=on" in \
        server.log_text()
    server.query("www.a.test.", tcp=True)
    line = server.wait_log("event=query ")
    assert "qname=www.a.test. qtype=A rcode=NOERROR transport=tcp4" in line
    stats = json.loads(server.ctl("stats", json=True).stdout)
    assert stats["opcode"]["QUERY"] >= 3
    assert stats["qtype"]["A"] >= 2
    assert stats["zone-queries"]["a.test."] >= 3
    text = server.ctl("stats").stdout
    assert "udp4" in text and "tcp4" in text
    r = server.ctl("stop")
    assert r.returncode == 0
    assert server.proc.wait(timeout=60) == 0
    assert "event=server-stopping reason=ctl" in server.log_text()


def test_query_log_of_axfr_says_stream_not_a_length(server):
    server.write_zone("a.test.zone", ZONE_A)
    server.write_config({"a.test.": "a.test.zone"},
                        extra="acl:\n  - id: xfr\n"
                              "    address: [127.0.0.0/8]\n"
                              "    action: [transfer]\n")
    text = server.conf.read_text().replace(
        "    role: primary\n", "    role: primary\n    acl: [xfr]\n")
    server.conf.write_text(text)
    server.start(wait_zone="a.test.")
    assert server.ctl("log", "query", "on").returncode == 0
    msgs = list(dns.query.xfr(server.address, "a.test.", port=server.port,
                              relativize=False))
    assert msgs and msgs[0].answer[0].rdtype == dns.rdatatype.SOA
    line = server.wait_log("qtype=AXFR")
    line = [l for l in line.splitlines() if "qtype=AXFR" in l][0]
    # The answer is a stream of messages: NET_STREAM (65536) is no size.
    assert "transport=tcp4 size=stream" in line, line
    assert "size=65536" not in server.log_text()
    server.query("www.a.test.", tcp=True)
    line = server.wait_log("qname=www.a.test. qtype=A ")
    assert "transport=tcp4 size=" in line and "size=stream" not in \
        [l for l in line.splitlines() if "qname=www.a.test." in l][0]


def test_listen_failed_on_busy_port(server):
    two_zones(server)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((server.address, server.port))
        code = server.start(expect_fail=True)
    assert code == 1
    assert "event=listen-failed" in server.log_text()


def test_unwritable_pid_file_fails_start(server):
    two_zones(server)
    code = server.start(args=["-c", str(server.conf), "-p",
                              str(server.dir / "no" / "such" / "x.pid")],
                        expect_fail=True)
    assert code == 1
    assert "event=server-start-failed step=pid-file" in server.log_text()


def test_privileges_dropped(server):
    if os.getuid() != 0:
        import pytest
        pytest.skip("needs root")
    # The zones load after the drop (their journals must belong to the
    # user): give them a data folder that user owns, outside pytest's
    # root-only temp tree. The control socket stays in a root folder.
    import pwd
    import shutil
    import tempfile
    nobody = pwd.getpwnam("nobody")
    data = Path(tempfile.mkdtemp(prefix="dz-priv-"))
    try:
        os.chmod(data, 0o755)
        os.chown(data, nobody.pw_uid, nobody.pw_gid)
        server.data = data
        server.socket = server.dir / "ctl" / "control.sock"
        two_zones(server)
        server.write_config({"a.test.": "a.test.zone"},
                            server_extra="user: nobody")
        server.start(wait_zone="a.test.")
        assert "event=privileges-dropped user=nobody" in server.log_text()
        assert "zone=a.test. event=zone-loaded" in server.log_text()
        r = server.query("www.a.test.")
        assert r.rcode() == dns.rcode.NOERROR and r.answer
        status = open(f"/proc/{server.proc.pid}/status").read()
        uid_line = [l for l in status.splitlines() if l.startswith("Uid:")][0]
        assert uid_line.split()[1] == str(nobody.pw_uid)
        server.stop()
    finally:
        shutil.rmtree(data, ignore_errors=True)


def test_reload_under_query_load_loses_no_query(server):
    two_zones(server)
    server.start(wait_zone="a.test.")
    results = {"ok": 0, "bad": []}
    total = 3000

    def load():
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(2.0)
        try:
            for i in range(total):
                q = dns.message.make_query("www.a.test.", "A")
                try:
                    r = dns.query.udp(q, server.address, port=server.port,
                                      timeout=2.0, sock=sock)
                except Exception as e:  # noqa: BLE001
                    results["bad"].append(repr(e))
                    continue
                if r.rcode() == dns.rcode.NOERROR and r.answer:
                    results["ok"] += 1
                else:
                    results["bad"].append(dns.rcode.to_text(r.rcode()))
        finally:
            sock.close()

    t = threading.Thread(target=load)
    t.start()
    for serial in range(2, 12):
        server.write_zone("a.test.zone",
                          ZONE_A.replace(" 1 3600", f" {serial} 3600"))
        assert server.ctl("reload", "a.test.").returncode == 0
        time.sleep(0.01)
    t.join(timeout=120)
    assert not t.is_alive()
    assert results["bad"] == [] and results["ok"] == total
    assert server.log_text().count("event=zone-reloaded") == 10
