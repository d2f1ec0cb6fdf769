# SPDX-License-Identifier: BSD-3-Clause
"""Differential test: the same queries to dynzoned, BIND and Knot; where BIND and Knot agree, dynzoned must agree."""
import collections
import json
from typing import Callable, Dict, List, NamedTuple, Optional

import dns.name
import pytest

import diffcorpus as dc
from diffcorpus import Answer, Query

# Generated queries on top of the fixed ones (dc.FIXED x sizes x transports).
GENERATED = 3000
FIELDS = ("rcode", "flags", "answer", "authority", "additional", "edns")


class Result(NamedTuple):
    query: Query
    raw: Dict[str, Answer]       # owner case as sent
    folded: Dict[str, Answer]    # names in lower case


class KnownBug(NamedTuple):
    """A dynzoned bug found by this test: the cases it explains are
    excluded from the main comparison and re-checked, strictly xfailed,
    in test_known_bug - when the bug is fixed, that test XPASSes (fails)
    and the entry must go."""
    id: str
    summary: str
    matches: Callable[[Query, Answer], bool]
    queries: List[Query]


def _has_dname(ans: Answer) -> bool:
    return any(" dname " in line.lower() for rr in ans.answer for line in rr)


# Bugs found by this suite and fixed: their queries stay as regression cases.
FIXED_BUGS = [
    KnownBug(
        "DIFF-1",
        "qtype CNAME for a name below a DNAME: dynzoned keeps following the "
        "synthesised CNAME (adds the target's CNAME/DNAMEs, NXDOMAIN, referral"
        " or TC through a DNAME loop) instead of stopping with DNAME + "
        "synthesised CNAME (RFC 6672 §3.1 with RFC 1034 §4.3.2 step 3a: "
        "the CNAME answers a CNAME query; BIND and Knot agree)",
        lambda q, ref: q.qtype == "CNAME" and _has_dname(ref),
        [Query(dns.name.from_text(n), "CNAME", p) for n, p in (
            ("y.dn.diff.test.", None), ("www.dn2.diff.test.", 1232),
            ("www.dnsub.diff.test.", None), ("x.dnloopb.diff.test.", 4096),
            ("ns.dnloopb.diff.test.", 512))]),
]

# Open bugs: skipped in the main comparison, tracked by a strict xfail.
KNOWN_BUGS: List[KnownBug] = []


def known_bug(q: Query, ref: Answer) -> Optional[KnownBug]:
    for bug in KNOWN_BUGS:
        if bug.matches(q, ref):
            return bug
    return None


@pytest.fixture(scope="module")
def results(trio) -> List[Result]:
    clients = {n: dc.Client(s.address, s.port) for n, s in trio.servers()}
    out = []
    try:
        for q in dc.corpus(GENERATED):
            raw = {n: dc.normalise(c.ask(q)) for n, c in clients.items()}
            out.append(Result(q, raw, {n: a.folded() for n, a in raw.items()}))
    finally:
        for c in clients.values():
            c.close()
    assert trio.dz.proc.poll() is None, "dynzoned died during the corpus"
    return out


def _show(r: Result, which=("bind", "knot", "dynzoned"), folded=True) -> str:
    ans = r.folded if folded else r.raw
    lines = [f"query: {r.query}"]
    for n in which:
        lines.append(f"  {n}: " + ans[n].text().replace("\n", "\n  "))
    return "\n".join(lines)


# --- categories of BIND/Knot disagreement -------------------------------------

_FEATURES = {
    "dname": ("dn", "dn2", "dnout", "dnext", "dnsub", "dnloop", "dnloopb", "dnlong"),
    "wildcard": ("wild", "wcname", "wchain", "wext", "wloop", "wmiss", "wildent",
                 "wsrv", "wmx", "wdel", "*"),
    "referral": ("sub", "ext", "noglue", "kid", "signed", "sib", "bigns", "subdel"),
    "cname": ("c1", "c2", "c3", "cout", "cout2", "cext", "loop1", "loop2", "self",
              "dangling", "toent", "todeleg", "tosub", "towild", "todname", "tomx",
              "toout"),
    "large-rrset": ("big512", "big1232", "big4096", "manya", "manymx"),
}


def feature(q: Query) -> str:
    """What part of the zones a query exercises: the first label (from
    the zone apex down) that names a feature of tests/data/diff/."""
    if q.qtype in ("ANY", "DS"):
        return q.qtype.lower()
    zones = [dns.name.from_text(z) for z in dc.ZONES]
    apex = max((z for z in zones if q.qname.is_subdomain(z)),
               key=len, default=None)
    if apex is None:
        return "not-served"
    rel = q.qname.relativize(apex)
    for lab in reversed(rel.labels):
        lab = lab.decode("latin-1").lower()
        if lab.startswith("ch") and lab[2:].isdigit():
            return "cname-chain-length"
        for name, marks in _FEATURES.items():
            if lab in marks:
                return name
    return "other"


