/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the daemon configuration: load, defaults, errors, ACLs. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"
#include "server/conf/conf.h"

/* --- helpers ---------------------------------------------------------------
 */

static const uint8_t *wire(const char *text)
{
	static uint8_t bufs[4][DZ_NAME_MAXLEN];
	static unsigned next;
	uint8_t *buf = bufs[next++ % 4];
	assert_true(dz_name_from_str(buf, text, strlen(text), NULL) > 0);
	return buf;
}

static struct sockaddr_storage sa(const char *ip, uint16_t port)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, ip, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
	} else {
		assert_int_equal(inet_pton(AF_INET6, ip, &in6->sin6_addr), 1);
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
	}
	return ss;
}

static void assert_addr(const struct sockaddr_storage *got, const char *ip,
                        uint16_t port)
{
	struct sockaddr_storage want = sa(ip, port);
	assert_int_equal(got->ss_family, want.ss_family);
	size_t len = want.ss_family == AF_INET ? sizeof(struct sockaddr_in)
	                                       : sizeof(struct sockaddr_in6);
	assert_memory_equal(got, &want, len);
}

static conf_t *load_ok(const char *yaml)
{
	char err[CONF_ERRBUF_SIZE] = "";
	conf_t *conf = NULL;
	int ret = conf_load_str(yaml, "t.yaml", &conf, err);
	if (ret != DZ_OK) {
		fail_msg("unexpected error %d: %s", ret, err);
	}
	assert_non_null(conf);
	return conf;
}

static void expect_error(const char *yaml, int status, const char *msg)
{
	char err[CONF_ERRBUF_SIZE] = "";
	conf_t *conf = NULL;
	assert_int_equal(conf_load_str(yaml, "t.yaml", &conf, err), status);
	assert_null(conf);
	assert_string_equal(err, msg);
}

#define EXPECT_INVAL(yaml, msg) expect_error(yaml, DZ_EINVAL, msg)

/* --- the default configuration ---------------------------------------------
 */

static void default_config_loads_with_design_values(void **state)
{
	(void)state;
	char err[CONF_ERRBUF_SIZE] = "";
	conf_t *conf = NULL;
	assert_int_equal(conf_default(&conf, err), DZ_OK);
	assert_int_equal(conf->server.nlisten, 2);
	assert_addr(&conf->server.listen[0], "127.0.0.1", 5353);
	assert_addr(&conf->server.listen[1], "::1", 5353);
	assert_string_equal(conf->server.data_dir, "./dynzone-data");
	assert_string_equal(conf->server.control,
	                    "./dynzone-data/control.sock");
	assert_int_equal(conf->nlogs, 1);
	assert_int_equal(conf->logs[0].target, CONF_LOG_STDERR);
	assert_int_equal(conf->logs[0].level, CONF_LEVEL_INFO);
	assert_int_equal(conf->logs[0].categories, CONF_CAT_ALL);

	const conf_zone_t *z = conf_zone_find(conf, wire("example.test."));
	assert_non_null(z);
	assert_int_equal(z->role, CONF_ROLE_PRIMARY);
	assert_string_equal(z->path, "./dynzone-data/example.test.zone");
	assert_int_equal(z->nacls, 1);

	const conf_acl_t *acl = z->acls[0];
	assert_int_equal(acl->actions, CONF_ACTION_UPDATE);
	assert_int_equal(acl->nkeys, 0);
	struct sockaddr_storage lo4 = sa("127.0.0.53", 999);
	struct sockaddr_storage lo6 = sa("::1", 999);
	struct sockaddr_storage other = sa("192.0.2.1", 999);
	assert_true(acl_match(acl, (struct sockaddr *)&lo4, NULL,
	                      CONF_ACTION_UPDATE));
	assert_true(acl_match(acl, (struct sockaddr *)&lo6, NULL,
	                      CONF_ACTION_UPDATE));
	assert_false(acl_match(acl, (struct sockaddr *)&other, NULL,
	                       CONF_ACTION_UPDATE));
	assert_false(acl_match(acl, (struct sockaddr *)&lo4, NULL,
	                       CONF_ACTION_TRANSFER));
	conf_free(conf);
}

static void empty_config_gets_defaults(void **state)
{
	(void)state;
	conf_t *conf = load_ok("# nothing\n");
	assert_int_equal(conf->server.nlisten, 2);
	assert_addr(&conf->server.listen[0], "0.0.0.0", 53);
	assert_addr(&conf->server.listen[1], "::", 53);
	assert_true(conf->server.workers >= 1);
	assert_int_equal(conf->server.tcp_idle_timeout, 10);
	assert_int_equal(conf->server.tcp_max_clients, 250);
	assert_int_equal(conf->server.udp_max_payload, 1232);
	assert_int_equal(conf->server.nresolver, 0);
	assert_int_equal(conf->server.nidentity, 0);
	assert_null(conf->server.user);
	assert_null(conf->server.pid_file);
	assert_int_equal(conf->nlogs, 1);
	assert_int_equal(conf->nzones, 0);
	assert_null(conf_zone_find(conf, wire("example.test.")));
	conf_free(conf);
}

