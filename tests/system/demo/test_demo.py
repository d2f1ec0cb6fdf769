# SPDX-License-Identifier: BSD-3-Clause
"""`dynzone demo` (issue 5 §8): two dynzoned, one signed update, the chain printed from both logs in order."""
import os
import re
import subprocess
from pathlib import Path

from harness.tools import run

# Addresses of this folder's tests (127.0.0.140-149): clear of the other
# replication tests. Linux binds any 127/8 address without `ip addr add`.
PRIMARY = "127.0.0.140"
SECONDARY = "127.0.0.141"

# The steps every run must show, in causal order; notify-answered only
# needs to come after notify-sent (the secondary answers the NOTIFY and
# starts its refresh at the same time).
ORDER = ["update-applied", "notify-sent", "notify-received",
         "xfr-in-started", "xfr-in-done"]

STEP = re.compile(r"^\s+\+(\d+) ms\s+(primary|secondary)\s+([a-z-]+)\s+(.*)$")


def demo(build_dir: Path, tmp: Path, *args: str):
    env = dict(os.environ, TMPDIR=str(tmp))
    # Sanitized builds start slowly: a generous start-up deadline.
    argv = [build_dir / "dynzone", "demo", "--primary", PRIMARY,
            "--secondary", SECONDARY, "--timeout", "60", *args]
    return subprocess.run([str(a) for a in argv], env=env, capture_output=True,
                          text=True, timeout=180, check=False)


def steps(out: str):
    return [(int(m.group(1)), m.group(2), m.group(3), m.group(4))
            for m in map(STEP.match, out.splitlines()) if m]


def test_demo_prints_the_chain_in_order_and_exits_0(build_dir, workdir):
    r = demo(build_dir, workdir)
    assert r.returncode == 0, r.stdout + r.stderr
    chain = steps(r.stdout)
    events = [e for _, _, e, _ in chain]
    at = [events.index(e) for e in ORDER]
    assert at == sorted(at), events
    assert events.index("notify-answered") > events.index("notify-sent")
    servers = {e: s for _, s, e, _ in chain}
    assert servers["update-applied"] == "primary"
    assert servers["notify-sent"] == "primary"
    assert servers["notify-received"] == "secondary"
    assert servers["xfr-in-done"] == "secondary"
    # Times are relative to the update, so never negative and in order.
    times = [t for t, _, _, _ in chain]
    assert times == sorted(times)
    details = {e: d for _, _, e, d in chain}
    assert "serial=1->2" in details["update-applied"]
    assert "key=demo-key." in details["update-applied"]
    assert "type=ixfr" in details["xfr-in-done"]
    assert "serial=1->2" in details["xfr-in-done"]
    assert f"target={SECONDARY}#" in details["notify-sent"]
    assert "rcode=NOERROR" in details["notify-answered"]
    assert "both servers stopped" in r.stdout


def test_demo_removes_its_folder_unless_keep(build_dir, workdir):
    r = demo(build_dir, workdir)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not list(workdir.glob("dynzone-demo.*"))
    r = demo(build_dir, workdir, "--keep")
    assert r.returncode == 0, r.stdout + r.stderr
    kept = list(workdir.glob("dynzone-demo.*"))
    assert len(kept) == 1
    for side in ("primary", "secondary"):
        assert (kept[0] / side / "dynzoned.yaml").is_file()
        log = (kept[0] / side / "dynzoned.log").read_text()
        assert '"event":"server-stopped"' in log


def test_demo_usage_errors_exit_2(build_dir):
    r = run([build_dir / "dynzone", "demo", "--port", "0"])
    assert r.returncode == 2
    r = run([build_dir / "dynzone", "demo", "surplus"])
    assert r.returncode == 2
    r = run([build_dir / "dynzone", "demo", "--help"])
    assert r.returncode == 0 and "usage: dynzone demo" in r.stdout
