# SPDX-License-Identifier: BSD-3-Clause
"""`dynzone journal print` on a journal written by dynzoned, fed by `dynzone update`."""
import re

from test_update_server import SECRET, serial, start

KEY = f"hmac-sha256:k1.:{SECRET}"


def update(dynzone, srv, script):
    """Send one nsupdate-language script with `dynzone update` (TSIG k1.)."""
    head = f"server {srv.address} {srv.port}\nzone u.test.\n"
    r = dynzone("update", "-y", KEY, stdin=head + script + "send\n")
    assert r.returncode == 0, r.stdout + r.stderr


def test_journal_print_lists_each_change(workdir, dynzone):
    srv = start(workdir)
    update(dynzone, srv, "update add new.u.test. 300 A 192.0.2.7\n")
    update(dynzone, srv, "update delete new.u.test. A 192.0.2.7\n"
                         "update add new.u.test. 600 TXT \"moved\"\n")
    assert serial(srv) == 3
    srv.stop()

    r = dynzone("journal", "print", srv.data / "u.test.zone.jnl")
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    # One block per update, in order, each with its SOA change.
    assert [m.group(1, 2) for m in re.finditer(r"serial (\d+) -> (\d+)", out)] \
        == [("1", "2"), ("2", "3")]
    first, second = out.split("serial 2 -> 3")
    assert re.search(r"^\+\s*new\.u\.test\.\s+300\s+IN\s+A\s+192\.0\.2\.7$", first, re.M)
    assert re.search(r"^-\s*new\.u\.test\.\s+300\s+IN\s+A\s+192\.0\.2\.7$", second, re.M)
    assert re.search(r'^\+\s*new\.u\.test\.\s+600\s+IN\s+TXT\s+"moved"$', second, re.M)
    assert re.search(r"^-\s*u\.test\.\s+\d+\s+IN\s+SOA\s.*\s1\s", first, re.M)
    assert re.search(r"^\+\s*u\.test\.\s+\d+\s+IN\s+SOA\s.*\s2\s", first, re.M)


def test_journal_print_reports_corruption(workdir, dynzone):
    srv = start(workdir)
    update(dynzone, srv, "update add new.u.test. 300 A 192.0.2.7\n")
    srv.stop()
    jnl = srv.data / "u.test.zone.jnl"
    data = bytearray(jnl.read_bytes())
    data[-3] ^= 0xFF  # inside the last record's CRC
    jnl.write_bytes(bytes(data))

    r = dynzone("journal", "print", jnl)
    assert r.returncode == 1
    assert "corrupt" in r.stderr or "crc" in r.stderr.lower(), r.stderr


def test_journal_print_missing_file(workdir, dynzone):
    r = dynzone("journal", "print", workdir / "nope.jnl")
    assert r.returncode != 0
    assert "nope.jnl" in r.stderr
