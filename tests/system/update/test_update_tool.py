# SPDX-License-Identifier: BSD-3-Clause
"""`dynzone update` against scripted peers: the wire content (compared with
BIND's nsupdate), TSIG, failures explained, locating the primary, TC->TCP."""
import base64
import os
import socket
import subprocess
import sys

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset
import dns.tsig
import dns.tsigkeyring
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from responder import Responder  # noqa: E402

from harness.tools import which  # noqa: E402

NSUPDATE = which("nsupdate")
ALGS = ["hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384",
        "hmac-sha512"]
SECRET = base64.b64encode(bytes(range(32))).decode()

SCRIPT = """\
zone example.test
prereq nxdomain new.example.test
prereq yxdomain example.test.
prereq nxrrset gone.example.test. MX
prereq yxrrset www.example.test A
prereq yxrrset www.example.test IN A 192.0.2.1
prereq yxrrset www.example.test A 192.0.2.2
update add new.example.test 300 A 192.0.2.10
update add new.example.test 300 IN AAAA 2001:db8::10
update add mail.example.test. 3600 MX 10 mx.example.test.
update add txt.example.test 60 TXT "hello world" second
update delete old.example.test
update delete old.example.test. A
update delete old.example.test 300 IN MX
update delete old.example.test A 192.0.2.99
add short.example.test 60 A 192.0.2.20
del short2.example.test
delete short3.example.test TXT
send
"""


def update(dz, script, *args, timeout=60):
    return dz("update", *args, stdin=script, timeout=timeout)


def sections(msg):
    """The sections that make an update, as comparable text."""
    out = []
    for sec in (msg.zone, msg.prerequisite, msg.update):
        out.append([rr.to_text() for rr in sec])
    return out


# ---- the wire content -----------------------------------------------------

@pytest.mark.skipif(NSUPDATE is None, reason="BIND's nsupdate not installed")
def test_wire_content_matches_nsupdate(dynzone):
    with Responder() as peer:
        script = f"server {peer.addr}\n" + SCRIPT
        ours = update(dynzone, script)
        assert ours.returncode == 0, ours.stderr
        theirs = subprocess.run([NSUPDATE], input=script, text=True,
                                capture_output=True, timeout=60)
        assert theirs.returncode == 0, theirs.stderr
        assert not peer.errors
        assert len(peer.received) == 2
        a, b = peer.received[0].msg, peer.received[1].msg
        assert a.opcode() == dns.opcode.UPDATE
        assert sections(a) == sections(b)
        # Record by record, rdlength and class included (RFC 2136 §2.4/2.5).
        for sec_a, sec_b in zip((a.prerequisite, a.update),
                                (b.prerequisite, b.update)):
            for x, y in zip(sec_a, sec_b):
                assert (x.rdclass, x.deleting, x.ttl) == \
                    (y.rdclass, y.deleting, y.ttl)
        # Ours carries EDNS so the server can return an EDE; nsupdate's not.
        assert a.edns == 0 and a.payload == 1232


def test_meta_records_have_zero_ttl_and_rdlength(dynzone):
    with Responder() as peer:
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "prereq nxrrset a.example.test MX\n"
                   "update delete b.example.test 300 NS\nsend\n")
        assert r.returncode == 0, r.stderr
        wire = peer.received[0].wire
        msg = peer.received[0].msg
        pre, upd = msg.prerequisite[0], msg.update[0]
        assert (pre.rdclass, pre.deleting, pre.rdtype, pre.ttl) == \
            (dns.rdataclass.IN, dns.rdataclass.NONE, dns.rdatatype.MX, 0)
        assert (upd.deleting, upd.rdtype, upd.ttl) == \
            (dns.rdataclass.ANY, dns.rdatatype.NS, 0)
        # TYPE CLASS TTL RDLENGTH of both: MX NONE 0 0 and NS ANY 0 0.
        assert bytes.fromhex("000f00fe0000000000") + b"\x00" in wire
        assert bytes.fromhex("000200ff0000000000") + b"\x00" in wire


