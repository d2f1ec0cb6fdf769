# SPDX-License-Identifier: BSD-3-Clause
"""`dynzone check zone`: every valid zone loads, every broken one fails with
its exact diagnostic, --print round-trips, and BIND agrees."""
import re
from pathlib import Path

import pytest

from harness import paths
from harness.tools import run, which

VALID = sorted((paths.ZONES / "valid").glob("*.zone"))
BROKEN = sorted((paths.ZONES / "broken").glob("*.zone"))

# Broken zones that named-checkzone loads anyway; dynzone is stricter on
# purpose (a record it would not serve is an operator's mistake).
BIND_LOADS = {
    "out-of-zone.zone": "BIND ignores out-of-zone data with a warning",
    "dname-with-children.zone": "BIND loads data occluded by a DNAME",
}

LOADED = re.compile(r"^zone (\S+)/IN: loaded serial (\d+)$")


def origin_of(zone: Path) -> str:
    """The zone's origin: a '; origin: NAME' comment near the top, else
    example.test. (the origin of nearly every test zone)."""
    with zone.open() as f:
        for line in f.readlines()[:5]:
            m = re.match(r";\s*origin:\s*(\S+)", line)
            if m:
                return m.group(1)
    return "example.test."


def rel(zone: Path) -> str:
    """The path the tool is given (and shows in diagnostics)."""
    return str(zone.relative_to(paths.ZONES))


def check(dynzone, zone: Path, *extra: str):
    return dynzone("check", "zone", *extra, rel(zone), origin_of(zone),
                   cwd=paths.ZONES)


def ids(zones):
    return [z.name for z in zones]


def test_test_data_is_there():
    assert len(VALID) >= 8
    assert len(BROKEN) >= 25


@pytest.mark.parametrize("zone", VALID, ids=ids(VALID))
def test_valid_zone_loads(dynzone, zone):
    r = check(dynzone, zone)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[-1] == "OK"
    m = LOADED.match(out[-2])
    assert m, r.stdout
    assert m.group(1) == origin_of(zone).rstrip(".")
    # A valid zone may still deserve a warning (e.g. missing glue): the
    # optional .expect file holds the exact line.
    expect = zone.with_suffix(".expect")
    if expect.exists():
        assert expect.read_text().strip() in r.stderr.splitlines()
    else:
        assert r.stderr == ""


@pytest.mark.parametrize("zone", BROKEN, ids=ids(BROKEN))
def test_broken_zone_is_rejected_with_its_diagnostic(dynzone, zone):
    expect = zone.with_suffix(".expect")
    assert expect.exists(), f"{expect.name} is missing"
    r = check(dynzone, zone)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "OK" not in r.stdout.splitlines()
    assert expect.read_text().strip() in r.stderr.splitlines(), r.stderr


@pytest.mark.parametrize("zone", BROKEN, ids=ids(BROKEN))
def test_broken_zone_prints_nothing(dynzone, zone):
    """No partial zone: --print writes nothing when the zone is rejected."""
    r = check(dynzone, zone, "--print")
    assert r.returncode == 1
    assert r.stdout == ""


@pytest.mark.parametrize("zone", VALID, ids=ids(VALID))
def test_print_reparses_to_the_same_zone(dynzone, zone, workdir):
    first = check(dynzone, zone, "--print")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip(), "printed an empty zone"
    printed = workdir / "printed.zone"
    printed.write_text(first.stdout)
    origin = origin_of(zone)
    second = dynzone("check", "zone", "--print", printed, origin)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    # The status lines go to stderr so that stdout is only the zone.
    assert "OK" in first.stderr.splitlines()


def test_print_writes_one_record_a_line_in_canonical_order(dynzone):
    zone = paths.ZONES / "valid" / "example.test.zone"
    r = check(dynzone, zone, "--print")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split("\t")[3] == "SOA"
    owners = [line.split("\t")[0] for line in lines]
    assert owners[0] == "example.test."
    assert "*.dyn.example.test." in owners
    assert "ns2.lab.example.test." in owners
    # Canonical order (RFC 4034 §6.1): the apex, then its children sorted
    # by their labels from the right.
    assert owners.index("ftp.example.test.") < owners.index("lab.example.test.")
    assert owners.index("lab.example.test.") < owners.index("ns1.lab.example.test.")
    assert owners.index("ns1.lab.example.test.") < owners.index("mail.example.test.")


def test_missing_file_is_an_error(dynzone, workdir):
    r = dynzone("check", "zone", workdir / "nope.zone", "example.test.")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith("dynzone: error: ")
    assert "nope.zone" in r.stderr


def test_bad_origin_is_a_usage_error(dynzone):
    zone = paths.ZONES / "valid" / "minimal.zone"
    r = dynzone("check", "zone", zone, "bad..origin")
    assert r.returncode == 2
    assert r.stderr.startswith("dynzone: error: ")


@pytest.mark.parametrize("args", [
    ["check", "zone"],
    ["check", "zone", "only-a-file"],
    ["check", "zone", "a", "b", "c"],
    ["check", "zone", "--bogus", "a", "b"],
    ["check", "nothing"],
    ["no-such-command"],
    [],
])
def test_bad_command_line_exits_2(dynzone, args):
    r = dynzone(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr != ""


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"],
                                  ["check", "zone", "--help"]])
def test_help_goes_to_stdout(dynzone, args):
    r = dynzone(*args)
    assert r.returncode == 0
    assert r.stdout.startswith("usage: dynzone")
    assert r.stderr == ""


def test_version(dynzone):
    r = dynzone("--version")
    assert r.returncode == 0
    assert re.fullmatch(r"dynzone \d+\.\d+\.\d+\n", r.stdout)


# --- cross-check with BIND's named-checkzone ---------------------------------

NAMED_CHECKZONE = which("named-checkzone")
needs_bind = pytest.mark.skipif(NAMED_CHECKZONE is None,
                                reason="named-checkzone (bind9-utils) is not installed")


def named_checkzone(zone: Path, origin: str):
    # $INCLUDE paths are relative to named's working folder, and ours to the
    # including file's folder: running in the zone's folder makes them agree.
    return run([NAMED_CHECKZONE, "-i", "local", origin, zone.name],
               cwd=zone.parent)


@needs_bind
@pytest.mark.parametrize("zone", VALID, ids=ids(VALID))
def test_bind_accepts_valid_zone(zone):
    r = named_checkzone(zone, origin_of(zone))
    assert r.returncode == 0, r.stdout + r.stderr


@needs_bind
@pytest.mark.parametrize("zone", [
    pytest.param(z, marks=pytest.mark.skip(reason=BIND_LOADS[z.name]))
    if z.name in BIND_LOADS else z for z in BROKEN], ids=ids(BROKEN))
def test_bind_rejects_broken_zone(zone):
    r = named_checkzone(zone, origin_of(zone))
    assert r.returncode != 0, r.stdout


@needs_bind
@pytest.mark.parametrize("zone", VALID, ids=ids(VALID))
def test_bind_accepts_printed_zone(dynzone, zone, workdir):
    r = check(dynzone, zone, "--print")
    assert r.returncode == 0, r.stderr
    printed = workdir / "printed.zone"
    printed.write_text(r.stdout)
    b = named_checkzone(printed, origin_of(zone))
    assert b.returncode == 0, b.stdout + b.stderr
