# SPDX-License-Identifier: BSD-3-Clause
"""dynzoned's update pipeline: RFC 2136 answers, TSIG, ACL refusals, EDE reasons, group commit."""
import errno
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.tsig
import dns.tsigkeyring
import dns.update
import pytest

from harness.server import Dynzoned

SECRET = "c2VjcmV0c2VjcmV0c2VjcmV0MTI="
ZONE = """\
$ORIGIN u.test.
$TTL 300
@    IN SOA ns1 hostmaster 1 3600 900 604800 300
     IN NS  ns1
ns1  IN A   127.0.0.1
www  IN A   192.0.2.1
"""
KEYS = """\
key:
  - id: k1
    algorithm: hmac-sha256
    secret: {s}
acl:
  - id: up
    address: [127.0.0.0/8]
    key: [k1]
    action: [update]
    update-type: [A, TXT]
    update-owner: name
    update-owner-match: sub-or-equal
    update-owner-name: [www, new, grp]
""".format(s=SECRET)
KEYRING = dns.tsigkeyring.from_text({"k1.": ("hmac-sha256", SECRET)})
BADRING = dns.tsigkeyring.from_text({"k1.": ("hmac-sha256", "b3RoZXJzZWNyZXQ=")})


def start(workdir, zone_extra=""):
    srv = Dynzoned(workdir)
    srv.write_zone("u.test.zone", ZONE)
    srv.write_config({"u.test.": "u.test.zone"},
                     extra=KEYS)
    text = srv.conf.read_text().replace(
        "    role: primary\n", "    role: primary\n    acl: [up]\n" + zone_extra)
    srv.conf.write_text(text)
    srv.start(wait_zone="u.test.")
    return srv


def send(srv, upd, tcp=False, timeout=5):
    f = dns.query.tcp if tcp else dns.query.udp
    return f(upd, srv.address, port=srv.port, timeout=timeout)


def serial(srv):
    return srv.query("u.test.", "SOA").answer[0][0].serial


def ede_text(resp):
    """EXTRA-TEXT of every EDE option (RFC 8914), any dnspython version."""
    out = []
    for o in resp.options:
        if int(o.otype) != 15:
            continue
        text = getattr(o, "text", None)
        if text is None:
            text = o.data[2:].decode()
        out.append(text)
    return out


@pytest.fixture
def srv(workdir):
    s = start(workdir)
    yield s
    s.stop()


def test_signed_update_applied_visible_and_serial_bumped(srv):
    u = dns.update.UpdateMessage("u.test.", keyring=KEYRING, keyname="k1.",
                                 keyalgorithm="hmac-sha256")
    u.add("new", 300, "A", "192.0.2.7")
    r = send(srv, u)
    assert r.rcode() == dns.rcode.NOERROR
    assert r.had_tsig
    assert [x.to_text() for x in srv.query("new.u.test.").answer[0]] == ["192.0.2.7"]
    assert serial(srv) == 2
    srv.wait_log("event=update-applied key=k1. serial=1->2 added=2 removed=1")


def test_update_over_tcp_is_answered(srv):
    u = dns.update.UpdateMessage("u.test.", keyring=KEYRING, keyname="k1.",
                                 keyalgorithm="hmac-sha256")
    u.add("www", 300, "A", "192.0.2.9")
    assert send(srv, u, tcp=True).rcode() == dns.rcode.NOERROR
    assert serial(srv) == 2


def test_unsigned_update_refused_wrong_key_with_ede(srv):
    u = dns.update.UpdateMessage("u.test.")
    u.use_edns(0)
    u.add("new", 300, "A", "192.0.2.7")
    r = send(srv, u)
    assert r.rcode() == dns.rcode.REFUSED
    assert any("wrong-key" in t for t in ede_text(r))
    srv.wait_log("event=update-refused reason=wrong-key")


def test_not_authoritative_is_notauth(srv):
    u = dns.update.UpdateMessage("other.test.", keyring=KEYRING,
                                 keyname="k1.", keyalgorithm="hmac-sha256")
    u.add("x", 300, "A", "192.0.2.7")
    assert send(srv, u).rcode() == dns.rcode.NOTAUTH
    srv.wait_log("event=update-refused reason=not-authoritative")