def test_relative_names_are_taken_from_the_root_as_nsupdate_does(dynzone):
    with Responder() as peer:
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add www 60 CNAME target\nsend\n")
        assert r.returncode == 0, r.stderr
        rr = peer.received[0].msg.update[0]
        assert rr.name == dns.name.from_text("www.")
        assert rr[0].target == dns.name.from_text("target.")


def test_default_ttl_and_class_commands(dynzone):
    with Responder() as peer:
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "ttl 1h\nupdate add a.example.test A 192.0.2.1\n\n")
        assert r.returncode == 0, r.stderr
        assert peer.received[0].msg.update[0].ttl == 3600


def test_blank_line_sends_and_end_of_input_does_not(dynzone):
    with Responder() as peer:
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\n\n"
                   "update add b.example.test 60 A 192.0.2.2\n")
        assert r.returncode == 0, r.stderr
        assert len(peer.received) == 1


def test_show_prints_the_message_like_nsupdate(dynzone):
    r = update(dynzone, "zone example.test\n"
               "update add a.example.test 60 A 192.0.2.1\nshow\n")
    assert r.returncode == 0, r.stderr
    assert "opcode: UPDATE" in r.stdout
    assert ";; ZONE SECTION:\n;example.test.\t\t\tIN\tSOA" in r.stdout
    assert ";; UPDATE SECTION:\na.example.test.\t\t60\tIN\tA\t192.0.2.1" \
        in r.stdout


def test_answer_prints_the_last_reply(dynzone):
    with Responder() as peer:
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\nanswer\n")
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("Answer:\n")
        assert "status: NOERROR" in r.stdout and "flags: qr" in r.stdout


def test_local_binds_the_source_address(dynzone):
    with Responder() as peer:
        r = update(dynzone, f"server {peer.addr}\nlocal 127.0.0.3\n"
                   "zone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n")
        assert r.returncode == 0, r.stderr
        assert peer.received[0].peer[0] == "127.0.0.3"


# ---- syntax errors ----------------------------------------------------------

@pytest.mark.parametrize("line,message", [
    ("bogus", "unknown command 'bogus'"),
    ("update add a.example. A 1.2.3.4", "'A' is not a valid TTL"),
    ("update add a.example. 60 A 1.2.3", "bad A rdata"),
    ("update add a.example. 60 BOGUS x", "unknown record type 'BOGUS'"),
    ("update frob a.example.", "expected add or delete"),
    ("prereq maybe a.example.", "unknown kind 'maybe'"),
    ("prereq nxrrset a.example. A 1.2.3.4", "nxrrset takes no rdata"),
    ("prereq nxdomain", "missing domain name"),
    ("update add a.example. 60 CH A 1.2.3.4", "not the zone's class IN"),
    ("server a..b", "is neither an IP address nor a host name"),
    ("server 127.0.0.1 0", "server: bad port '0'"),
    ("key hmac-sha256:k. !!!", "bad key"),
    ("ttl soon", "not a valid TTL"),
    ("send now", "unexpected 'now'"),
])
def test_syntax_error_names_file_and_line(dynzone, workdir, line, message):
    path = workdir / "cmds.txt"
    path.write_text("; a comment\nzone example.test\n" + line + "\nsend\n")
    r = dynzone("update", path)
    assert r.returncode == 1
    assert r.stderr.startswith(f"{path}:3: ")
    assert message in r.stderr


def test_syntax_error_on_stdin_stops_before_sending(dynzone):
    with Responder() as peer:
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nbad\nsend\n")
        assert r.returncode == 1
        assert r.stderr.strip() == "stdin:4: unknown command 'bad'"
        assert peer.received == []


# ---- TSIG -------------------------------------------------------------------

