# SPDX-License-Identifier: BSD-3-Clause
"""Fixtures of the transfer-in tests: every dynzoned started is stopped after the test (logs shown on failure)."""
import pytest

from harness.server import stop_all


@pytest.fixture
def servers(request):
    """A list to append started servers (Dynzoned or peers) to; each is
    stopped after the test, its log printed if the test failed."""
    made = []
    yield made
    stop_all(made, request, tail=6000)