static void zone_defaults_follow_design(void **state)
{
	(void)state;
	conf_t *conf = load_ok("server:\n"
	                       "  data-dir: /d\n"
	                       "zone:\n"
	                       "  - domain: Example.TEST\n");
	const conf_zone_t *z = conf_zone_find(conf, wire("example.test."));
	assert_non_null(z);
	assert_int_equal(z->line, 4);
	assert_string_equal(z->file, "Example.TEST.zone");
	assert_string_equal(z->path, "/d/Example.TEST.zone");
	assert_int_equal(z->role, CONF_ROLE_PRIMARY);
	assert_true(z->notify_ns);
	assert_false(z->update_forwarding);
	assert_int_equal(z->serial_policy, CONF_SERIAL_INCREMENT);
	assert_int_equal(z->journal_max_size, 64 << 20);
	assert_int_equal(z->zonefile_sync, 30);
	assert_int_equal(z->refresh_min, 2);
	assert_int_equal(z->refresh_max, 86400);
	assert_int_equal(z->expire_max, UINT32_MAX);
	assert_string_equal(conf->server.control, "/d/control.sock");
	conf_free(conf);
}

/* --- the full example ------------------------------------------------------
 */

static void full_example_server_values(const conf_t *conf)
{
	const conf_server_t *s = &conf->server;
	assert_int_equal(s->nlisten, 3);
	assert_addr(&s->listen[0], "192.0.2.1", 5300);
	assert_addr(&s->listen[1], "2001:db8::1", 5301);
	assert_addr(&s->listen[2], "127.0.0.1", 53);
	assert_int_equal(s->nidentity, 2);
	assert_true(dz_name_equal(s->identity[1], wire("ns1.example.net.")));
	assert_string_equal(s->data_dir, "/var/lib/dynzone");
	assert_string_equal(s->control, "/run/dynzone/control.sock");
	assert_int_equal(s->workers, 3);
	assert_string_equal(s->user, "dynzone");
	assert_int_equal(s->nresolver, 2);
	assert_addr(&s->resolver[0], "127.0.0.1", 5353);
	assert_addr(&s->resolver[1], "::1", 53);
	assert_string_equal(s->pid_file, "/run/dynzone/dynzoned.pid");
	assert_int_equal(s->tcp_idle_timeout, 120);
	assert_int_equal(s->tcp_max_clients, 100);
	assert_int_equal(s->udp_max_payload, 1400);
}

static void full_example_log_values(const conf_t *conf)
{
	assert_int_equal(conf->nlogs, 3);
	assert_int_equal(conf->logs[0].categories, CONF_CAT_ALL);
	assert_int_equal(conf->logs[1].target, CONF_LOG_SYSLOG);
	assert_int_equal(conf->logs[1].format, CONF_LOG_JSON);
	assert_int_equal(conf->logs[1].level, CONF_LEVEL_WARNING);
	assert_int_equal(conf->logs[1].categories,
	                 CONF_CAT_UPDATE | CONF_CAT_SECURITY);
	assert_int_equal(conf->logs[2].target, CONF_LOG_FILE);
	assert_string_equal(conf->logs[2].path, "/var/log/dynzone.log");
	assert_int_equal(conf->logs[2].format, CONF_LOG_TEXT);
	assert_int_equal(conf->logs[2].level, CONF_LEVEL_DEBUG);
	assert_int_equal(conf->logs[2].categories, CONF_CAT_XFR_IN);
}

static void full_example_keys_and_remotes(const conf_t *conf)
{
	static const uint8_t secret[16] = "0123456789abcdef";
	const conf_key_t *k = conf_key_find(conf, wire("XFR-key."));
	assert_non_null(k);
	assert_int_equal(k->algorithm, CONF_HMAC_MD5);
	assert_int_equal(k->secret_len, 16);
	assert_memory_equal(k->secret, secret, 16);
	const conf_key_t *dhcp = conf_key_find(conf, wire("dhcp-key."));
	assert_int_equal(dhcp->secret_len, 32);
	assert_int_equal(dhcp->secret[31], 31);
	assert_int_equal(dhcp->algorithm, CONF_HMAC_SHA256);
	assert_null(conf_key_find(conf, wire("nokey.")));

	const conf_remote_t *r = conf_remote_find(conf, "ns2");
	assert_non_null(r);
	assert_int_equal(r->naddrs, 2);
	assert_addr(&r->addrs[0], "127.0.0.2", 5353);
	assert_addr(&r->addrs[1], "::2", 53);
	assert_ptr_equal(r->key, k);
	assert_true(r->has_via);
	assert_addr(&r->via, "127.0.0.1", 0);
	const conf_remote_t *ns1 = conf_remote_find(conf, "ns1");
	assert_int_equal(ns1->naddrs, 1);
	assert_null(ns1->key);
	assert_false(ns1->has_via);
	assert_null(conf_remote_find(conf, "ns3"));
}

