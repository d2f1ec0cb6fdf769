# SPDX-License-Identifier: BSD-3-Clause
"""A dynamic zone's journal: replay across restarts, torn tails, zonefile-sync, reload of an edited file."""
import json

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
    r = srv.ctl("sync", "u.test.")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "synced serial 2" in r.stdout
    # Answered once the file is written: no wait needed.
    assert "event=zone-synced serial=2" in srv.log_text()
    srv.wait_log("event=ctl-command command=sync args=1 result=ok")
    assert "192.0.2.7" in (srv.data / "u.test.zone").read_text()
    srv.stop()


def test_reload_serial_not_increased_keeps_old_version(workdir):
    srv = start(workdir)
    srv.write_zone("u.test.zone", ZONE.replace("192.0.2.1", "192.0.2.99"))
    r = srv.ctl("reload", "u.test.")
    # The real outcome, from the zone's writer (a deferred ctl answer).
    assert r.returncode == 1
    assert "serial 1 is not newer than 1" in r.stdout + r.stderr
    srv.wait_log("event=reload-serial-not-increased old=1 new=1")
    a = srv.query("www.u.test.").answer[0]
    assert [r.to_text() for r in a] == ["192.0.2.1"]
    srv.write_zone("u.test.zone", ZONE.replace("192.0.2.1", "192.0.2.99")
                   .replace(" 1 3600", " 5 3600"))
    r = srv.ctl("reload", "u.test.")
    assert r.returncode == 0, r.stdout + r.stderr
    srv.wait_log("event=zone-reloaded serial=1->5")
    assert serial(srv) == 5
    srv.stop()


def test_ctl_sync_failure_is_reported_to_the_client(workdir):
    srv = start(workdir)
    assert add(srv, "new", "192.0.2.7") == dns.rcode.NOERROR
    zf = srv.data / "u.test.zone"
    zf.unlink()
    zf.mkdir()  # rename(2) onto a folder fails, even for root (EISDIR)
    try:
        r = srv.ctl("sync", "u.test.")
        assert r.returncode == 1
        assert "not synced" in r.stdout + r.stderr
        srv.wait_log("event=zone-sync-failed")
        r = srv.ctl("sync", "nope.test.")
        assert r.returncode == 1 and "is not served" in r.stdout + r.stderr
    finally:
        zf.rmdir()
        srv.stop()


def test_ctl_reload_of_bad_file_reports_line(workdir):
    srv = start(workdir)
    srv.write_zone("u.test.zone", ZONE + "oops IN AAAA not-an-address\n")
    r = srv.ctl("reload", "u.test.")
    assert r.returncode == 1
    assert "u.test.zone:7:" in r.stdout + r.stderr
    st = srv.ctl("status", "u.test.", json=True)
    z = json.loads(st.stdout)["zones"][0]
    assert z["state"] == "failed" and z["serial"] == 1
    srv.stop()


# --- drift between the zone file and the journal (issue 4 §3) ---------------

def restart(srv):
    srv.stop()
    srv.start(wait_zone="u.test.")


def test_newer_zone_file_wins_and_journal_state_is_kept(workdir):
    srv = start(workdir)
    assert add(srv, "new", "192.0.2.7") == dns.rcode.NOERROR  # serial 2
    srv.stop()
    # A tool rewrote the zone file while the server was down.
    edited = ZONE.replace(" 1 3600", " 5 3600").replace("192.0.2.1",
                                                        "192.0.2.55")
    srv.write_zone("u.test.zone", edited)
    srv.start(wait_zone="u.test.")
    srv.wait_log("event=journal-mismatch chosen=zonefile "
                 "reason=zonefile-serial-newer file-serial=5 "
                 "journal-serial=2")
    assert serial(srv) == 5
    assert [r.to_text() for r in srv.query("www.u.test.").answer[0]] == \
        ["192.0.2.55"]
    assert not srv.query("new.u.test.").answer  # not in the winning file
    kept = (srv.data / "u.test.zone.jnl-state.bak").read_text()
    assert "192.0.2.7" in kept and " 2 3600" in kept
    assert (srv.data / "u.test.zone").read_text() == edited
    # The difference was journaled (2 -> 5): the next start is quiet and
    # updates continue the chain.
    restart(srv)
    assert srv.log_text().count("event=journal-mismatch") == 1
    assert add(srv, "new", "192.0.2.8") == dns.rcode.NOERROR
    assert serial(srv) == 6
    restart(srv)
    assert serial(srv) == 6
    assert srv.log_text().count("event=journal-mismatch") == 1
    srv.stop()


