#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Writes a large, deterministic test zone for bench/zone_load.sh: hosts with
A, AAAA, TXT and MX records, CNAMEs, and delegations with glue."""
import argparse
import random
import sys

# Share of records of each kind (a delegation is 2 NS + 2 glue A = 4 records).
MIX = [("a", 0.40), ("aaaa", 0.18), ("txt", 0.10), ("mx", 0.06),
       ("cname", 0.10), ("delegation", 0.16)]


def header(origin: str, serial: int) -> str:
    return (f"$ORIGIN {origin}\n$TTL 3600\n"
            f"@\tIN\tSOA\tns1 hostmaster {serial} 7200 3600 1209600 300\n"
            "\tIN\tNS\tns1\n\tIN\tNS\tns2\n"
            "ns1\tIN\tA\t192.0.2.1\nns2\tIN\tA\t192.0.2.2\n")


def host_records(rng: random.Random, kind: str, i: int, hosts: list):
    """The lines of one item of the given kind, numbered i; MX and CNAME
    point at one of `hosts` (names that have addresses)."""
    if kind == "a":
        return [f"h{i}\tIN\tA\t10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"]
    if kind == "aaaa":
        return [f"h{i}\tIN\tAAAA\t2001:db8:{i >> 16:x}:{i & 0xffff:x}::"
                f"{rng.randrange(1, 0xffff):x}"]
    if kind == "txt":
        word = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                       for _ in range(rng.randrange(8, 48)))
        return [f"h{i}\tIN\tTXT\t\"id={i} {word}\""]
    if kind == "mx":
        return [f"h{i}\tIN\tMX\t{rng.choice((0, 10, 20))} "
                f"h{rng.choice(hosts)}"]
    if kind == "cname":
        return [f"c{i}\tIN\tCNAME\th{rng.choice(hosts)}"]
    addr = f"{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"
    return [f"d{i}\tIN\tNS\tns1.d{i}", f"d{i}\tIN\tNS\tns2.d{i}",
            f"ns1.d{i}\tIN\tA\t172.16.{i >> 8 & 255}.{i & 255}",
            f"ns2.d{i}\tIN\tA\t10.{addr}"]


def generate(out, records: int, seed: int, origin: str) -> int:
    rng = random.Random(seed)
    out.write(header(origin, seed))
    written = 5
    kinds = [k for k, _ in MIX]
    weights = [w for _, w in MIX]
    i = 0
    lines = []
    hosts = []
    while written < records:
        kind = rng.choices(kinds, weights)[0]
        # MX and CNAME need a target; a delegation must not overshoot.
        if (kind in ("mx", "cname") and not hosts) or \
                (kind == "delegation" and written + 4 > records):
            kind = "a"
        item = host_records(rng, kind, i, hosts)
        lines.extend(item)
        written += len(item)
        if kind in ("a", "aaaa"):
            hosts.append(i)
        i += 1
        if len(lines) >= 10000:
            out.write("\n".join(lines) + "\n")
            lines.clear()
    if lines:
        out.write("\n".join(lines) + "\n")
    return written


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--records", type=int, default=1_000_000)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--origin", default="bench.test.")
    p.add_argument("--out", default="-", help="file to write (default stdout)")
    a = p.parse_args()
    if a.out == "-":
        n = generate(sys.stdout, a.records, a.seed, a.origin)
    else:
        with open(a.out, "w", buffering=1 << 20) as f:
            n = generate(f, a.records, a.seed, a.origin)
    print(f"gen_zone: {n} records, origin {a.origin}, seed {a.seed}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