static void full_example_acls(const conf_t *conf)
{
	const conf_acl_t *a = conf_acl_find(conf, "dhcp");
	assert_non_null(a);
	assert_int_equal(a->naddrs, 3);
	assert_int_equal(a->addrs[2].family, AF_INET);
	assert_int_equal(a->addrs[2].len, 16);
	assert_int_equal(a->addrs[1].len, 128);
	assert_int_equal(a->nkeys, 1);
	assert_ptr_equal(a->keys[0], conf_key_find(conf, wire("dhcp-key.")));
	assert_int_equal(a->actions, CONF_ACTION_UPDATE);
	assert_int_equal(a->ntypes, 5);
	assert_int_equal(a->update_types[0], DZ_RR_A);
	assert_int_equal(a->update_types[2], DZ_RR_PTR);
	assert_int_equal(a->update_owner, CONF_OWNER_NAME);
	assert_int_equal(a->update_owner_match, CONF_MATCH_SUB_OR_EQUAL);
	assert_int_equal(a->nowner_names, 2);
	assert_true(a->owner_names[0].relative);
	assert_false(a->owner_names[1].relative);

	const conf_acl_t *sec = conf_acl_find(conf, "secondaries");
	assert_int_equal(sec->actions,
	                 CONF_ACTION_TRANSFER | CONF_ACTION_NOTIFY);
	assert_int_equal(sec->update_owner, CONF_OWNER_ANY);
	const conf_acl_t *q = conf_acl_find(conf, "any-query");
	assert_int_equal(q->naddrs, 0);
	assert_int_equal(q->update_owner, CONF_OWNER_KEY);
	assert_int_equal(q->update_owner_match, CONF_MATCH_EQUAL);
	assert_null(conf_acl_find(conf, "none"));
}

static void full_example_primary_zone(const conf_t *conf)
{
	const conf_zone_t *z = conf_zone_find(conf, wire("EXAMPLE.test."));
	assert_non_null(z);
	assert_string_equal(z->file, "example.test.db");
	assert_string_equal(z->path, "/var/lib/dynzone/example.test.db");
	assert_int_equal(z->nacls, 2);
	assert_ptr_equal(z->acls[1], conf_acl_find(conf, "secondaries"));
	assert_int_equal(z->nnotify, 1);
	assert_ptr_equal(z->notify[0], conf_remote_find(conf, "ns2"));
	assert_false(z->notify_ns);
	assert_int_equal(z->nprimaries, 0);
	assert_int_equal(z->serial_policy, CONF_SERIAL_UNIXTIME);
	assert_int_equal(z->journal_max_size, 512 * 1024);
	assert_int_equal(z->zonefile_sync, 300);
	assert_int_equal(z->refresh_min, 10);
	assert_int_equal(z->refresh_max, 86400);
	assert_int_equal(z->retry_min, 5);
	assert_int_equal(z->retry_max, 7200);
	assert_int_equal(z->expire_min, 3600);
	assert_int_equal(z->expire_max, 4 * 604800);
	assert_false(z->update_forwarding);
}

static void full_example_other_zones(const conf_t *conf)
{
	const conf_zone_t *r =
	        conf_zone_find(conf, wire("2.0.192.in-addr.arpa."));
	assert_non_null(r);
	assert_int_equal(r->role, CONF_ROLE_SECONDARY);
	assert_int_equal(r->nprimaries, 1);
	assert_ptr_equal(r->primaries[0], conf_remote_find(conf, "ns1"));
	assert_string_equal(r->path, "/srv/zones/reverse.zone");
	assert_int_equal(r->serial_policy, CONF_SERIAL_DATESERIAL);
	assert_int_equal(r->zonefile_sync, -1);
	assert_true(r->update_forwarding);
	const conf_zone_t *s = conf_zone_find(conf, wire("sync.test."));
	assert_int_equal(s->zonefile_sync, 0);
	assert_int_equal(s->journal_max_size, UINT64_C(1) << 30);
	assert_null(conf_zone_find(conf, wire("test.")));
	assert_null(conf_zone_find(conf, wire("a.sync.test.")));
	/* zones keep file order, the index is in canonical order */
	assert_int_equal(conf->nzones, 3);
	assert_ptr_equal(&conf->zones[2], s);
	assert_ptr_equal(conf->zone_index[0], r);
}

static void full_example_loads_every_key(void **state)
{
	(void)state;
	char err[CONF_ERRBUF_SIZE] = "";
	conf_t *conf = NULL;
	int ret = conf_load(DZ_TEST_DATA "/conf/full.yaml", &conf, err);
	if (ret != DZ_OK) {
		fail_msg("%s", err);
	}
	assert_string_equal(conf->source, DZ_TEST_DATA "/conf/full.yaml");
	full_example_server_values(conf);
	full_example_log_values(conf);
	full_example_keys_and_remotes(conf);
	full_example_acls(conf);
	full_example_primary_zone(conf);
	full_example_other_zones(conf);
	conf_free(conf);
}

static void sections_may_come_in_any_order(void **state)
{
	(void)state;
	conf_t *conf = load_ok("zone:\n"
	                       "  - domain: a.test.\n"
	                       "    acl: x\n"
	                       "acl:\n"
	                       "  - id: x\n"
	                       "    key: k\n"
	                       "    action: transfer\n"
	                       "key:\n"
	                       "  - id: k\n"
	                       "    secret: MDEyMzQ1Njc4OWFiY2RlZg==\n");
	assert_ptr_equal(conf->zones[0].acls[0]->keys[0], &conf->keys[0]);
	conf_free(conf);
}