def test_edited_file_same_serial_loses_to_journal(workdir):
    srv = start(workdir)
    assert add(srv, "new", "192.0.2.7") == dns.rcode.NOERROR  # serial 2
    srv.stop()
    edited = ZONE.replace("192.0.2.1", "192.0.2.99")  # serial still 1
    srv.write_zone("u.test.zone", edited)
    srv.start(wait_zone="u.test.")
    srv.wait_log("event=journal-mismatch chosen=journal "
                 "reason=serial-not-increased file-serial=1 "
                 "journal-serial=2")
    assert serial(srv) == 2
    assert [r.to_text() for r in srv.query("www.u.test.").answer[0]] == \
        ["192.0.2.1"]
    assert srv.query("new.u.test.").answer
    assert (srv.data / "u.test.zone.bak").read_text() == edited
    rewritten = (srv.data / "u.test.zone").read_text()
    assert "192.0.2.7" in rewritten and "192.0.2.99" not in rewritten
    restart(srv)
    assert srv.log_text().count("event=journal-mismatch") == 1
    assert serial(srv) == 2 and srv.query("new.u.test.").answer
    srv.stop()


def test_file_equal_to_served_state_is_not_drift(workdir):
    srv = start(workdir, zone_extra="    zonefile-sync: -1\n")
    assert add(srv, "new", "192.0.2.7") == dns.rcode.NOERROR
    srv.stop()
    # The same records as served, written by hand (other text, serial 2).
    text = ZONE.replace(" 1 3600", " 2 3600") + "new  IN A 192.0.2.7\n"
    srv.write_zone("u.test.zone", "; hand-written\n" + text)
    srv.start(wait_zone="u.test.")
    assert serial(srv) == 2 and srv.query("new.u.test.").answer
    assert "event=journal-mismatch" not in srv.log_text()
    assert not (srv.data / "u.test.zone.bak").exists()
    srv.stop()


# --- journal-max-size and zonefile-sync -1 -----------------------------------

def test_journal_max_size_trims_on_sync_and_zone_survives(workdir):
    srv = start(workdir, zone_extra="    zonefile-sync: -1\n"
                                    "    journal-max-size: 1K\n")
    for i in range(40):
        assert add(srv, "new", f"192.0.2.{i + 1}") == dns.rcode.NOERROR
    jnl = srv.data / "u.test.zone.jnl"
    before = jnl.stat().st_size
    assert before > 1024
    r = srv.ctl("sync", "u.test.")
    assert r.returncode == 0, r.stdout + r.stderr
    after = jnl.stat().st_size
    assert after < before and after <= 1024
    srv.wait_log("event=zone-synced serial=41")
    restart(srv)
    assert serial(srv) == 41
    got = sorted(x.to_text()
                 for x in srv.query("new.u.test.", tcp=True).answer[0])
    assert got == sorted(f"192.0.2.{i + 1}" for i in range(40))
    assert "event=journal-mismatch" not in srv.log_text()
    srv.stop()


def test_zonefile_sync_minus_1_never_writes_the_file(workdir):
    srv = start(workdir, zone_extra="    zonefile-sync: -1\n"
                                    "    journal-max-size: 1K\n")
    zf = srv.data / "u.test.zone"
    original = zf.read_bytes()
    mtime = zf.stat().st_mtime_ns
    for i in range(30):  # past journal-max-size too
        assert add(srv, "new", f"192.0.2.{i + 1}") == dns.rcode.NOERROR
    restart(srv)
    assert zf.read_bytes() == original and zf.stat().st_mtime_ns == mtime
    assert "event=zone-synced" not in srv.log_text()
    assert serial(srv) == 31  # served from the journal
    srv.stop()


