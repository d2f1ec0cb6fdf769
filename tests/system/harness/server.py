# SPDX-License-Identifier: BSD-3-Clause
"""Dynzoned: one dynzoned process per test, with its config and zones in the test's folder."""
import os
import signal
import socket
import subprocess
import textwrap
from pathlib import Path
from typing import Dict, Optional

import dns.message
import dns.query
import dns.rcode

from harness import paths
from harness.tools import run
from harness.wait import wait_until


def free_port(address: str) -> int:
    """A port that is free for both UDP and TCP on address right now."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            t.bind((address, 0))
            port = t.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                try:
                    u.bind((address, port))
                except OSError:
                    continue
            return port
    raise RuntimeError("no free port")


def stop_all(servers, request, tail: int = 4000) -> None:
    """Stop the servers (Dynzoned or peers) a test started, newest first. If
    the test failed, print the end of each log and kill what can be killed,
    so its files stay as they were for reading."""
    rep = getattr(request.node, "rep_call", None)
    failed = rep is not None and rep.failed
    for srv in reversed(servers):
        if not failed:
            srv.stop()
            continue
        name = getattr(srv, "label", "") or srv.address
        print(f"\n--- log of {name}:\n{srv.log_text()[-tail:]}")
        if hasattr(srv, "kill"):
            srv.kill()
        else:
            srv.stop()


class Dynzoned:
    """A dynzoned under test: write_config/zone files, start(), query, ctl(), stop()."""

    def __init__(self, workdir: Path, address: str = "127.0.0.1",
                 port: Optional[int] = None):
        self.dir = Path(workdir)
        self.address = address
        self.port = port or free_port(address)
        self.data = self.dir / "data"
        self.data.mkdir(parents=True, exist_ok=True)
        self.conf = self.dir / "dynzoned.yaml"
        self.socket = self.data / "control.sock"
        self.log = self.dir / "dynzoned.log"
        self.proc: Optional[subprocess.Popen] = None
        self.build = paths.build_dir()

    # --- files ---------------------------------------------------------------
    def write_zone(self, name: str, text: str) -> Path:
        path = self.data / name
        path.write_text(textwrap.dedent(text))
        return path

    def write_config(self, zones: Dict[str, str], extra: str = "",
                     server_extra: str = "") -> Path:
        """zones: domain -> zone file name (relative to data/)."""
        lines = [
            "server:",
            f"  listen: [{self.address}@{self.port}]",
            f"  data-dir: {self.data}",
            f"  control: {self.socket}",
            "  workers: 2",
        ]
        lines += ["  " + l for l in textwrap.dedent(server_extra).splitlines() if l]
        lines += [
            "log:",
            f"  - target: {self.log}",
            "    format: text",
            "    level: debug",
            "    categories: [general, query, update, notify, xfr-in, "
            "xfr-out, security, control]",
        ]
        if zones:
            lines.append("zone:")
            for domain, file in zones.items():
                lines += [f"  - domain: {domain}", f"    file: {file}",
                          "    role: primary"]
        self.conf.write_text("\n".join(lines) + "\n" + textwrap.dedent(extra))
        return self.conf

    # --- process -------------------------------------------------------------
    def start(self, args=None, wait_zone: Optional[str] = None,
              cwd: Optional[Path] = None, expect_fail: bool = False,
              wait: bool = True):
        argv = [str(self.build / "dynzoned")]
        argv += args if args is not None else ["-c", str(self.conf)]
        self.stderr = open(self.dir / "stderr.log", "wb")
        self.proc = subprocess.Popen(argv, cwd=cwd or self.dir,
                                     stdout=self.stderr,
                                     stderr=subprocess.STDOUT)
        if expect_fail:
            return self.proc.wait(timeout=60)
        if not wait:
            return None
        zone = wait_zone or "."
        wait_until(lambda: self._answers(zone), timeout=30,
                   what=f"dynzoned to answer SOA {zone}")
        return None

    def _answers(self, zone: str) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"dynzoned exited with {self.proc.returncode}:\n"
                               + self.stderr_text())
        try:
            self.query(zone, "SOA", timeout=0.5)
            return True
        except Exception:  # noqa: BLE001 - not up yet
            return False

    def query(self, name: str, rdtype: str = "A", tcp: bool = False,
              timeout: float = 2.0) -> dns.message.Message:
        q = dns.message.make_query(name, rdtype)
        send = dns.query.tcp if tcp else dns.query.udp
        return send(q, self.address, port=self.port, timeout=timeout)

    def stop(self, expect_status: int = 0) -> int:
        """SIGTERM by PID; asserts the exit status."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        os.kill(self.proc.pid, signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        assert code == expect_status, \
            f"dynzoned exited {code}; log kept in {self.dir}\n" + self.log_text()
        return code

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def signal(self, signum: int):
        os.kill(self.proc.pid, signum)

    # --- logs and control ----------------------------------------------------
    def log_text(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def stderr_text(self) -> str:
        p = self.dir / "stderr.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def wait_log(self, needle: str, timeout: float = 20, count: int = 1,
                 source=None) -> str:
        text = source or self.log_text
        return wait_until(lambda: text().count(needle) >= count and text(),
                          timeout=timeout, what=f"log line {needle!r}")

    def ctl(self, *args: str, json: bool = False):
        argv = [self.build / "dynzone", "ctl", "-s", self.socket]
        if json:
            argv.append("--json")
        return run(argv + list(args), timeout=60)