/* --- error classes ---------------------------------------------------------
 */

static void missing_file_is_enoent(void **state)
{
	(void)state;
	char err[CONF_ERRBUF_SIZE] = "";
	conf_t *conf = NULL;
	assert_int_equal(
	        conf_load(DZ_TEST_DATA "/conf/nonexistent.yaml", &conf, err),
	        DZ_ENOENT);
	assert_null(conf);
	assert_non_null(strstr(err, "nonexistent.yaml: cannot open: "));
}

static void yaml_syntax_error_has_line_and_column(void **state)
{
	(void)state;
	expect_error("server:\n"
	             "  listen: 127.0.0.1\n"
	             "   workers: 2\n",
	             DZ_ESYNTAX,
	             "t.yaml:3:11: mapping values are not allowed in this "
	             "context");
	expect_error("zone:\n"
	             "  - domain: [a.test.\n",
	             DZ_ESYNTAX,
	             "t.yaml:3:1: did not find expected ',' or ']' (while "
	             "parsing a flow sequence at line 2)");
}

static void error_file_reports_its_path_and_line(void **state)
{
	(void)state;
	char err[CONF_ERRBUF_SIZE] = "";
	conf_t *conf = NULL;
	assert_int_equal(
	        conf_load(DZ_TEST_DATA "/conf/bad-ref.yaml", &conf, err),
	        DZ_EINVAL);
	assert_null(conf);
	assert_string_equal(err,
	                    DZ_TEST_DATA "/conf/bad-ref.yaml:14: "
	                                 "reference to undefined remote 'ns3'");
}

static void unknown_keys_are_rejected(void **state)
{
	(void)state;
	EXPECT_INVAL("server:\n  listen: 127.0.0.1\n  bogus: 1\n",
	             "t.yaml:3: unknown key 'bogus' in 'server'");
	EXPECT_INVAL("zones: []\n",
	             "t.yaml:1: unknown key 'zones' in 'configuration'");
	EXPECT_INVAL("zone:\n  - domain: a.\n    master: [x]\n",
	             "t.yaml:3: unknown key 'master' in 'zone'");
	EXPECT_INVAL("log:\n  - target: stderr\n    colour: red\n",
	             "t.yaml:3: unknown key 'colour' in 'log'");
	EXPECT_INVAL("server:\n  workers: 1\n  workers: 2\n",
	             "t.yaml:3: duplicate key 'workers' in 'server'");
}

static void wrong_node_types_are_rejected(void **state)
{
	(void)state;
	EXPECT_INVAL("server: [a]\n", "t.yaml:1: 'server' must be a map");
	EXPECT_INVAL("- a\n", "t.yaml:1: 'configuration' must be a map");
	EXPECT_INVAL("\nzone:\n  domain: x.\n",
	             "t.yaml:3: 'zone' must be a list");
	EXPECT_INVAL("zone:\n  - example.test.\n",
	             "t.yaml:2: 'zone' must be a map");
	EXPECT_INVAL("server:\n  workers: [1, 2]\n",
	             "t.yaml:2: 'workers' must be a scalar");
	EXPECT_INVAL("server:\n  listen: {a: b}\n",
	             "t.yaml:2: 'listen' must be a list or a scalar");
	EXPECT_INVAL("server:\n  listen:\n    - 127.0.0.1\n    - [a, b]\n",
	             "t.yaml:4: items of 'listen' must be scalars");
}

static void bad_addresses_and_ports_are_rejected(void **state)
{
	(void)state;
	EXPECT_INVAL("server:\n  listen: [300.1.1.1@53]\n",
	             "t.yaml:2: invalid value '300.1.1.1@53' for 'listen': "
	             "not an IP address");
	EXPECT_INVAL("server:\n  listen:\n    - 127.0.0.1@70000\n",
	             "t.yaml:3: invalid value '127.0.0.1@70000' for "
	             "'listen': bad port");
	EXPECT_INVAL("server:\n  resolver: 127.0.0.1@\n",
	             "t.yaml:2: invalid value '127.0.0.1@' for 'resolver': "
	             "bad port");
	EXPECT_INVAL("server:\n  listen: \"::1@0\"\n",
	             "t.yaml:2: invalid value '::1@0' for 'listen': bad "
	             "port");
	EXPECT_INVAL("acl:\n  - id: a\n    action: query\n"
	             "    address: 10.0.0.0/33\n",
	             "t.yaml:4: invalid value '10.0.0.0/33' for 'address': "
	             "bad prefix length");
	EXPECT_INVAL("acl:\n  - id: a\n    action: query\n"
	             "    address: host.example.\n",
	             "t.yaml:4: invalid value 'host.example.' for 'address': "
	             "not an IP address or prefix");
	EXPECT_INVAL("remote:\n  - id: r\n    address: 1.2.3.4\n"
	             "    via: 1.2.3\n",
	             "t.yaml:4: invalid value '1.2.3' for 'via': not an IP "
	             "address");
}

