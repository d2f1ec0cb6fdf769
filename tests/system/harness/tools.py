# SPDX-License-Identifier: BSD-3-Clause
"""Running the dynzone tool (and other programs) with a deadline."""
import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional, Sequence, Union

StrPath = Union[str, Path]

# Generous: sanitized builds are several times slower than release ones.
DEFAULT_TIMEOUT = 120


def run(argv: Sequence[StrPath], cwd: Optional[StrPath] = None,
        stdin: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT) -> subprocess.CompletedProcess:
    """Run a program to completion; never raises on a non-zero exit."""
    return subprocess.run([str(a) for a in argv], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=timeout,
                          check=False)


def which(program: str) -> Optional[str]:
    """Path of a program on PATH or in the sbin folders, or None."""
    extra = "/usr/sbin:/sbin:/usr/local/sbin"
    return shutil.which(program, path=os.environ.get("PATH", "") + ":" + extra)


class Dynzone:
    """The `dynzone` binary of the build under test."""

    def __init__(self, path: Path):
        self.path = path

    def __call__(self, *args: StrPath, cwd: Optional[StrPath] = None,
                 stdin: Optional[str] = None,
                 timeout: float = DEFAULT_TIMEOUT) -> subprocess.CompletedProcess:
        return run([self.path, *args], cwd=cwd, stdin=stdin, timeout=timeout)
