/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for tools/update: nsupdate's command language, its errors, and the RFC 2136 records built from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rrtype.h"
#include "tools/update/update_internal.h"

static char err[512];

static int setup(void **state)
{
	update_session_t *s = malloc(sizeof(*s));
	assert_non_null(s);
	update_session_init(s);
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	update_session_clear(*state);
	free(*state);
	return 0;
}

static int line(update_session_t *s, const char *text)
{
	update_cmd_t cmd;
	err[0] = '\0';
	return update_parse_line(s, text, &cmd, err, sizeof(err));
}

static update_cmd_t cmd_of(update_session_t *s, const char *text)
{
	update_cmd_t cmd = UPDATE_CMD_NONE;
	assert_int_equal(update_parse_line(s, text, &cmd, err, sizeof(err)),
			 DZ_OK);
	return cmd;
}

static void ok(update_session_t *s, const char *text)
{
	int ret = line(s, text);
	if (ret != DZ_OK) {
		fail_msg("'%s' failed: %s", text, err);
	}
}

static void bad(update_session_t *s, const char *text, const char *msg)
{
	size_t before = s->count;
	assert_int_equal(line(s, text), DZ_ESYNTAX);
	if (strstr(err, msg) == NULL) {
		fail_msg("'%s': got '%s', want '%s'", text, err, msg);
	}
	assert_int_equal(s->count, before);
}

static void name_is(const uint8_t *wire, const char *text)
{
	char buf[DZ_NAME_MAXSTR];
	assert_true(dz_name_to_str(buf, sizeof(buf), wire) > 0);
	assert_string_equal(buf, text);
}

/* The record the last line added: section, type, class, ttl, rdlength. */
static void last_is(update_session_t *s, bool prereq, uint16_t type,
		    uint16_t rclass, uint32_t ttl, uint16_t rdlen)
{
	assert_true(s->count > 0);
	const update_rr_t *rr = &s->rr[s->count - 1];
	assert_int_equal(rr->prereq, prereq);
	assert_int_equal(rr->type, type);
	assert_int_equal(rr->rclass, rclass);
	assert_int_equal(rr->ttl, ttl);
	assert_int_equal(rr->rdlen, rdlen);
}

/* ---- actions and settings --------------------------------------------------- */

static void actions_are_recognised(void **state)
{
	update_session_t *s = *state;
	assert_int_equal(cmd_of(s, "send"), UPDATE_CMD_SEND);
	assert_int_equal(cmd_of(s, "  SEND  "), UPDATE_CMD_SEND);
	assert_int_equal(cmd_of(s, "answer"), UPDATE_CMD_ANSWER);
	assert_int_equal(cmd_of(s, "show"), UPDATE_CMD_SHOW);
	assert_int_equal(cmd_of(s, "quit"), UPDATE_CMD_QUIT);
}

static void blank_line_sends_and_comment_does_nothing(void **state)
{
	update_session_t *s = *state;
	assert_int_equal(cmd_of(s, ""), UPDATE_CMD_SEND);
	assert_int_equal(cmd_of(s, " \t "), UPDATE_CMD_SEND);
	assert_int_equal(cmd_of(s, "; update add x 1 A 1.2.3.4"),
			 UPDATE_CMD_NONE);
	assert_int_equal(s->count, 0);
}

static void server_and_local_take_address_and_port(void **state)
{
	update_session_t *s = *state;
	char a[CLIENT_ADDR_MAXSTR];
	ok(s, "server 127.0.0.2 5353");
	assert_true(s->has_server);
	client_addr_to_str(&s->server, a, sizeof(a));
	assert_string_equal(a, "127.0.0.2#5353");
	ok(s, "server ::1");
	client_addr_to_str(&s->server, a, sizeof(a));
	assert_string_equal(a, "::1#53");
	ok(s, "local 127.0.0.3");
	client_addr_to_str(&s->local, a, sizeof(a));
	assert_string_equal(a, "127.0.0.3#0");
	ok(s, "local 127.0.0.3 4000");
	client_addr_to_str(&s->local, a, sizeof(a));
	assert_string_equal(a, "127.0.0.3#4000");
}