static void bad_enums_are_rejected(void **state)
{
	(void)state;
	EXPECT_INVAL("zone:\n  - domain: a.\n    role: master\n",
	             "t.yaml:3: invalid value 'master' for 'role': expected "
	             "primary|secondary");
	EXPECT_INVAL("log:\n  - level: verbose\n",
	             "t.yaml:2: invalid value 'verbose' for 'level': expected "
	             "error|warning|notice|info|debug");
	EXPECT_INVAL("log:\n  - categories: [query, dns]\n",
	             "t.yaml:2: invalid value 'dns' for 'categories': "
	             "expected general|query|update|notify|xfr-in|xfr-out|"
	             "security|control");
	EXPECT_INVAL("key:\n  - id: k.\n    algorithm: hmac-sha3\n"
	             "    secret: MDEyMzQ1Njc4OWFiY2RlZg==\n",
	             "t.yaml:3: invalid value 'hmac-sha3' for 'algorithm': "
	             "expected hmac-md5|hmac-sha1|hmac-sha224|hmac-sha256|"
	             "hmac-sha384|hmac-sha512");
	EXPECT_INVAL("acl:\n  - id: a\n    action: [query, axfr]\n",
	             "t.yaml:3: invalid value 'axfr' for 'action': expected "
	             "query|update|transfer|notify");
	EXPECT_INVAL("acl:\n  - id: a\n    action: update\n"
	             "    update-type: [A, BOGUS]\n",
	             "t.yaml:4: invalid value 'BOGUS' for 'update-type': not "
	             "an RR type");
	EXPECT_INVAL("zone:\n  - domain: a.\n    notify-ns: maybe\n",
	             "t.yaml:3: invalid value 'maybe' for 'notify-ns': "
	             "expected true|false");
}

static void bad_names_are_rejected(void **state)
{
	(void)state;
	EXPECT_INVAL("zone:\n  - domain: a..b\n",
	             "t.yaml:2: invalid value 'a..b' for 'domain': not a "
	             "domain name");
	EXPECT_INVAL("server:\n  identity: ns1.example.test\n",
	             "t.yaml:2: invalid value 'ns1.example.test' for "
	             "'identity': must be absolute (end with '.')");
}

static void bad_numbers_sizes_and_durations_are_rejected(void **state)
{
	(void)state;
	EXPECT_INVAL("server:\n  workers: 0\n",
	             "t.yaml:2: invalid value '0' for 'workers': expected an "
	             "integer from 1 to 1024");
	EXPECT_INVAL("server:\n  tcp-max-clients: 99999999999999999999999\n",
	             "t.yaml:2: invalid value '99999999999999999999999' for "
	             "'tcp-max-clients': expected an integer from 1 to 100000");
	EXPECT_INVAL("zone:\n  - domain: a.\n    journal-max-size: 64X\n",
	             "t.yaml:3: invalid value '64X' for 'journal-max-size': "
	             "expected a size like 512K, 64M or 1G");
	EXPECT_INVAL("zone:\n  - domain: a.\n    zonefile-sync: -2\n",
	             "t.yaml:3: invalid value '-2' for 'zonefile-sync': "
	             "expected a duration like 30s, 5m, 1h or 1d, or -1");
	EXPECT_INVAL("zone:\n  - domain: a.\n    refresh-min: -1\n",
	             "t.yaml:3: invalid value '-1' for 'refresh-min': "
	             "expected a duration like 30s, 5m, 1h or 1d");
	EXPECT_INVAL("server:\n  tcp-idle-timeout: 0\n",
	             "t.yaml:2: invalid value '0' for 'tcp-idle-timeout': "
	             "must be at least 1s");
	EXPECT_INVAL("zone:\n  - domain: a.\n    retry-min: 2h\n"
	             "    retry-max: 1h\n",
	             "t.yaml:4: 'retry-min' (7200) is greater than "
	             "'retry-max' (3600)");
}

static void bad_base64_is_rejected(void **state)
{
	(void)state;
	EXPECT_INVAL("key:\n  - id: k.\n    secret: not*base64\n",
	             "t.yaml:3: invalid value 'not*base64' for 'secret': not "
	             "base64");
	EXPECT_INVAL("key:\n  - id: k.\n    secret: \"\"\n",
	             "t.yaml:3: invalid value '' for 'secret': not base64");
}

static void duplicate_ids_are_rejected(void **state)
{
	(void)state;
	EXPECT_INVAL("key:\n"
	             "  - id: k.\n    secret: MDEyMzQ1Njc4OWFiY2RlZg==\n"
	             "  - id: K\n    secret: MDEyMzQ1Njc4OWFiY2RlZg==\n",
	             "t.yaml:4: duplicate key id 'K' (first defined at line "
	             "2)");
	EXPECT_INVAL("remote:\n"
	             "  - id: r\n    address: 1.2.3.4\n"
	             "  - id: r\n    address: 1.2.3.5\n",
	             "t.yaml:4: duplicate remote id 'r' (first defined at "
	             "line 2)");
	EXPECT_INVAL("acl:\n"
	             "  - id: a\n    action: query\n"
	             "  - action: update\n    id: a\n",
	             "t.yaml:5: duplicate acl id 'a' (first defined at line "
	             "2)");
	EXPECT_INVAL("zone:\n"
	             "  - domain: b.test.\n"
	             "  - domain: a.test.\n"
	             "  - role: primary\n"
	             "    domain: A.TEST\n",
	             "t.yaml:5: duplicate zone 'A.TEST.' (first defined at "
	             "line 3)");
}

