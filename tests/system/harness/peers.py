# SPDX-License-Identifier: BSD-3-Clause
"""Reference servers for differential tests: BIND (named) and Knot (knotd), each on its own 127.0.0.N address."""
import os
import signal
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import dns.message
import dns.query
import dns.rcode

from harness.server import free_port
from harness.tools import run, which
from harness.wait import wait_until


def ensure_loopback_address(address: str) -> None:
    """Put address on lo if no interface carries it yet (idempotent).
    BIND only listens on addresses that an interface actually holds; the
    127.0.0.0/8 route alone is not enough for it."""
    shown = run(["ip", "-o", "-4", "addr", "show", "dev", "lo"], timeout=10)
    if f"inet {address}/" in shown.stdout:
        return
    added = run(["ip", "addr", "add", f"{address}/32", "dev", "lo"], timeout=10)
    if added.returncode != 0 and "File exists" not in added.stderr:
        raise RuntimeError(f"cannot add {address} to lo: {added.stderr.strip()}")


class Peer:
    """One reference server process: write its config, start(), query, stop() by PID.

    The process's output goes to a log file in its folder; the folder is
    left in place, so a failing test can show the log (log_text())."""

    program = ""
    label = ""

    def __init__(self, workdir: Path, address: str, port: Optional[int] = None,
                 keys: Sequence[Tuple[str, str, str]] = (),
                 update_key: Optional[str] = None):
        """keys: TSIG keys (name, algorithm, base64 secret) the server
        knows; update_key: the zones accept dynamic updates signed with
        that key (None: updates refused, as before)."""
        self.keys = list(keys)
        self.update_key = update_key
        self.dir = Path(workdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.address = address
        ensure_loopback_address(address)
        self.port = port or free_port(address)
        self.log = self.dir / f"{self.label}.log"
        self.proc: Optional[subprocess.Popen] = None
        self._out = None

    @classmethod
    def available(cls) -> Optional[str]:
        """Path of the server program, or None when it is not installed."""
        return which(cls.program)

    # --- to be provided by the subclasses ------------------------------------
    def write_config(self, zones: Dict[str, Path]) -> Path:
        raise NotImplementedError

    def argv(self) -> List[str]:
        raise NotImplementedError

    # --- process -------------------------------------------------------------
    def start(self, zones: Dict[str, Path], timeout: float = 30.0) -> None:
        """Write the config for zones (domain -> zone file), start the
        server and wait until it answers SOA for every zone."""
        if self.available() is None:
            raise RuntimeError(f"{self.program} is not installed")
        self.write_config(zones)
        self._out = open(self.log, "wb")
        self.proc = subprocess.Popen(self.argv(), cwd=self.dir,
                                     stdout=self._out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        for zone in zones:
            wait_until(lambda z=zone: self._answers(z), timeout=timeout,
                       what=f"{self.label} to answer SOA {zone}")

    def _answers(self, zone: str) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"{self.label} exited with {self.proc.returncode}:"
                               f"\n{self.log_text()[-3000:]}")
        q = dns.message.make_query(zone, "SOA")
        try:
            r = dns.query.udp(q, self.address, port=self.port, timeout=0.3)
        except Exception:  # noqa: BLE001 - not listening yet
            return False
        # SERVFAIL/REFUSED: the zone is not loaded (yet or at all).
        return r.rcode() == dns.rcode.NOERROR and bool(r.answer)

    def query(self, name: str, rdtype: str = "A", tcp: bool = False,
              timeout: float = 2.0) -> dns.message.Message:
        q = dns.message.make_query(name, rdtype)
        send = dns.query.tcp if tcp else dns.query.udp
        return send(q, self.address, port=self.port, timeout=timeout)

    @property
    def pid(self) -> Optional[int]:
        return self.proc.pid if self.proc else None

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM by PID, SIGKILL if it does not exit in time."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=timeout)
        if self._out is not None:
            self._out.close()
            self._out = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


class Bind(Peer):
    """named -g -c named.conf -n 1, zones as `type primary` with their files.

    `minimal-responses no-auth` (no NS RRset in the authority section of
    positive answers, as Knot and dynzoned, but the additional section
    still filled; plain `yes` drops MX/NS/SRV target addresses) and `minimal-any yes` (one
    RRset for ANY over UDP, RFC 8482 §4.1, as dynzoned) align BIND's
    policy with the servers it is compared with; the integrity checks are
    off so the odd test zones load as written."""

    program = "named"
    label = "named"

    def write_config(self, zones: Dict[str, Path]) -> Path:
        d = self.dir
        lines = [
            "options {",
            f'\tdirectory "{d}";',
            f"\tlisten-on port {self.port} {{ {self.address}; }};",
            "\tlisten-on-v6 { none; };",
            "\trecursion no;",
            f'\tpid-file "{d}/named.pid";',
            f'\tsession-keyfile "{d}/session.key";',
            f'\tmanaged-keys-directory "{d}";',
            "\tdnssec-validation no;",
            "\tminimal-responses no-auth;",
            "\tminimal-any yes;",
            "\tnotify no;",
            "\tallow-transfer { none; };",
            "\tcheck-names primary ignore;",
            "\tcheck-integrity no;",
            "\tcheck-sibling no;",
            "\tcheck-wildcard no;",
            "\tcheck-mx ignore;",
            "\tcheck-mx-cname ignore;",
            "\tcheck-srv-cname ignore;",
            "\tcheck-dup-records ignore;",
            "};",
            "controls { };",
        ]
        for name, alg, secret in self.keys:
            lines.append(f'key "{name}" {{ algorithm {alg}; secret "{secret}"; }};')
        # A dynamic zone: BIND writes FILE.jnl beside the file and bumps
        # the serial by 1 per update (serial-update-method increment).
        update = (f" allow-update {{ key {self.update_key}; }};"
                  if self.update_key else "")
        for domain, path in zones.items():
            lines.append(f'zone "{domain}" {{ type primary; file "{path}";{update} }};')
        conf = d / "named.conf"
        conf.write_text("\n".join(lines) + "\n")
        return conf

    def argv(self) -> List[str]:
        return [self.available(), "-g", "-c", str(self.dir / "named.conf"), "-n", "1"]


class Knot(Peer):
    """knotd -c knot.conf with its own rundir and storage; zones loaded
    whole from their files, never written back (zonefile-sync: -1).
    With update_key: the zones accept updates signed with it, and
    changes are kept in the journal (journal-content: changes; LMDB
    commits synchronously), so an answered update is on disk."""

    program = "knotd"
    label = "knotd"

    def write_config(self, zones: Dict[str, Path]) -> Path:
        d = self.dir
        (d / "storage").mkdir(exist_ok=True)
        lines = [
            "server:",
            f'    rundir: "{d}"',
            f'    pidfile: "{d}/knot.pid"',
            f"    listen: {self.address}@{self.port}",
            "    udp-workers: 1",
            "    tcp-workers: 1",
            "    background-workers: 1",
            "database:",
            f'    storage: "{d}/storage"',
            "log:",
            "  - target: stderr",
            "    any: info",
            "template:",
            "  - id: default",
            f'    storage: "{d}/storage"',
            "    semantic-checks: off",
            "    zonefile-sync: -1",
            "    zonefile-load: whole",
            "    journal-content: " + ("changes" if self.update_key else "none"),
        ]
        if self.update_key:
            lines.insert(lines.index("template:"), "acl:")
            lines.insert(lines.index("template:"), "  - id: update")
            lines.insert(lines.index("template:"),
                         f"    key: {self.update_key}")
            lines.insert(lines.index("template:"), "    action: update")
            lines.append("    acl: update")
        if self.keys:
            at = lines.index("template:") if not self.update_key \
                else lines.index("acl:")
            keylines = ["key:"]
            for name, alg, secret in self.keys:
                keylines += [f"  - id: {name}", f"    algorithm: {alg}",
                             f"    secret: {secret}"]
            lines[at:at] = keylines
        lines.append("zone:")
        for domain, path in zones.items():
            lines += [f'  - domain: "{domain}"', f'    file: "{path}"']
        conf = d / "knot.conf"
        conf.write_text("\n".join(lines) + "\n")
        return conf

    def argv(self) -> List[str]:
        return [self.available(), "-c", str(self.dir / "knot.conf")]
