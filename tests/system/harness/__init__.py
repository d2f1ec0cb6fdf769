# SPDX-License-Identifier: BSD-3-Clause
"""Helpers shared by the system tests: paths, running the tools, waiting."""