def test_type_and_owner_not_allowed(srv):
    u = dns.update.UpdateMessage("u.test.", keyring=KEYRING, keyname="k1.",
                                 keyalgorithm="hmac-sha256")
    u.use_edns(0)
    u.add("www", 300, "MX", "10 mail.u.test.")
    r = send(srv, u)
    assert r.rcode() == dns.rcode.REFUSED
    assert any("type-not-allowed" in t for t in ede_text(r))
    srv.wait_log("event=update-refused reason=type-not-allowed")
    u = dns.update.UpdateMessage("u.test.", keyring=KEYRING, keyname="k1.",
                                 keyalgorithm="hmac-sha256")
    u.add("elsewhere", 300, "A", "192.0.2.7")
    assert send(srv, u).rcode() == dns.rcode.REFUSED
    srv.wait_log("event=update-refused reason=owner-not-allowed")
    assert serial(srv) == 1


def test_prereq_failed_logged_with_reason_in_ede(srv):
    u = dns.update.UpdateMessage("u.test.", keyring=KEYRING, keyname="k1.",
                                 keyalgorithm="hmac-sha256")
    u.use_edns(0)
    u.present("new")
    u.add("new", 300, "A", "192.0.2.7")
    r = send(srv, u)
    assert r.rcode() == dns.rcode.NXDOMAIN
    assert any("yxdomain" in t for t in ede_text(r))
    srv.wait_log("event=update-prereq-failed rcode=NXDOMAIN")
    assert serial(srv) == 1


def test_tsig_bad_key_bad_sig_bad_time(srv):
    ring = dns.tsigkeyring.from_text({"nokey.": ("hmac-sha256", SECRET)})
    u = dns.update.UpdateMessage("u.test.", keyring=ring, keyname="nokey.",
                                 keyalgorithm="hmac-sha256")
    u.add("new", 300, "A", "192.0.2.7")
    with pytest.raises(dns.tsig.PeerBadKey):
        send(srv, u)
    srv.wait_log("event=tsig-bad-key key=nokey.")
    u = dns.update.UpdateMessage("u.test.", keyring=BADRING, keyname="k1.",
                                 keyalgorithm="hmac-sha256")
    u.add("new", 300, "A", "192.0.2.7")
    with pytest.raises(dns.tsig.PeerBadSignature):
        send(srv, u)
    srv.wait_log("event=tsig-bad-sig key=k1.")
    u = dns.update.UpdateMessage("u.test.", keyring=KEYRING, keyname="k1.",
                                 keyalgorithm="hmac-sha256")
    u.add("new", 300, "A", "192.0.2.7")
    # dnspython signs with time.time(): sign an hour in the past.
    real = time.time
    try:
        time.time = lambda: real() - 3600
        wire = u.to_wire()
    finally:
        time.time = real
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        s.sendto(wire, (srv.address, srv.port))
        data = s.recv(4096)
    with pytest.raises(dns.tsig.PeerBadTime):
        dns.message.from_wire(data, keyring=KEYRING, request_mac=u.mac)
    srv.wait_log("event=tsig-bad-time key=k1. offset=36")
    assert serial(srv) == 1


def any_with_rdata(ring):
    """An update whose one record is class ANY with rdata (RFC 2136
    §3.4.1.2: FORMERR), signed with ring's k1."""
    import dns.name
    import dns.rdata
    import dns.rdataclass
    import dns.rdatatype
    import dns.rrset
    u = dns.update.UpdateMessage("u.test.", keyring=ring, keyname="k1.",
                                 keyalgorithm="hmac-sha256")
    rs = dns.rrset.RRset(dns.name.from_text("www.u.test."), dns.rdataclass.IN,
                         dns.rdatatype.A, deleting=dns.rdataclass.ANY)
    rs.add(dns.rdata.from_text("IN", "A", "192.0.2.1"), 0)
    u.update.append(rs)
    return u


def raw_udp(srv, wire):
    import socket
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        s.sendto(wire, (srv.address, srv.port))
        return s.recv(4096)


