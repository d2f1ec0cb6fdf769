# SPDX-License-Identifier: BSD-3-Clause
"""dynzoned's update pipeline: RFC 2136 answers, TSIG, ACL refusals, EDE reasons, group commit."""
import threading
import time

import dns.message
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