@pytest.mark.parametrize("alg", ALGS)
def test_tsig_each_algorithm_verified_by_the_peer(dynzone, alg):
    # dnspython spells HMAC-MD5 by its RFC 8945 wire name only.
    wire_alg = dns.tsig.HMAC_MD5 if alg == "hmac-md5" else \
        dns.name.from_text(alg)
    keyring = dns.tsigkeyring.from_text({"upd-key.": (wire_alg.to_text(),
                                                      SECRET)})
    with Responder(keyring=keyring) as peer:
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n",
                   "-v", "-y", f"{alg}:upd-key.:{SECRET}")
        assert not peer.errors
        assert r.returncode == 0, r.stderr
        msg = peer.received[0].msg
        assert msg.had_tsig and msg.keyname == dns.name.from_text("upd-key.")
        assert msg.keyalgorithm == wire_alg
        assert "TSIG verified" in r.stderr


def test_key_command_signs(dynzone):
    keyring = dns.tsigkeyring.from_text({"k2.": ("hmac-sha512", SECRET)})
    with Responder(keyring=keyring) as peer:
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   f"key hmac-sha512:k2. {SECRET}\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n")
        assert r.returncode == 0, r.stderr
        assert not peer.errors and peer.received[0].msg.had_tsig


def test_bind_key_file(dynzone, workdir):
    keyfile = workdir / "k.key"
    keyfile.write_text(f'key "file-key" {{\n\talgorithm hmac-sha384;\n'
                       f'\tsecret "{SECRET}";\n}};\n')
    keyring = dns.tsigkeyring.from_text({"file-key.": ("hmac-sha384", SECRET)})
    with Responder(keyring=keyring) as peer:
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n",
                   "-k", keyfile)
        assert r.returncode == 0, r.stderr
        assert not peer.errors and peer.received[0].msg.had_tsig


def test_keygen_key_works_for_update(dynzone, workdir):
    r = dynzone("keygen", "gen-key.", "-a", "hmac-sha224", "--bind")
    assert r.returncode == 0, r.stderr
    (workdir / "gen.key").write_text(r.stdout)
    secret = r.stdout.split('secret "')[1].split('"')[0]
    assert len(base64.b64decode(secret)) == 28
    keyring = dns.tsigkeyring.from_text({"gen-key.": ("hmac-sha224", secret)})
    with Responder(keyring=keyring) as peer:
        u = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n",
                   "-k", workdir / "gen.key")
        assert u.returncode == 0, u.stderr
        assert not peer.errors


@pytest.mark.parametrize("alg,size", [("hmac-md5", 16), ("hmac-sha1", 20),
                                      ("hmac-sha256", 32), ("hmac-sha512", 64)])
def test_keygen_yaml_form(dynzone, alg, size):
    r = dynzone("keygen", "dhcp-key", "-a", alg)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[:3] == ["key:", "  - id: dhcp-key.", f"    algorithm: {alg}"]
    assert len(base64.b64decode(lines[3].split("secret: ")[1])) == size


def test_unsigned_reply_to_signed_request_fails(dynzone):
    keyring = dns.tsigkeyring.from_text({"k.": ("hmac-sha256", SECRET)})
    with Responder(keyring=keyring) as peer:
        peer.sign = False
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n",
                   "-y", f"hmac-sha256:k.:{SECRET}")
        assert r.returncode == 2
        assert "tsig verify failed" in r.stderr


def test_reply_signed_with_another_secret_is_badsig(dynzone):
    keyring = dns.tsigkeyring.from_text({"k.": ("hmac-sha256", SECRET)})
    other = base64.b64encode(b"x" * 32).decode()
    with Responder(keyring=keyring) as peer:
        def handler(msg, tcp):
            r = dns.message.make_response(msg)
            r.use_tsig(dns.tsigkeyring.from_text(
                {"k.": ("hmac-sha256", other)}), keyname="k.")
            return r
        peer.handler = handler
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n",
                   "-y", f"hmac-sha256:k.:{SECRET}")
        assert r.returncode == 2
        assert "tsig verify failed: BADSIG" in r.stderr


