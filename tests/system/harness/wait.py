# SPDX-License-Identifier: BSD-3-Clause
"""Waiting for a condition by polling it against a deadline (never a fixed sleep)."""
import time
from typing import Callable, TypeVar

T = TypeVar("T")


def wait_until(cond: Callable[[], T], timeout: float = 10.0,
               interval: float = 0.02, what: str = "condition") -> T:
    """Poll cond() until it returns a truthy value and return that value;
    raise TimeoutError naming `what` when the deadline passes first."""
    deadline = time.monotonic() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