def test_malformed_record_is_formerr_before_tsig_as_bind(srv):
    # BIND 9.18 rejects this form while parsing, before it verifies the
    # TSIG: FORMERR (unsigned), not NOTAUTH/BADSIG, for a wrong secret.
    data = raw_udp(srv, any_with_rdata(BADRING).to_wire())
    r = dns.message.from_wire(data)  # unsigned: no keyring needed
    assert r.rcode() == dns.rcode.FORMERR and not r.had_tsig
    srv.wait_log("event=tsig-bad-sig key=k1.")  # still logged
    # With the right key the FORMERR is the same, and signed.
    u = any_with_rdata(KEYRING)
    r = send(srv, u)
    assert r.rcode() == dns.rcode.FORMERR and r.had_tsig
    # A bad zone section is found after the TSIG, as BIND does: a wrong
    # secret is NOTAUTH with BADSIG.
    q = dns.message.make_query("u.test.", "A")
    q.set_opcode(dns.opcode.UPDATE)  # zone section type A: FORMERR
    q.use_tsig(BADRING, keyname="k1.", algorithm="hmac-sha256")
    data = raw_udp(srv, q.to_wire())
    assert data[3] & 0x0F == dns.rcode.NOTAUTH
    assert serial(srv) == 1


def test_signed_query_gets_signed_answer(srv):
    q = dns.message.make_query("www.u.test.", "A")
    q.use_tsig(KEYRING, keyname="k1.", algorithm="hmac-sha256")
    r = dns.query.udp(q, srv.address, port=srv.port, timeout=3)
    assert r.had_tsig and r.rcode() == dns.rcode.NOERROR


