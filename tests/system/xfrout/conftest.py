# SPDX-License-Identifier: BSD-3-Clause
"""Fixtures of the transfer-out tests: dynzoned primaries stopped after each test (log shown on failure)."""
import pytest

from harness.server import stop_all
from xclient import start_primary


@pytest.fixture
def primary(workdir, build_dir, request):
    """primary(**kw) starts a dynzoned primary of example.test. on
    127.0.0.110 (xclient.start_primary); each is stopped after the test."""
    made = []

    def make(**kw):
        srv = start_primary(workdir / f"dz{len(made)}", **kw)
        made.append(srv)
        return srv
    yield make
    stop_all(made, request)
