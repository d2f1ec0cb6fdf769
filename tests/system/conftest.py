# SPDX-License-Identifier: BSD-3-Clause
"""Fixtures of the system tests: the build under test and its tools."""
from pathlib import Path

import pytest

from harness import paths
from harness.tools import Dynzone


@pytest.fixture(scope="session")
def build_dir() -> Path:
    """The build folder under test ($DZ_BUILD or ./build); fails if not built."""
    path = paths.build_dir()
    if not (path / "dynzone").is_file():
        pytest.fail(f"{path}/dynzone does not exist: run `make` first "
                    "(or set DZ_BUILD to a build folder)")
    return path


@pytest.fixture(scope="session")
def dynzone(build_dir: Path) -> Dynzone:
    """Runs build/dynzone: dynzone('check', 'zone', FILE, ORIGIN, cwd=...)."""
    return Dynzone(build_dir / "dynzone")


@pytest.fixture
def workdir(tmp_path: Path, request) -> Path:
    """A fresh folder for one test. pytest keeps the last runs' folders
    (under /tmp/pytest-of-$USER), so the files of a failed test can be read
    after the run; the path is printed when the test fails."""
    yield tmp_path
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        print(f"\nworkdir kept: {tmp_path}")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Record each phase's report on the item so fixtures can see failures."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)