def test_group_commit_32_concurrent_updates_distinct_serials(srv):
    results = []

    def one(i):
        u = dns.update.UpdateMessage("u.test.", keyring=KEYRING,
                                     keyname="k1.", keyalgorithm="hmac-sha256")
        u.add("grp", 300, "TXT", f'"n{i}"')
        results.append(send(srv, u, timeout=10).rcode())

    ts = [threading.Thread(target=one, args=(i,)) for i in range(32)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert results == [dns.rcode.NOERROR] * 32
    assert serial(srv) == 33
    log = srv.log_text()
    serials = [l.split("serial=")[1].split()[0] for l in log.splitlines()
               if "event=update-applied" in l]
    assert len(set(serials)) == 32
    assert len(srv.query("grp.u.test.", "TXT", tcp=True).answer[0]) == 32


# --- refusals: no ACL, a secondary zone ------------------------------------

def start_zones(workdir, zone_yaml, server_extra="", data=None, ctl_dir=None):
    """A dynzoned with KEYS and the given `zone:` section (YAML text)."""
    srv = Dynzoned(workdir)
    if data is not None:
        srv.data = Path(data)
    if ctl_dir is not None:
        srv.socket = Path(ctl_dir) / "control.sock"
    srv.write_zone("u.test.zone", ZONE)
    srv.write_config({}, extra=KEYS + zone_yaml, server_extra=server_extra)
    return srv


def signed_add(name="new", addr="192.0.2.7", zone="u.test."):
    u = dns.update.UpdateMessage(zone, keyring=KEYRING, keyname="k1.",
                                 keyalgorithm="hmac-sha256")
    u.use_edns(0)
    u.add(name, 300, "A", addr)
    return u


def test_zone_without_acl_refuses_with_reason_no_acl(workdir):
    srv = start_zones(workdir, "zone:\n  - domain: u.test.\n"
                               "    file: u.test.zone\n")
    srv.start(wait_zone="u.test.")
    try:
        r = send(srv, signed_add())
        assert r.rcode() == dns.rcode.REFUSED
        assert any("no-acl" in t for t in ede_text(r))
        srv.wait_log("event=update-refused reason=no-acl key=k1.")
        assert serial(srv) == 1
    finally:
        srv.stop()


def test_update_to_secondary_is_refused_not_primary(workdir):
    # The primary does not exist: the secondary serves its file copy.
    srv = start_zones(workdir, """\
remote:
  - id: nowhere
    address: 127.0.0.1@9
zone:
  - domain: u.test.
    file: u.test.zone
    role: secondary
    primaries: [nowhere]
    acl: [up]
""")
    srv.start(wait_zone="u.test.")
    try:
        r = send(srv, signed_add())
        assert r.rcode() == dns.rcode.REFUSED
        assert any("secondary" in t for t in ede_text(r))
        srv.wait_log("event=update-refused reason=not-primary")
        assert not srv.query("new.u.test.").answer
    finally:
        srv.stop()


def test_unknown_zone_is_notauth_with_ede(srv):
    r = send(srv, signed_add(zone="nope.example."))
    assert r.rcode() == dns.rcode.NOTAUTH
    assert any("not authoritative" in t for t in ede_text(r))
    srv.wait_log("zone=nope.example. peer=")
    srv.wait_log("event=update-refused reason=not-authoritative")


# --- the data folder cannot be written ------------------------------------

def www(srv):
    return [r.to_text() for r in srv.query("www.u.test.").answer[0]]


@pytest.fixture
def public_dir():
    """A folder outside pytest's 0700 tree, so an unprivileged user can
    reach it; removed afterwards."""
    d = Path(tempfile.mkdtemp(prefix="dz-upd-"))
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_unwritable_data_dir_reported_servfail_then_recovers(workdir,
                                                             public_dir):
    if os.geteuid() != 0:
        pytest.skip("needs root to run dynzoned as another user")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user 'nobody'")
    data = public_dir / "data"
    data.mkdir(mode=0o755)
    ctl_dir = workdir / "ctl"
    srv = start_zones(workdir, "zone:\n  - domain: u.test.\n"
                               "    file: u.test.zone\n    acl: [up]\n"
                               "    zonefile-sync: -1\n",
                      server_extra="user: nobody", data=data,
                      ctl_dir=ctl_dir)
    os.chmod(data / "u.test.zone", 0o644)  # root's, readable by all
    srv.start(wait_zone="u.test.")
    try:
        srv.wait_log("event=privileges-dropped user=nobody")
        srv.wait_log(f"event=data-dir-unwritable path={data} "
                     "err=\"permission denied\"")
        r = send(srv, signed_add(name="www", addr="192.0.2.50"))
        assert r.rcode() == dns.rcode.SERVFAIL
        assert any("journal write failed" in t for t in ede_text(r))
        srv.wait_log(f"event=journal-write-failed path={data}/u.test.zone.jnl"
                     " err=\"permission denied\"")
        assert serial(srv) == 1 and www(srv) == ["192.0.2.1"]
        # The operator fixes the ownership: the next update goes through.
        for p in [data] + list(data.iterdir()):
            os.chown(p, nobody.pw_uid, nobody.pw_gid)
        r = send(srv, signed_add(name="www", addr="192.0.2.50"))
        assert r.rcode() == dns.rcode.NOERROR
        assert serial(srv) == 2 and "192.0.2.50" in www(srv)
        assert (data / "u.test.zone.jnl").stat().st_uid == nobody.pw_uid
    finally:
        srv.stop()


# --- the data folder is full ------------------------------------------------

@pytest.fixture
def small_tmpfs(public_dir):
    mnt = public_dir / "full"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs",
                        str(mnt)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: " + (r.stderr or "").strip())
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(path):
    """Write until the file system says ENOSPC."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as e:
        assert e.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_full_data_dir_servfail_unchanged_then_recovers(workdir, small_tmpfs):
    srv = start_zones(workdir, "zone:\n  - domain: u.test.\n"
                               "    file: u.test.zone\n    acl: [up]\n"
                               "    zonefile-sync: -1\n",
                      data=small_tmpfs, ctl_dir=workdir / "ctl")
    srv.start(wait_zone="u.test.")
    try:
        fill(small_tmpfs / "filler")
        # The journal's last page may still have room: update until the
        # file system refuses (each accepted update is on disk).
        last_ok, failed = 1, None
        for i in range(200):
            r = send(srv, signed_add(name="new", addr=f"192.0.2.{i % 250}"))
            if r.rcode() != dns.rcode.NOERROR:
                failed = (r, i)
                break
            last_ok = serial(srv)
        assert failed is not None, "the full file system accepted 200 updates"
        r, i = failed
        assert r.rcode() == dns.rcode.SERVFAIL
        srv.wait_log("event=journal-write-failed path="
                     f"{small_tmpfs}/u.test.zone.jnl "
                     "err=\"no space left on device\"")
        assert serial(srv) == last_ok
        got = srv.query("new.u.test.").answer
        assert f"192.0.2.{i % 250}" not in [x.to_text() for x in got[0]] \
            if got else True
        os.unlink(small_tmpfs / "filler")
        r = send(srv, signed_add(name="new", addr="192.0.2.251"))
        assert r.rcode() == dns.rcode.NOERROR
        assert serial(srv) == last_ok + 1
    finally:
        srv.stop()
