# SPDX-License-Identifier: BSD-3-Clause
"""BIND and Knot as primaries of a dynzoned secondary: the harness peers plus transfers allowed and NOTIFY to the secondary."""
from pathlib import Path
from typing import Dict, List, Tuple

from harness.peers import Bind, Knot

KEY = ("upd", "hmac-sha256", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ=")


class BindPrimary(Bind):
    """named serving its zones to anyone, NOTIFY (from its own address, at
    once) to the secondaries given."""

    def __init__(self, workdir: Path, address: str,
                 secondaries: List[Tuple[str, int]], **kw):
        super().__init__(workdir, address, keys=[KEY], update_key=KEY[0],
                         **kw)
        self.secondaries = secondaries

    def write_config(self, zones: Dict[str, Path]) -> Path:
        conf = super().write_config(zones)
        targets = " ".join(f"{a} port {p};" for a, p in self.secondaries)
        text = conf.read_text()
        text = text.replace("\tnotify no;\n",
                            "\tnotify explicit;\n"
                            f"\talso-notify {{ {targets} }};\n"
                            f"\tnotify-source {self.address};\n"
                            "\tnotify-delay 0;\n")
        text = text.replace("\tallow-transfer { none; };",
                            "\tallow-transfer { any; };")
        conf.write_text(text)
        return conf


class KnotPrimary(Knot):
    """knotd serving its zones to anyone, NOTIFY (from its own address) to
    the secondaries given; updates kept as changes, so IXFR works."""

    def __init__(self, workdir: Path, address: str,
                 secondaries: List[Tuple[str, int]], **kw):
        super().__init__(workdir, address, keys=[KEY], update_key=KEY[0],
                         **kw)
        self.secondaries = secondaries

    def write_config(self, zones: Dict[str, Path]) -> Path:
        conf = super().write_config(zones)
        lines = conf.read_text().splitlines()
        remote = ["remote:"]
        for i, (a, p) in enumerate(self.secondaries):
            remote += [f"  - id: sec{i}", f"    address: {a}@{p}",
                       f"    via: {self.address}"]
        at = lines.index("template:")
        lines[at:at] = remote
        acl_at = lines.index("acl:") + 1
        lines[acl_at:acl_at] = ["  - id: xfr", "    action: transfer"]
        names = ", ".join(f"sec{i}" for i in range(len(self.secondaries)))
        lines = [("    acl: [update, xfr]" if l == "    acl: update" else l)
                 for l in lines]
        zone_at = lines.index("zone:")
        lines[zone_at:zone_at] = [f"    notify: [{names}]"]
        conf.write_text("\n".join(lines) + "\n")
        return conf