# ---- failures explained ------------------------------------------------------

def test_failure_prints_rcode_and_ede_reason(dynzone):
    with Responder() as peer:
        peer.rcode = dns.rcode.NXRRSET
        peer.ede = (0, "prerequisite yxrrset www.example.test/A failed: "
                       "no such rrset")
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "prereq yxrrset www.example.test A\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n")
        assert r.returncode == 2
        assert r.stderr.splitlines() == [
            "update failed: NXRRSET",
            "reason: prerequisite yxrrset www.example.test/A failed: "
            "no such rrset"]


def test_failure_without_ede_prints_rcode_only(dynzone):
    with Responder() as peer:
        peer.rcode = dns.rcode.REFUSED
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n")
        assert r.returncode == 2
        assert r.stderr == "update failed: REFUSED\n"


def test_later_sends_still_run_after_a_failure(dynzone):
    with Responder() as peer:
        peer.rcode = dns.rcode.SERVFAIL
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n"
                   "update add b.example.test 60 A 192.0.2.1\nsend\n")
        assert r.returncode == 2
        assert len(peer.received) == 2


def test_no_reply_is_a_network_failure(dynzone):
    with Responder() as peer:
        peer.handler = lambda msg, tcp: None
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n",
                   "-u", "1", "-r", "1")
        assert r.returncode == 2
        assert len(peer.received) == 2
        assert "no reply over UDP (2 tries" in r.stderr


# ---- transports ---------------------------------------------------------------

def test_truncated_reply_is_retried_over_tcp(dynzone):
    with Responder() as peer:
        peer.tc_udp = True
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n", "-v")
        assert r.returncode == 0, r.stderr
        assert [x.tcp for x in peer.received] == [False, True]
        assert peer.received[0].wire == peer.received[1].wire
        assert "retried over TCP" in r.stderr


def test_tcp_only(dynzone):
    keyring = dns.tsigkeyring.from_text({"k.": ("hmac-sha1", SECRET)})
    with Responder(keyring=keyring) as peer:
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n",
                   "-T", "-y", f"hmac-sha1:k.:{SECRET}")
        assert r.returncode == 0, r.stderr
        assert [x.tcp for x in peer.received] == [True]


# ---- locating the primary (RFC 2136 §4) --------------------------------------

ZONE = dns.name.from_text("example.test.")
SOA = "ns1.example.test. hostmaster.example.test. 2024010101 3600 600 86400 60"


def resolver_handler(addresses, soa=SOA):
    """A recursive resolver's view: SOA of example.test., A of ns1."""
    def handler(msg, tcp):
        q = msg.question[0]
        r = dns.message.make_response(msg)
        r.flags |= dns.flags.RA
        if q.name == ZONE and q.rdtype == dns.rdatatype.SOA:
            r.answer.append(dns.rrset.from_text(ZONE, 60, "IN", "SOA", soa))
        elif q.name.is_subdomain(ZONE) and q.rdtype == dns.rdatatype.A and \
                q.name == dns.name.from_text("ns1.example.test.") and addresses:
            r.answer.append(dns.rrset.from_text(q.name, 60, "IN", "A",
                                                *addresses))
        elif q.name.is_subdomain(ZONE):
            if q.name != dns.name.from_text("ns1.example.test.") or \
                    not addresses:
                r.set_rcode(dns.rcode.NXDOMAIN)
            r.authority.append(dns.rrset.from_text(ZONE, 60, "IN", "SOA",
                                                   soa))
        else:
            r.set_rcode(dns.rcode.REFUSED)
        return r
    return handler