static void server_errors(void **state)
{
	update_session_t *s = *state;
	bad(s, "server", "server: missing address");
	bad(s, "server a..b", "'a..b' is neither an IP address nor a host");
	bad(s, "server ::1@x", "neither an IP address nor a host name");
	bad(s, "server 127.0.0.1 0", "server: bad port '0'");
	bad(s, "server 127.0.0.1 65536", "server: bad port '65536'");
	bad(s, "server ns1.example. http", "server: bad port 'http'");
	bad(s, "server 127.0.0.1 53 x", "unexpected 'x' after the port");
	bad(s, "local", "local: missing address");
	bad(s, "local ns1.example.", "is not an IP address");
	assert_false(s->has_server);
}

static void server_host_name_is_kept_for_send_time(void **state)
{
	update_session_t *s = *state;
	ok(s, "server ns1.example 5300");
	assert_true(s->has_server);
	assert_true(s->server_is_name);
	name_is(s->server_name, "ns1.example.");
	assert_int_equal(s->server_port, 5300);
	ok(s, "server ns2.example.");
	assert_int_equal(s->server_port, 0);
	ok(s, "server 127.0.0.1");
	assert_false(s->server_is_name);
}

static void zone_class_ttl_settings(void **state)
{
	update_session_t *s = *state;
	ok(s, "zone example.test");
	assert_true(s->has_zone);
	name_is(s->zone, "example.test.");
	ok(s, "class CH");
	assert_int_equal(s->rclass, DZ_CLASS_CH);
	ok(s, "ttl 1h30m");
	assert_true(s->has_ttl);
	assert_int_equal(s->ttl, 5400);
	ok(s, "ttl none");
	assert_false(s->has_ttl);
}

static void setting_errors(void **state)
{
	update_session_t *s = *state;
	bad(s, "zone", "zone: missing domain name");
	bad(s, "zone a..b", "zone: bad domain name 'a..b'");
	bad(s, "zone a b", "unexpected 'b' after the zone name");
	bad(s, "class", "class: missing class");
	bad(s, "class ANY", "'ANY' is not a data class");
	bad(s, "class NONE", "'NONE' is not a data class");
	bad(s, "class XYZ", "'XYZ' is not a data class");
	bad(s, "ttl", "ttl: missing value");
	bad(s, "ttl -1", "'-1' is not a valid TTL");
	bad(s, "ttl 5000000000", "not a valid TTL");
	bad(s, "ttl 60 70", "unexpected '70' after the TTL");
	bad(s, "frobnicate", "unknown command 'frobnicate'");
	bad(s, "send now", "unexpected 'now' after send");
}

static void key_command_sets_key(void **state)
{
	update_session_t *s = *state;
	ok(s, "key hmac-sha384:k1.example. AAECAwQFBgcICQ==");
	assert_true(s->has_key);
	assert_int_equal(s->key.alg, DZ_TSIG_HMAC_SHA384);
	assert_int_equal(s->key.secret_len, 10);
	name_is(s->key.name, "k1.example.");
	ok(s, "key k2 AAECAwQFBgcICQ==");
	assert_int_equal(s->key.alg, DZ_TSIG_HMAC_MD5); /* nsupdate's default */
	bad(s, "key k3", "key: expected [alg:]name secret");
	bad(s, "key hmac-foo:k3 AAAA", "key: bad key");
	bad(s, "key k3 !!!!", "key: bad key");
	bad(s, "key k3 AAAA x", "unexpected 'x' after the secret");
}

/* ---- prerequisites (RFC 2136 §2.4) ------------------------------------------ */