# --- ctl status: the journal's size and the serials it holds (issue 5 §5) ---

def journal_serials(srv):
    """(from, to) of every record, read by `dynzone journal print`."""
    import re
    import subprocess
    r = subprocess.run([str(srv.build / "dynzone"), "journal", "print",
                        str(srv.data / "u.test.zone.jnl")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    return [(int(a), int(b))
            for a, b in re.findall(r"serial (\d+) -> (\d+)", r.stdout)]


def status_of(srv):
    r = srv.ctl("status", "u.test.", json=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads(r.stdout)["zones"][0]


def test_ctl_status_shows_journal_size_and_oldest_serial(workdir):
    srv = start(workdir, zone_extra="    zonefile-sync: -1\n"
                                    "    journal-max-size: 1K\n")
    jnl = srv.data / "u.test.zone.jnl"
    st = status_of(srv)
    assert st["journal-oldest"] is None and st["journal-newest"] is None
    for i in range(3):
        assert add(srv, "new", f"192.0.2.{i + 1}") == dns.rcode.NOERROR
    st = status_of(srv)
    assert (st["journal-oldest"], st["journal-newest"]) == (1, 4)
    assert st["journal-size"] == jnl.stat().st_size
    for i in range(3, 40):
        assert add(srv, "new", f"192.0.2.{i + 1}") == dns.rcode.NOERROR
    assert status_of(srv)["journal-oldest"] == 1
    r = srv.ctl("sync", "u.test.")
    assert r.returncode == 0, r.stdout + r.stderr
    recs = journal_serials(srv)
    assert recs and recs[0][0] > 1 and recs[-1][1] == 41  # trimmed
    st = status_of(srv)
    assert st["journal-oldest"] == recs[0][0]
    assert st["journal-newest"] == 41
    assert st["journal-size"] == jnl.stat().st_size <= 1024
    text = srv.ctl("status", "u.test.").stdout
    assert (f"journal-size={jnl.stat().st_size} "
            f"journal-oldest={recs[0][0]} journal-newest=41") in text
    restart(srv)  # read back at start: the same numbers
    st = status_of(srv)
    assert (st["journal-oldest"], st["journal-newest"]) == (recs[0][0], 41)
    srv.stop()


# --- temporary files left by a kill during a write ---------------------------

def test_stale_temp_files_removed_at_start_and_nothing_else(workdir):
    srv = start(workdir)
    assert add(srv, "new", "192.0.2.7") == dns.rcode.NOERROR
    srv.kill()  # as a kill during a write would leave it
    d = srv.data
    stale = ["u.test.zone.tmpAbC123",        # zone_sync_write (mkstemp)
             "u.test.zone.jbase.tmpXyZ789",  # the base copy
             "u.test.zone.jnl.tmp.Q1w2E3",   # journal create / trim
             "u.test.zone.timers.tmp"]       # a secondary's timers
    kept = ["u.test.zone.tmpABCDE",          # five characters: not mkstemp's
            "u.test.zone.tmpABCDEFG",        # seven
            "u.test.zone.tmp-bcdef",         # not a letter or digit
            "other.zone.tmpAbC123",          # another file's
            "xu.test.zone.tmpAbC123",
            "u.test.zone.bak",
            "u.test.zone.timers.tmp2"]
    for n in stale + kept:
        (d / n).write_text("partial\n")
    (d / "u.test.zone.tmpDir123").mkdir()  # a folder: never removed
    (d / "u.test.zone.tmpLnk123").symlink_to(d / "u.test.zone.bak")
    srv.start(wait_zone="u.test.")
    for n in stale:
        assert not (d / n).exists(), n
        assert f"event=zone-tmp-removed path={d / n}" in srv.log_text()
    for n in kept + ["u.test.zone.tmpDir123", "u.test.zone.tmpLnk123"]:
        assert (d / n).exists() or (d / n).is_symlink(), n
    assert srv.log_text().count("event=zone-tmp-removed") == len(stale)
    assert serial(srv) == 2  # the journal itself is untouched
    srv.stop()