def test_locate_primary_through_soa_mname(dynzone):
    with Responder("127.0.0.2") as primary, Responder("127.0.0.1") as res:
        res.handler = resolver_handler(["127.0.0.2"])
        r = update(dynzone, "zone example.test\n"
                   "update add h.example.test 60 A 192.0.2.1\nsend\n",
                   "--trace", "--resolver", f"127.0.0.1@{res.port}",
                   "-p", str(primary.port))
        assert r.returncode == 0, r.stderr
        assert r.stderr.splitlines()[:4] == [
            f";; resolver 127.0.0.1#{res.port}",
            ";; SOA example.test. -> mname ns1.example.test. serial "
            f"2024010101 (answer from 127.0.0.1#{res.port})",
            ";; ns1.example.test. A -> 127.0.0.2",
            ";; ns1.example.test. AAAA -> no records",
        ]
        assert f";; sending update to 127.0.0.2#{primary.port}" in r.stderr
        assert len(primary.received) == 1
        assert primary.received[0].msg.zone[0].name == ZONE


def test_locate_walks_up_from_the_first_record_without_zone(dynzone):
    with Responder("127.0.0.2") as primary, Responder("127.0.0.1") as res:
        res.handler = resolver_handler(["127.0.0.2"])
        r = update(dynzone, "update add h.sub.example.test 60 A 192.0.2.1\n"
                   "send\n", "-v", "--resolver", f"127.0.0.1@{res.port}",
                   "-p", str(primary.port))
        assert r.returncode == 0, r.stderr
        assert ";; SOA example.test. -> mname ns1.example.test. serial " \
            "2024010101 (authority section from" in r.stderr
        assert primary.received[0].msg.zone[0].name == ZONE


def test_mname_that_does_not_resolve(dynzone):
    with Responder("127.0.0.1") as res:
        res.handler = resolver_handler([])
        r = update(dynzone, "zone example.test\n"
                   "update add h.example.test 60 A 192.0.2.1\nsend\n",
                   "-v", "--resolver", f"127.0.0.1@{res.port}")
        assert r.returncode == 2
        assert "update failed: MNAME ns1.example.test. does not resolve: " \
            "NXDOMAIN" in r.stderr


def test_zone_unknown_to_the_resolver(dynzone):
    with Responder("127.0.0.1") as res:
        res.handler = resolver_handler(["127.0.0.2"])
        r = update(dynzone, "zone other.test\n"
                   "update add h.other.test 60 A 192.0.2.1\nsend\n",
                   "--resolver", f"127.0.0.1@{res.port}")
        assert r.returncode == 2
        assert "SOA query for other.test.: 127.0.0.1#" in r.stderr
        assert "answered REFUSED" in r.stderr


def test_resolver_timeout(dynzone):
    with Responder("127.0.0.1") as res:
        res.handler = lambda msg, tcp: None
        r = update(dynzone, "zone example.test\n"
                   "update add h.example.test 60 A 192.0.2.1\nsend\n",
                   "-u", "1", "-r", "0", "--resolver",
                   f"127.0.0.1@{res.port}")
        assert r.returncode == 2
        assert "SOA query for example.test.: 127.0.0.1#" in r.stderr
        assert "no reply over UDP (1 tries" in r.stderr


def test_no_address_answers(dynzone):
    with Responder("127.0.0.2") as dead, Responder("127.0.0.1") as res:
        dead.handler = lambda msg, tcp: None
        res.handler = resolver_handler(["127.0.0.2"])
        r = update(dynzone, "zone example.test\n"
                   "update add h.example.test 60 A 192.0.2.1\nsend\n",
                   "-u", "1", "-r", "0", "-p", str(dead.port),
                   "--resolver", f"127.0.0.1@{res.port}")
        assert r.returncode == 2
        assert "update failed: no address answers" in r.stderr


