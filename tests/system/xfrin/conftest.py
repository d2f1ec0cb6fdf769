# SPDX-License-Identifier: BSD-3-Clause
"""Fixtures of the transfer-in tests: every dynzoned started is stopped after the test (logs shown on failure)."""
import pytest


@pytest.fixture
def servers(request):
    """A list to append started servers (Dynzoned or peers) to; each is
    stopped after the test, its log printed if the test failed."""
    made = []
    yield made
    rep = getattr(request.node, "rep_call", None)
    failed = rep is not None and rep.failed
    for srv in reversed(made):
        if failed:
            print(f"\n--- log of {srv.address}:\n{srv.log_text()[-6000:]}")
        if hasattr(srv, "kill") and failed:
            srv.kill()
        else:
            srv.stop()