static void prereq_forms(void **state)
{
	update_session_t *s = *state;
	ok(s, "prereq nxdomain a.example");
	last_is(s, true, DZ_RR_ANY, DZ_CLASS_NONE, 0, 0);
	name_is(s->rr[0].owner, "a.example.");
	ok(s, "prereq yxdomain a.example.");
	last_is(s, true, DZ_RR_ANY, DZ_CLASS_ANY, 0, 0);
	ok(s, "prereq nxrrset a.example MX");
	last_is(s, true, DZ_RR_MX, DZ_CLASS_NONE, 0, 0);
	ok(s, "prereq nxrrset a.example IN MX");
	last_is(s, true, DZ_RR_MX, DZ_CLASS_NONE, 0, 0);
	ok(s, "prereq yxrrset a.example A");
	last_is(s, true, DZ_RR_A, DZ_CLASS_ANY, 0, 0);
	ok(s, "prereq yxrrset a.example IN A 192.0.2.1");
	last_is(s, true, DZ_RR_A, DZ_CLASS_IN, 0, 4);
	ok(s, "PREREQ YXRRSET a.example mx 10 mail");
	last_is(s, true, DZ_RR_MX, DZ_CLASS_IN, 0, 2 + 6);
}

static void prereq_errors(void **state)
{
	update_session_t *s = *state;
	bad(s, "prereq", "prereq: expected nxdomain, yxdomain");
	bad(s, "prereq exists a.", "unknown kind 'exists'");
	bad(s, "prereq nxdomain", "prereq: missing domain name");
	bad(s, "prereq nxdomain a. A", "unexpected 'A' after the name");
	bad(s, "prereq yxdomain a. b.", "unexpected 'b.' after the name");
	bad(s, "prereq nxrrset a.", "prereq: missing record type");
	bad(s, "prereq nxrrset a. FOO", "unknown record type 'FOO'");
	bad(s, "prereq nxrrset a. A 1.2.3.4", "nxrrset takes no rdata");
	bad(s, "prereq yxrrset a. CH A", "class 'CH' is not the zone's class IN");
	bad(s, "prereq yxrrset a. A 1.2.3", "bad A rdata '1.2.3'");
}

/* ---- updates (RFC 2136 §2.5) --------------------------------------------------- */

static void update_add_forms(void **state)
{
	update_session_t *s = *state;
	ok(s, "update add a.example 300 A 192.0.2.1");
	last_is(s, false, DZ_RR_A, DZ_CLASS_IN, 300, 4);
	ok(s, "update add a.example 1d IN AAAA 2001:db8::1");
	last_is(s, false, DZ_RR_AAAA, DZ_CLASS_IN, 86400, 16);
	ok(s, "add a.example 60 TXT \"two words\" x");
	last_is(s, false, DZ_RR_TXT, DZ_CLASS_IN, 60, 1 + 9 + 1 + 1);
	ok(s, "update add a.example 60 TYPE65400 \\# 2 abcd");
	last_is(s, false, 65400, DZ_CLASS_IN, 60, 2);
	ok(s, "ttl 120");
	ok(s, "update add b.example A 192.0.2.2");
	last_is(s, false, DZ_RR_A, DZ_CLASS_IN, 120, 4);
	ok(s, "class CH");
	ok(s, "update add c.example 5 CH TXT x");
	last_is(s, false, DZ_RR_TXT, DZ_CLASS_CH, 5, 2);
}

static void update_add_errors(void **state)
{
	update_session_t *s = *state;
	bad(s, "update add", "update add: missing domain name");
	bad(s, "update add a.", "update add: missing TTL");
	bad(s, "update add a. A 1.2.3.4", "'A' is not a valid TTL (and no default");
	bad(s, "update add a. 60", "update add: missing record type");
	bad(s, "update add a. 60 A", "update add: missing rdata");
	bad(s, "update add a. 60 ANY x", "type ANY cannot be added");
	bad(s, "update add a. 60 A 300.1.1.1", "bad A rdata");
	bad(s, "update add a. 60 HS A 1.2.3.4", "class 'HS' is not the zone's");
	bad(s, "update add a. 60 MX mail", "bad MX rdata");
	bad(s, "update", "update: expected add or delete");
	bad(s, "update remove a.", "expected add or delete, not 'remove'");
}

