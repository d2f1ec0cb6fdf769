#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Writes the zone and the dnsperf query file of bench/qps.sh: the zone comes
from bench/gen_zone.py (same generator as the load and memory benchmarks),
the queries are drawn from the names that zone really holds."""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_zone  # noqa: E402  (sits next to this script)

# Query mix (share of the query file). Mostly positive address lookups, as
# on a busy authoritative server, plus the answer classes that cost more:
# NXDOMAIN (SOA in the authority section), MX (additional-section addresses),
# TXT (larger RDATA) and CNAME (the chain is followed inside the zone).
MIX = [
    ("a", 0.55),        # A of a name that has an A record
    ("aaaa", 0.20),     # AAAA of a name that has an AAAA record
    ("nxdomain", 0.10),  # names that do not exist (half below existing ones)
    ("mx", 0.05),       # MX of a name that has one (target address added)
    ("txt", 0.05),      # TXT of a name that has one
    ("cname", 0.05),    # A of a CNAME owner: chain to an address record
]


def zone_names(path: str, origin: str) -> dict:
    """Owner names of the generated zone, bucketed by the record type they
    hold. gen_zone.py writes one record per line with a relative owner."""
    names = {"A": [], "AAAA": [], "MX": [], "TXT": [], "CNAME": []}
    with open(path) as f:
        for line in f:
            parts = line.split("\t")
            if len(parts) < 4 or not parts[0] or parts[0].startswith(("$", ";")):
                continue
            # Skip the apex servers and glue below delegations (ns1.d7):
            # a query for those is a referral, not an authoritative answer.
            if parts[0] in ("@", "ns1", "ns2") or "." in parts[0] or \
                    parts[2] not in names:
                continue
            names[parts[2]].append(f"{parts[0]}.{origin}")
    return names


def query(rng: random.Random, kind: str, names: dict, origin: str) -> str:
    if kind == "nxdomain":
        if rng.random() < 0.5:
            return f"nx{rng.randrange(10 ** 9)}.{origin} A"
        return f"x{rng.randrange(1000)}.{rng.choice(names['A'])} A"
    qtype = {"a": "A", "aaaa": "AAAA", "mx": "MX", "txt": "TXT",
             "cname": "CNAME"}[kind]
    return f"{rng.choice(names[qtype])} {'A' if kind == 'cname' else qtype}"


def write_queries(out, names: dict, count: int, seed: int, origin: str):
    rng = random.Random(seed)
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    lines = [query(rng, rng.choices(kinds, weights)[0], names, origin)
             for _ in range(count)]
    out.write("\n".join(lines) + "\n")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--origin", default="bench.test.")
    p.add_argument("--zone", required=True, help="zone file to write")
    p.add_argument("--query-file", required=True, help="dnsperf input")
    p.add_argument("--existing", action="store_true",
                   help="read --zone (made by gen_zone.py) instead of writing it")
    a = p.parse_args()
    if a.existing:
        with open(a.zone) as f:
            n = sum(1 for _ in f) - 2  # less the $ORIGIN and $TTL lines
    else:
        with open(a.zone, "w", buffering=1 << 20) as f:
            n = gen_zone.generate(f, a.records, a.seed, a.origin)
    names = zone_names(a.zone, a.origin)
    for qtype, owners in names.items():
        if not owners:
            print(f"gen_qps_zone: no {qtype} owner in the zone", file=sys.stderr)
            return 1
    with open(a.query_file, "w", buffering=1 << 20) as f:
        write_queries(f, names, a.queries, a.seed + 1, a.origin)
    print(f"gen_qps_zone: {n} records, {a.queries} queries, origin {a.origin},"
          f" seed {a.seed}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