def category(r: Result) -> str:
    b, k = r.folded["bind"], r.folded["knot"]
    if b == k:
        return "owner-case"
    fields = [f for f in FIELDS if getattr(b, f) != getattr(k, f)]
    if fields == ["edns"] and b.edns and k.edns and b.edns[:3] == k.edns[:3]:
        return "edns-options (EDE)"
    tc = " (TC)" if "TC" in b.flags or "TC" in k.flags else ""
    return f"{feature(r.query)}: {'+'.join(fields)}{tc}"


def choice(r: Result, folded: bool = True) -> str:
    ans = r.folded if folded else r.raw
    z = ans["dynzoned"]
    if z == ans["bind"]:
        return "bind"
    if z == ans["knot"]:
        return "knot"
    return "neither"


# --- tests ------------------------------------------------------------------------

def test_every_server_answered_every_query(results):
    silent = [(str(r.query), n) for r in results for n, a in r.raw.items()
              if a == dc.NO_ANSWER]
    assert not silent, f"{len(silent)} queries unanswered, e.g. {silent[:10]}"


def test_bind_and_knot_agree_on_most_queries(results):
    """Guards the comparison itself: a broken peer config would make every
    case a disagreement and the main test vacuous."""
    agree = sum(r.folded["bind"] == r.folded["knot"] for r in results)
    assert agree >= 0.6 * len(results), f"only {agree}/{len(results)} agree"


def test_dynzoned_agrees_where_bind_and_knot_agree(results):
    bad = []
    for r in results:
        ref = r.folded["bind"]
        if ref != r.folded["knot"] or r.folded["dynzoned"] == ref:
            continue
        if known_bug(r.query, ref) is None:
            bad.append(r)
    if bad:
        pytest.fail(f"{len(bad)} answers differ from BIND and Knot (which agree):\n\n"
                    + "\n\n".join(_show(r) for r in bad[:40]), pytrace=False)


@pytest.mark.parametrize("bug", [
    pytest.param(b, id=b.id, marks=pytest.mark.xfail(strict=True, reason=f"{b.id}: {b.summary}"))
    for b in KNOWN_BUGS] + [pytest.param(b, id=b.id) for b in FIXED_BUGS])
def test_known_bug(bug, trio):
    clients = {n: dc.Client(s.address, s.port) for n, s in trio.servers()}
    try:
        for q in bug.queries:
            got = {n: dc.normalise(c.ask(q)).folded() for n, c in clients.items()}
            assert got["bind"] == got["knot"], f"references disagree on {q}"
            assert bug.matches(q, got["bind"])
            assert got["dynzoned"] == got["bind"], \
                f"{bug.id}: {q}\nexpected:\n{got['bind'].text()}\ngot:\n{got['dynzoned'].text()}"
    finally:
        for c in clients.values():
            c.close()


def test_disagreements_report(results, tmp_path_factory):
    """Writes differential-report.{txt,json}: every BIND/Knot disagreement
    by category with the server dynzoned matched (docs/differential.md
    summarises it). Fails only if a category is new to that document."""
    cats: Dict[str, List[Result]] = collections.defaultdict(list)
    for r in results:
        if r.raw["bind"] != r.raw["knot"]:
            cats[category(r)].append(r)
    out = tmp_path_factory.mktemp("report")
    lines, summary = [], {}
    for cat in sorted(cats, key=lambda c: -len(cats[c])):
        rs = cats[cat]
        folded = cat != "owner-case"
        counts = collections.Counter(choice(r, folded) for r in rs)
        summary[cat] = dict(counts, total=len(rs))
        lines.append(f"== {cat}: {len(rs)} queries; dynzoned matches "
                     + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
        for r in rs[:3]:
            lines.append(_show(r, folded=folded))
        lines.append("")
    (out / "differential-report.txt").write_text("\n".join(lines))
    (out / "differential-report.json").write_text(json.dumps(summary, indent=1))
    print(f"\ndifferential report: {out / 'differential-report.txt'}")
    for cat, s in summary.items():
        print(f"  {cat}: {s}")
    doc = (dc.paths.REPO / "docs" / "differential.md").read_text()
    undocumented = [c for c in summary if f"`{c.split(':')[0]}" not in doc]
    assert not undocumented, f"categories missing from docs/differential.md: {undocumented}"
