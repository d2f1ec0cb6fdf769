# SPDX-License-Identifier: BSD-3-Clause
"""Fixtures of the differential tests: dynzoned, BIND and Knot serving the same zones, each on its own 127.0.0.N."""
import shutil
from dataclasses import dataclass

import pytest

from harness.peers import Bind, Knot, ensure_loopback_address
from harness.server import Dynzoned

import diffcorpus

BIND_ADDR = "127.0.0.81"
KNOT_ADDR = "127.0.0.82"
DZ_ADDR = "127.0.0.83"


@dataclass
class Trio:
    bind: Bind
    knot: Knot
    dz: Dynzoned

    def servers(self):
        return (("bind", self.bind), ("knot", self.knot), ("dynzoned", self.dz))


@pytest.fixture(scope="module")
def trio(tmp_path_factory, build_dir):
    """The three servers, started once per module; skipped when named or
    knotd is missing. On a failure the logs stay in the printed folder."""
    for peer in (Bind, Knot):
        if peer.available() is None:
            pytest.skip(f"{peer.program} is not installed")
    root = tmp_path_factory.mktemp("diff")
    zones = {d: diffcorpus.ZONE_DIR / f for d, f in diffcorpus.ZONES.items()}
    bind = Bind(root / "bind", BIND_ADDR)
    knot = Knot(root / "knot", KNOT_ADDR)
    ensure_loopback_address(DZ_ADDR)
    dz = Dynzoned(root / "dynzoned", DZ_ADDR)
    for domain, file in diffcorpus.ZONES.items():
        shutil.copy(zones[domain], dz.data / file)
    dz.write_config(dict(diffcorpus.ZONES))
    started = []
    try:
        for peer in (bind, knot):
            peer.start(zones)
            started.append(peer)
        dz.start(wait_zone="diff.test.")
        started.append(dz)
        yield Trio(bind, knot, dz)
    finally:
        for srv in started:
            srv.stop()
        print(f"\ndifferential test servers' folders: {root}")