static void dangling_references_are_rejected(void **state)
{
	(void)state;
	EXPECT_INVAL("acl:\n  - id: a\n    action: update\n"
	             "    key: [nokey.]\n",
	             "t.yaml:4: reference to undefined key 'nokey.'");
	EXPECT_INVAL("remote:\n  - id: r\n    address: 1.2.3.4\n"
	             "    key: nokey\n",
	             "t.yaml:4: reference to undefined key 'nokey'");
	EXPECT_INVAL("zone:\n  - domain: a.\n    acl:\n      - nope\n",
	             "t.yaml:4: reference to undefined acl 'nope'");
	EXPECT_INVAL("zone:\n  - domain: a.\n    notify: [ns9]\n",
	             "t.yaml:3: reference to undefined remote 'ns9'");
}

static void missing_required_keys_are_rejected(void **state)
{
	(void)state;
	EXPECT_INVAL("zone:\n  - domain: a.\n  - role: primary\n",
	             "t.yaml:3: missing required key 'domain' in 'zone'");
	EXPECT_INVAL("key:\n  - id: k.\n    algorithm: hmac-sha1\n",
	             "t.yaml:2: missing required key 'secret' in 'key'");
	EXPECT_INVAL("key:\n  - secret: MDEyMzQ1Njc4OWFiY2RlZg==\n",
	             "t.yaml:2: missing required key 'id' in 'key'");
	EXPECT_INVAL("remote:\n  - id: r\n",
	             "t.yaml:2: missing required key 'address' in 'remote'");
	EXPECT_INVAL("acl:\n  - id: a\n    address: 127.0.0.1\n",
	             "t.yaml:2: missing required key 'action' in 'acl'");
	EXPECT_INVAL("zone:\n  - domain: a.\n    role: secondary\n",
	             "t.yaml:2: missing required key 'primaries' in 'zone' "
	             "(role: secondary)");
	EXPECT_INVAL("acl:\n  - id: a\n    action: update\n"
	             "    update-owner: name\n",
	             "t.yaml:2: missing required key 'update-owner-name' in "
	             "'acl' (update-owner: name)");
}

static void null_list_is_empty_list(void **state)
{
	(void)state;
	conf_t *conf = load_ok("log:\n  - categories:\n"
	                       "zone:\n  - domain: a.\n    acl: ~\n");
	assert_int_equal(conf->logs[0].categories, 0);
	assert_int_equal(conf->zones[0].nacls, 0);
	conf_free(conf);
	conf = load_ok("server:\nzone:\n#  - domain: a.\n");
	assert_int_equal(conf->nzones, 0);
	assert_int_equal(conf->server.tcp_max_clients, 250);
	conf_free(conf);
	EXPECT_INVAL("server:\n  listen: \"\"\n",
	             "t.yaml:2: invalid value '' for 'listen': not an IP "
	             "address");
}

static void inconsistent_keys_are_rejected(void **state)
{
	(void)state;
	EXPECT_INVAL("acl:\n  - id: a\n    action: update\n"
	             "    address: []\n",
	             "t.yaml:4: 'address' must not be empty (leave it out to "
	             "match every address)");
	EXPECT_INVAL("server:\n  listen: []\n",
	             "t.yaml:2: 'listen' must not be empty");
	EXPECT_INVAL("remote:\n  - id: r\n    address: []\n",
	             "t.yaml:3: 'address' must not be empty");
	EXPECT_INVAL("acl:\n  - id: a\n    action: []\n",
	             "t.yaml:3: 'action' must not be empty");
	EXPECT_INVAL("remote:\n  - id: r\n    address: 1.2.3.4\n"
	             "zone:\n  - domain: a.\n    primaries: [r]\n",
	             "t.yaml:6: 'primaries' is not allowed in a zone with "
	             "role: primary");
	EXPECT_INVAL("acl:\n  - id: a\n    action: update\n"
	             "    update-owner-name: [x]\n",
	             "t.yaml:4: 'update-owner-name' needs 'update-owner: "
	             "name'");
	EXPECT_INVAL("zone: []\n---\nzone: []\n",
	             "t.yaml:3: more than one YAML document");
}

/* --- ACL matching ----------------------------------------------------------
 */