static void update_delete_forms(void **state)
{
	update_session_t *s = *state;
	ok(s, "update delete a.example");
	last_is(s, false, DZ_RR_ANY, DZ_CLASS_ANY, 0, 0);
	ok(s, "update delete a.example 300 IN");
	last_is(s, false, DZ_RR_ANY, DZ_CLASS_ANY, 0, 0);
	ok(s, "update delete a.example A");
	last_is(s, false, DZ_RR_A, DZ_CLASS_ANY, 0, 0);
	ok(s, "del a.example 300 IN MX");
	last_is(s, false, DZ_RR_MX, DZ_CLASS_ANY, 0, 0);
	ok(s, "delete a.example A 192.0.2.1");
	last_is(s, false, DZ_RR_A, DZ_CLASS_NONE, 0, 4);
	ok(s, "update del a.example 60 IN A 192.0.2.1");
	last_is(s, false, DZ_RR_A, DZ_CLASS_NONE, 0, 4);
}

static void update_delete_errors(void **state)
{
	update_session_t *s = *state;
	bad(s, "update delete", "update delete: missing domain name");
	bad(s, "update delete a. NOPE", "unknown record type 'NOPE'");
	bad(s, "update delete a. A x", "bad A rdata 'x'");
	bad(s, "delete a. CH A", "class 'CH' is not the zone's class IN");
}

static void session_reset_drops_records_keeps_settings(void **state)
{
	update_session_t *s = *state;
	ok(s, "zone example.");
	ok(s, "update add a.example 300 A 192.0.2.1");
	update_session_reset_msg(s);
	assert_int_equal(s->count, 0);
	assert_true(s->has_zone);
}

/* ---- the message ------------------------------------------------------------- */

static void check_rr(const dz_msg_t *m, const dz_msg_rr_t *rr, uint16_t type,
		     uint16_t rclass, uint32_t ttl, uint16_t rdlen)
{
	(void)m;
	assert_int_equal(rr->type, type);
	assert_int_equal(rr->rclass, rclass);
	assert_int_equal(rr->ttl, ttl);
	assert_int_equal(rr->rdlen, rdlen);
}

static void build_puts_sections_in_rfc2136_order(void **state)
{
	update_session_t *s = *state;
	uint8_t buf[4096];
	dz_msg_t m;
	dz_msg_rr_t rrs[32];
	ok(s, "zone example");
	ok(s, "update add a.example 300 A 192.0.2.1");
	ok(s, "prereq nxdomain b.example");
	ok(s, "prereq nxrrset c.example MX");
	ok(s, "update delete d.example NS");
	ok(s, "update delete d.example MX 10 mail.example");
	ok(s, "update delete e.example");
	int n = update_build(s, s->zone, 0x1234, buf, sizeof(buf), 0);
	assert_true(n > 0);
	dz_msg_init(&m, rrs, 32);
	assert_int_equal(dz_msg_parse(&m, buf, (size_t)n, NULL, NULL), DZ_OK);
	assert_int_equal(m.hdr.id, 0x1234);
	assert_int_equal(m.hdr.opcode, DZ_OPCODE_UPDATE);
	assert_false(m.hdr.qr);
	assert_int_equal(m.hdr.qdcount, 1);
	assert_int_equal(m.qtype, DZ_RR_SOA);
	assert_int_equal(m.qclass, DZ_CLASS_IN);
	assert_int_equal(m.hdr.ancount, 2);
	assert_int_equal(m.hdr.nscount, 4);
	assert_int_equal(m.hdr.arcount, 1);
	assert_true(m.edns.present);
	assert_int_equal(m.edns.udp_size, 1232);
	check_rr(&m, &m.rr[0], DZ_RR_ANY, DZ_CLASS_NONE, 0, 0);
	check_rr(&m, &m.rr[1], DZ_RR_MX, DZ_CLASS_NONE, 0, 0);
	check_rr(&m, &m.rr[2], DZ_RR_A, DZ_CLASS_IN, 300, 4);
	check_rr(&m, &m.rr[3], DZ_RR_NS, DZ_CLASS_ANY, 0, 0);
	assert_int_equal(m.rr[4].type, DZ_RR_MX);
	assert_int_equal(m.rr[4].rclass, DZ_CLASS_NONE);
	check_rr(&m, &m.rr[5], DZ_RR_ANY, DZ_CLASS_ANY, 0, 0);
}

