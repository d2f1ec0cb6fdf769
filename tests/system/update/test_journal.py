# SPDX-License-Identifier: BSD-3-Clause
"""A dynamic zone's journal: replay across restarts, torn tails, zonefile-sync, reload of an edited file."""
import dns.query
import dns.rcode
import dns.tsigkeyring
import dns.update

from test_update_server import KEYRING, ZONE, send, serial, start


def add(srv, name, addr):
    u = dns.update.UpdateMessage("u.test.", keyring=KEYRING, keyname="k1.",
                                 keyalgorithm="hmac-sha256")
    u.add(name, 300, "A", addr)
    return send(srv, u).rcode()


def test_updates_survive_restart(workdir):
    srv = start(workdir)
    assert add(srv, "new", "192.0.2.7") == dns.rcode.NOERROR
    srv.stop()
    srv.start(wait_zone="u.test.")
    assert serial(srv) == 2
    assert srv.query("new.u.test.").answer
    srv.stop()


def test_torn_tail_is_cut_and_logged(workdir):
    srv = start(workdir)
    assert add(srv, "new", "192.0.2.7") == dns.rcode.NOERROR
    assert add(srv, "www", "192.0.2.8") == dns.rcode.NOERROR
    srv.stop()
    jnl = srv.data / "u.test.zone.jnl"
    data = jnl.read_bytes()
    jnl.write_bytes(data[:-5])
    srv.start(wait_zone="u.test.")
    srv.wait_log("event=journal-truncated")
    assert serial(srv) == 2  # the first update is intact
    assert srv.query("new.u.test.").answer
    srv.stop()


def test_zonefile_sync_0_writes_the_zone_file(workdir):
    srv = start(workdir, zone_extra="    zonefile-sync: 0\n")
    assert add(srv, "new", "192.0.2.7") == dns.rcode.NOERROR
    srv.wait_log("event=zone-synced serial=2")
    assert "192.0.2.7" in (srv.data / "u.test.zone").read_text()
    srv.stop()


def test_ctl_sync_writes_the_zone_file(workdir):
    srv = start(workdir)
    assert add(srv, "new", "192.0.2.7") == dns.rcode.NOERROR
    srv.ctl("sync", "u.test.")
    srv.wait_log("event=zone-synced serial=2")
    assert "192.0.2.7" in (srv.data / "u.test.zone").read_text()
    srv.stop()


def test_reload_serial_not_increased_keeps_old_version(workdir):
    srv = start(workdir)
    srv.write_zone("u.test.zone", ZONE.replace("192.0.2.1", "192.0.2.99"))
    srv.ctl("reload", "u.test.")
    srv.wait_log("event=reload-serial-not-increased old=1 new=1")
    a = srv.query("www.u.test.").answer[0]
    assert [r.to_text() for r in a] == ["192.0.2.1"]
    srv.write_zone("u.test.zone", ZONE.replace("192.0.2.1", "192.0.2.99")
                   .replace(" 1 3600", " 5 3600"))
    srv.ctl("reload", "u.test.")
    srv.wait_log("event=zone-reloaded serial=1->5")
    assert serial(srv) == 5
    srv.stop()