static conf_prefix_t prefix(const char *ip, uint8_t len)
{
	struct sockaddr_storage ss = sa(ip, 0);
	conf_prefix_t p = {.family = ss.ss_family, .len = len};
	if (ss.ss_family == AF_INET) {
		memcpy(p.addr, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	} else {
		memcpy(p.addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
	}
	return p;
}

static bool pmatch(const char *pfx, uint8_t len, const char *ip)
{
	conf_prefix_t p = prefix(pfx, len);
	struct sockaddr_storage ss = sa(ip, 53);
	return conf_prefix_match(&p, (struct sockaddr *)&ss);
}

static void prefix_match_ipv4(void **state)
{
	(void)state;
	assert_true(pmatch("10.1.0.0", 16, "10.1.255.3"));
	assert_false(pmatch("10.1.0.0", 16, "10.2.0.1"));
	assert_true(pmatch("10.1.2.3", 32, "10.1.2.3"));
	assert_false(pmatch("10.1.2.3", 32, "10.1.2.2"));
	assert_true(pmatch("192.168.0.128", 25, "192.168.0.200"));
	assert_false(pmatch("192.168.0.128", 25, "192.168.0.127"));
	assert_true(pmatch("0.0.0.0", 0, "203.0.113.9"));
}

static void prefix_match_ipv6(void **state)
{
	(void)state;
	assert_true(pmatch("2001:db8::", 32, "2001:db8:ffff::1"));
	assert_false(pmatch("2001:db8::", 32, "2001:db9::1"));
	assert_true(pmatch("::1", 128, "::1"));
	assert_false(pmatch("::1", 128, "::2"));
	assert_true(pmatch("2001:db8::", 33, "2001:db8:7fff::"));
	assert_false(pmatch("2001:db8::", 33, "2001:db8:8000::"));
	assert_true(pmatch("::", 0, "fe80::1"));
}

static void prefix_match_mixed_families(void **state)
{
	(void)state;
	/* v4 prefixes match v4-mapped sources (dual-stack sockets)... */
	assert_true(pmatch("127.0.0.0", 8, "::ffff:127.0.0.1"));
	assert_false(pmatch("127.0.0.0", 8, "::ffff:10.0.0.1"));
	assert_true(pmatch("0.0.0.0", 0, "::ffff:10.0.0.1"));
	/* ...but never plain v6 sources, and /0 stays within its family. */
	assert_false(pmatch("0.0.0.0", 0, "2001:db8::1"));
	assert_false(pmatch("::", 0, "10.0.0.1"));
	assert_false(pmatch("::1", 128, "127.0.0.1"));
	assert_false(pmatch("127.0.0.1", 32, "::1"));
}

static void acl_match_checks_action_address_and_key(void **state)
{
	(void)state;
	conf_t *conf =
	        load_ok("key:\n"
	                "  - id: k1.\n    secret: MDEyMzQ1Njc4OWFiY2RlZg==\n"
	                "  - id: k2.\n    secret: MDEyMzQ1Njc4OWFiY2RlZg==\n"
	                "acl:\n"
	                "  - id: signed\n"
	                "    address: [10.0.0.0/8, \"2001:db8::/32\"]\n"
	                "    key: [k1, k2]\n"
	                "    action: [update, transfer]\n"
	                "  - id: anyone\n"
	                "    action: query\n");
	const conf_acl_t *s = conf_acl_find(conf, "signed");
	struct sockaddr_storage in = sa("10.9.8.7", 1);
	struct sockaddr_storage in6 = sa("2001:db8::53", 1);
	struct sockaddr_storage out = sa("11.0.0.1", 1);
	const struct sockaddr *pin = (const struct sockaddr *)&in;
	assert_true(acl_match(s, pin, wire("K2."), CONF_ACTION_UPDATE));
	assert_true(acl_match(s, (const struct sockaddr *)&in6, wire("k1."),
	                      CONF_ACTION_TRANSFER));
	assert_false(acl_match(s, pin, NULL, CONF_ACTION_UPDATE));
	assert_false(acl_match(s, pin, wire("k3."), CONF_ACTION_UPDATE));
	assert_false(acl_match(s, pin, wire("k1."), CONF_ACTION_NOTIFY));
	assert_false(acl_match(s, (const struct sockaddr *)&out, wire("k1."),
	                       CONF_ACTION_UPDATE));
	const conf_acl_t *any = conf_acl_find(conf, "anyone");
	assert_true(acl_match(any, (const struct sockaddr *)&out, NULL,
	                      CONF_ACTION_QUERY));
	assert_true(acl_match(any, (const struct sockaddr *)&out, wire("k1."),
	                      CONF_ACTION_QUERY));
	conf_free(conf);
}

static void acl_refusal_names_wrong_key_or_no_acl(void **state)
{
	(void)state;
	conf_t *conf =
	        load_ok("key:\n"
	                "  - id: k1.\n    secret: MDEyMzQ1Njc4OWFiY2RlZg==\n"
	                "acl:\n"
	                "  - id: signed\n"
	                "    address: [10.0.0.0/8]\n"
	                "    key: [k1]\n"
	                "    action: [update]\n"
	                "  - id: open\n"
	                "    address: [192.0.2.0/24]\n"
	                "    action: [transfer]\n");
	const conf_acl_t *acls[] = {conf_acl_find(conf, "signed"),
	                            conf_acl_find(conf, "open")};
	struct sockaddr_storage in = sa("10.1.2.3", 1);
	struct sockaddr_storage out = sa("11.0.0.1", 1);
	struct sockaddr_storage doc = sa("192.0.2.9", 1);
	const struct sockaddr *pin = (const struct sockaddr *)&in;
	const struct sockaddr *pout = (const struct sockaddr *)&out;
	const struct sockaddr *pdoc = (const struct sockaddr *)&doc;
	assert_null(acl_refusal(acls, 2, pin, wire("k1."), CONF_ACTION_UPDATE));
	assert_string_equal(acl_refusal(acls, 2, pin, NULL, CONF_ACTION_UPDATE),
	                    "wrong-key");
	assert_string_equal(acl_refusal(acls, 2, pin, wire("k2."),
	                                CONF_ACTION_UPDATE), "wrong-key");
	assert_string_equal(acl_refusal(acls, 2, pout, wire("k1."),
	                                CONF_ACTION_UPDATE), "no-acl");
	/* An ACL without keys never makes a refusal "wrong-key". */
	assert_null(acl_refusal(acls, 2, pdoc, NULL, CONF_ACTION_TRANSFER));
	assert_string_equal(acl_refusal(acls, 2, pin, wire("k1."),
	                                CONF_ACTION_TRANSFER), "no-acl");
	assert_string_equal(acl_refusal(acls, 0, pin, NULL, CONF_ACTION_UPDATE),
	                    "no-acl");
	conf_free(conf);
}

static void acl_update_type_and_owner_rules(void **state)
{
	(void)state;
	conf_t *conf = load_ok("acl:\n"
	                       "  - id: names\n"
	                       "    action: update\n"
	                       "    update-type: [A, AAAA]\n"
	                       "    update-owner: name\n"
	                       "    update-owner-match: sub\n"
	                       "    update-owner-name: [hosts, dyn.other.]\n"
	                       "  - id: bykey\n"
	                       "    action: update\n"
	                       "    update-owner: key\n"
	                       "    update-owner-match: equal\n"
	                       "  - id: zone\n"
	                       "    action: update\n"
	                       "    update-owner: zone\n");
	const uint8_t *apex = wire("example.test.");
	uint8_t apex_copy[DZ_NAME_MAXLEN];
	dz_name_copy(apex_copy, apex);
	const conf_acl_t *n = conf_acl_find(conf, "names");
	assert_true(acl_allows_type(n, DZ_RR_AAAA));
	assert_false(acl_allows_type(n, DZ_RR_TXT));
	assert_true(acl_allows_owner(n, apex_copy,
	                             wire("a.hosts.example.test."), NULL));
	assert_false(acl_allows_owner(n, apex_copy, wire("hosts.example.test."),
	                              NULL));
	assert_true(acl_allows_owner(n, apex_copy, wire("x.dyn.other."), NULL));
	assert_false(acl_allows_owner(n, apex_copy, wire("www.example.test."),
	                              NULL));
	const conf_acl_t *k = conf_acl_find(conf, "bykey");
	assert_true(acl_allows_type(k, DZ_RR_TXT));
	assert_true(acl_allows_owner(k, apex_copy, wire("host1.example.test."),
	                             wire("HOST1.example.test.")));
	assert_false(acl_allows_owner(k, apex_copy, wire("host2.example.test."),
	                              wire("host1.example.test.")));
	assert_false(acl_allows_owner(k, apex_copy, wire("host1.example.test."),
	                              NULL));
	const conf_acl_t *z = conf_acl_find(conf, "zone");
	assert_true(
	        acl_allows_owner(z, apex_copy, wire("example.test."), NULL));
	assert_true(
	        acl_allows_owner(z, apex_copy, wire("a.example.test."), NULL));
	assert_false(
	        acl_allows_owner(z, apex_copy, wire("example.net."), NULL));
	conf_free(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(default_config_loads_with_design_values),
	        cmocka_unit_test(empty_config_gets_defaults),
	        cmocka_unit_test(zone_defaults_follow_design),
	        cmocka_unit_test(full_example_loads_every_key),
	        cmocka_unit_test(sections_may_come_in_any_order),
	        cmocka_unit_test(missing_file_is_enoent),
	        cmocka_unit_test(yaml_syntax_error_has_line_and_column),
	        cmocka_unit_test(error_file_reports_its_path_and_line),
	        cmocka_unit_test(unknown_keys_are_rejected),
	        cmocka_unit_test(wrong_node_types_are_rejected),
	        cmocka_unit_test(bad_addresses_and_ports_are_rejected),
	        cmocka_unit_test(bad_enums_are_rejected),
	        cmocka_unit_test(bad_names_are_rejected),
	        cmocka_unit_test(bad_numbers_sizes_and_durations_are_rejected),
	        cmocka_unit_test(bad_base64_is_rejected),
	        cmocka_unit_test(duplicate_ids_are_rejected),
	        cmocka_unit_test(dangling_references_are_rejected),
	        cmocka_unit_test(missing_required_keys_are_rejected),
	        cmocka_unit_test(null_list_is_empty_list),
	        cmocka_unit_test(inconsistent_keys_are_rejected),
	        cmocka_unit_test(prefix_match_ipv4),
	        cmocka_unit_test(prefix_match_ipv6),
	        cmocka_unit_test(prefix_match_mixed_families),
	        cmocka_unit_test(acl_match_checks_action_address_and_key),
	        cmocka_unit_test(acl_refusal_names_wrong_key_or_no_acl),
	        cmocka_unit_test(acl_update_type_and_owner_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
