# SPDX-License-Identifier: BSD-3-Clause
"""Where the source tree, its test data and the build under test are."""
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "tests" / "data"
ZONES = DATA / "zones"


def build_dir() -> Path:
    """The build under test: $DZ_BUILD (CI points it at build-asan/), else ./build."""
    env = os.environ.get("DZ_BUILD")
    return Path(env).resolve() if env else REPO / "build"