def test_server_without_zone_asks_the_server_for_the_zone(dynzone):
    with Responder() as peer:
        peer.handler = lambda msg, tcp: (
            resolver_handler(["127.0.0.1"])(msg, tcp)
            if msg.opcode() == dns.opcode.QUERY
            else dns.message.make_response(msg))
        r = update(dynzone, f"server {peer.addr}\n"
                   "update add h.example.test 60 A 192.0.2.1\nsend\n")
        assert r.returncode == 0, r.stderr
        upd = [x.msg for x in peer.received
               if x.msg.opcode() == dns.opcode.UPDATE]
        assert upd[0].zone[0].name == ZONE


@pytest.mark.parametrize("error,reason", [
    (dns.rcode.BADKEY, "reason: the server has no key k. with algorithm "
                       "hmac-sha256"),
    (dns.rcode.BADTIME, "reason: our clock and the server's differ"),
])
def test_tsig_error_from_server_is_explained(dynzone, error, reason):
    keyring = dns.tsigkeyring.from_text({"k.": ("hmac-sha256", SECRET)})
    with Responder(keyring=keyring) as peer:
        def handler(msg, tcp):
            r = dns.message.make_response(msg)
            r.set_rcode(dns.rcode.NOTAUTH)
            r.use_tsig(keyring, keyname="k.", tsig_error=error)
            return r
        peer.handler = handler
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n",
                   "-y", f"hmac-sha256:k.:{SECRET}")
        assert r.returncode == 2
        name = dns.rcode.to_text(error)
        assert r.stderr.splitlines()[0] == f"update failed: NOTAUTH({name})"
        assert reason in r.stderr


def test_ipv6_server(dynzone):
    with Responder("::1") as peer:
        r = update(dynzone, f"server ::1 {peer.port}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n")
        assert r.returncode == 0, r.stderr
        assert peer.received[0].peer[0] == "::1"


def test_replies_with_wrong_id_or_source_are_ignored(dynzone):
    with Responder() as peer:
        def handler(msg, tcp):
            good = dns.message.make_response(msg)
            bad_id = dns.message.make_response(msg)
            bad_id.id = (msg.id + 1) % 65536
            bad_id.set_rcode(dns.rcode.REFUSED)
            peer.udp.sendto(bad_id.to_wire(), peer.peer)
            forged = dns.message.make_response(msg)
            forged.set_rcode(dns.rcode.REFUSED)
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as other:
                other.bind(("127.0.0.5", 0))
                other.sendto(forged.to_wire(), peer.peer)
            return good
        peer.handler = handler
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n")
        assert r.returncode == 0, r.stderr
        assert len(peer.received) == 1


def test_debug_prints_request_and_reply(dynzone):
    with Responder() as peer:
        r = update(dynzone, f"server {peer.addr}\nzone example.test\n"
                   "update add a.example.test 60 A 192.0.2.1\nsend\n", "-d")
        assert r.returncode == 0, r.stderr
        assert r.stdout.startswith("Outgoing update query:\n")
        assert "\nAnswer:\n" in r.stdout


def test_server_host_name_resolved_through_the_resolver(dynzone):
    with Responder("127.0.0.2") as primary, Responder("127.0.0.1") as res:
        res.handler = resolver_handler(["127.0.0.2"])
        r = update(dynzone, f"server ns1.example.test {primary.port}\n"
                   "zone example.test\n"
                   "update add h.example.test 60 A 192.0.2.1\nsend\n",
                   "-v", "--resolver", f"127.0.0.1@{res.port}")
        assert r.returncode == 0, r.stderr
        assert ";; ns1.example.test. A -> 127.0.0.2" in r.stderr
        assert len(primary.received) == 1


def test_server_host_name_that_does_not_resolve(dynzone):
    with Responder("127.0.0.1") as res:
        res.handler = resolver_handler(["127.0.0.2"])
        r = update(dynzone, "server nohost.example.test\nzone example.test\n"
                   "update add h.example.test 60 A 192.0.2.1\nsend\n",
                   "--resolver", f"127.0.0.1@{res.port}")
        assert r.returncode == 2
        assert "update failed: server nohost.example.test. does not " \
            "resolve: NXDOMAIN" in r.stderr