static void build_without_zone_has_no_zone_section(void **state)
{
	update_session_t *s = *state;
	uint8_t buf[512];
	dz_msg_t m;
	ok(s, "update add a.example 300 A 192.0.2.1");
	int n = update_build(s, NULL, 1, buf, sizeof(buf), 0);
	assert_true(n > 0);
	dz_msg_init(&m, NULL, 0);
	assert_int_equal(dz_msg_parse(&m, buf, (size_t)n, NULL, NULL), DZ_OK);
	assert_int_equal(m.hdr.qdcount, 0);
	assert_int_equal(m.hdr.nscount, 1);
}

static void build_reports_no_space(void **state)
{
	update_session_t *s = *state;
	uint8_t buf[40];
	ok(s, "zone example");
	ok(s, "update add a-long-name.example 300 A 192.0.2.1");
	assert_int_equal(update_build(s, s->zone, 1, buf, sizeof(buf), 0),
			 DZ_ESPACE);
}

/* ---- client addresses ------------------------------------------------------ */

static void client_addr_forms(void **state)
{
	(void)state;
	client_addr_t a;
	char t[CLIENT_ADDR_MAXSTR];
	assert_int_equal(client_addr_parse("127.0.0.1@5353", NULL, 53, &a),
			 DZ_OK);
	client_addr_to_str(&a, t, sizeof(t));
	assert_string_equal(t, "127.0.0.1#5353");
	assert_int_equal(client_addr_parse("[::1]:54", NULL, 53, &a), DZ_OK);
	client_addr_to_str(&a, t, sizeof(t));
	assert_string_equal(t, "::1#54");
	assert_int_equal(client_addr_parse("::1#55", NULL, 53, &a), DZ_OK);
	client_addr_to_str(&a, t, sizeof(t));
	assert_string_equal(t, "::1#55");
	assert_int_equal(client_addr_parse("localhost", NULL, 53, &a),
			 DZ_ESYNTAX);
	assert_int_equal(client_addr_parse("1.2.3.4@x", NULL, 53, &a),
			 DZ_ESYNTAX);
	assert_string_equal(client_rcode_str(8), "NXRRSET");
	assert_string_equal(client_rcode_str(16), "BADSIG");
	assert_string_equal(client_rcode_str(300), "RCODE300");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(actions_are_recognised),
		T(blank_line_sends_and_comment_does_nothing),
		T(server_and_local_take_address_and_port),
		T(server_errors),
		T(server_host_name_is_kept_for_send_time),
		T(zone_class_ttl_settings),
		T(setting_errors),
		T(key_command_sets_key),
		T(prereq_forms),
		T(prereq_errors),
		T(update_add_forms),
		T(update_add_errors),
		T(update_delete_forms),
		T(update_delete_errors),
		T(session_reset_drops_records_keeps_settings),
		T(build_puts_sections_in_rfc2136_order),
		T(build_without_zone_has_no_zone_section),
		T(build_reports_no_space),
		cmocka_unit_test(client_addr_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
