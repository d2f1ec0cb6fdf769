# SPDX-License-Identifier: BSD-3-Clause
"""Fixtures of the dynzoned tests: a server in the test's folder, stopped (SIGTERM) afterwards."""
import pytest

from harness.server import Dynzoned


@pytest.fixture
def server(workdir, request):
    """An unstarted Dynzoned on 127.0.0.1 and a free port; on failure the
    folder (config, zones, log) is kept and its path printed."""
    srv = Dynzoned(workdir)
    yield srv
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        srv.kill()
        print(f"\ndynzoned files kept in {workdir}\n{srv.log_text()[-4000:]}")
        return
    if srv.proc is not None and srv.proc.poll() is None:
        srv.stop()
