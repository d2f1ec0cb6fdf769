# SPDX-License-Identifier: BSD-3-Clause
"""Primaries and secondaries of the transfer-in tests: dynzoned configs for example.test. on 127.0.0.130-139."""
import textwrap
from pathlib import Path
from typing import List, Optional, Tuple

import dns.query
import dns.rcode
import dns.update

from harness.server import Dynzoned

ZONE = "example.test."
# Where the resolver of every dynzoned points: nothing real answers there,
# and the system resolver is never asked.
RESOLVER = "127.0.0.139@5399"
# A TSIG key for transfers (name, algorithm, secret).
XFR_KEY = ("xfrkey", "hmac-sha256",
           "eGZyLWtleS14ZnIta2V5LXhmci1rZXkteGZyLWtleTE=")


def key_section(key) -> str:
    name, alg, secret = key
    return (f"key:\n  - id: {name}\n    algorithm: {alg}\n"
            f"    secret: {secret}\n")


def zone_text(serial: int = 1, expire: int = 1209600, extra: str = "") -> str:
    return textwrap.dedent(f"""\
        $ORIGIN example.test.
        $TTL 300
        @   IN SOA ns1 hostmaster {serial} 3600 600 {expire} 300
            IN NS  ns1
        ns1 IN A   127.0.0.130
        www IN A   192.0.2.1
        """) + extra


def primary(workdir: Path, address: str = "127.0.0.130", serial: int = 1,
            notify: Optional[List[Tuple[str, int]]] = None,
            transfer: bool = True, start: bool = True,
            port: Optional[int] = None, key=None,
            records: int = 0) -> Dynzoned:
    """A dynzoned primary of example.test. that takes unsigned updates and
    (with transfer) serves transfers to anyone; NOTIFY to notify."""
    srv = Dynzoned(workdir, address=address, port=port)
    bulk = "".join(f"h{i} IN A 198.51.{i // 250}.{i % 250 + 1}\n"
                   for i in range(records))
    srv.write_zone("example.test.zone", zone_text(serial, extra=bulk))
    # via: on loopback the kernel would pick 127.0.0.1 as the source,
    # which is not the address the secondary knows us by.
    remotes = "".join(f"  - id: n{i}\n    address: [{a}@{p}]\n"
                      f"    via: {address}\n"
                      for i, (a, p) in enumerate(notify or []))
    actions = "[update, transfer]" if transfer and key is None \
        else "[update]"
    names = ", ".join(f"n{i}" for i in range(len(notify or [])))
    keyed = (f"  - id: xfr\n    key: [{key[0]}]\n"
             "    action: [transfer]\n") if key else ""
    acls = "[all, xfr]" if key else "[all]"
    extra = (key_section(key) if key else "") + \
        (("remote:\n" + remotes) if remotes else "") + textwrap.dedent(f"""\
        acl:
          - id: all
            action: {actions}
        """) + keyed + textwrap.dedent(f"""\
        zone:
          - domain: {ZONE}
            file: example.test.zone
            role: primary
            acl: {acls}
            notify: [{names}]
            notify-ns: false
            zonefile-sync: 0
        """)
    srv.write_config({}, extra=extra, server_extra=f"resolver: [{RESOLVER}]")
    if start:
        srv.start(wait_zone=ZONE)
    return srv


def secondary(workdir: Path, primaries: List[Tuple[str, int]],
              address: str = "127.0.0.131", zone_opts: str = "",
              notify: Optional[List[Tuple[str, int]]] = None,
              start: bool = True, port: Optional[int] = None,
              zone_file: Optional[str] = None, key=None) -> Dynzoned:
    """A dynzoned secondary of example.test. pulling from primaries (tried
    in order), serving transfers itself (for chains), NOTIFY to notify."""
    srv = Dynzoned(workdir, address=address, port=port)
    if zone_file is not None:
        srv.write_zone("example.test.zone", zone_file)
    remotes = "".join(f"  - id: p{i}\n    address: [{a}@{p}]\n"
                      f"    via: {address}\n" +
                      (f"    key: {key[0]}\n" if key else "")
                      for i, (a, p) in enumerate(primaries))
    remotes += "".join(f"  - id: n{i}\n    address: [{a}@{p}]\n"
                       f"    via: {address}\n"
                       for i, (a, p) in enumerate(notify or []))
    pnames = ", ".join(f"p{i}" for i in range(len(primaries)))
    nnames = ", ".join(f"n{i}" for i in range(len(notify or [])))
    opts = "".join("    " + l + "\n"
                   for l in textwrap.dedent(zone_opts).splitlines() if l)
    extra = (key_section(key) if key else "") + "remote:\n" + remotes + \
        textwrap.dedent(f"""\
        acl:
          - id: xfr
            action: [transfer]
        zone:
          - domain: {ZONE}
            file: example.test.zone
            role: secondary
            primaries: [{pnames}]
            acl: [xfr]
            notify: [{nnames}]
            notify-ns: false
            zonefile-sync: 0
            refresh-min: 1s
        """) + opts
    srv.write_config({}, extra=extra, server_extra=f"resolver: [{RESOLVER}]")
    if start:
        srv.start(wait_zone=ZONE)
    return srv


def update_add(srv: Dynzoned, name: str, address: str) -> None:
    """Add an A record through an UPDATE to srv; asserts NOERROR."""
    u = dns.update.UpdateMessage(ZONE)
    u.add(name, 300, "A", address)
    r = dns.query.tcp(u, srv.address, port=srv.port, timeout=5)
    assert r.rcode() == dns.rcode.NOERROR, dns.rcode.to_text(r.rcode())


def serial_of(srv: Dynzoned) -> Optional[int]:
    """The SOA serial srv serves, None when it does not answer NOERROR."""
    try:
        r = srv.query(ZONE, "SOA", timeout=1)
    except Exception:  # noqa: BLE001 - not answering yet
        return None
    if r.rcode() != dns.rcode.NOERROR or not r.answer:
        return None
    return r.answer[0][0].serial


def a_of(srv: Dynzoned, name: str) -> List[str]:
    r = srv.query(name, "A", timeout=1)
    return sorted(rd.address for rrset in r.answer for rd in rrset
                  if rrset.rdtype == 1)
