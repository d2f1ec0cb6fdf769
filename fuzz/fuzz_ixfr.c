/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: a stream of transfer answer messages fed to an incoming
 * AXFR/IXFR against a fixed small zone. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/xfr/xfr.h"
#include "lib/zone/changeset.h"
#include "lib/zone/zone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: one octet choosing the query (even: AXFR, odd: IXFR), then
 * messages, each prefixed by its 16-bit length as on TCP. The zone we hold
 * is v1 of tests/data/xfr/gen_xfr.py, so its seeds reach the IXFR paths.
 */

#define MAX_RRS 4096

static const char *const v1[][3] = {
        {"example.", "SOA", "ns1.example. admin.example. 1 7200 900 86400 300"},
        {"example.", "NS", "ns1.example."},
        {"example.", "NS", "ns2.example."},
        {"example.", "MX", "10 mail.example."},
        {"ns1.example.", "A", "192.0.2.1"},
        {"ns2.example.", "A", "192.0.2.2"},
        {"mail.example.", "A", "192.0.2.3"},
        {"www.example.", "A", "192.0.2.10"},
        {"www.example.", "A", "192.0.2.11"},
        {"www.example.", "AAAA", "2001:db8::10"},
        {"txt.example.", "TXT", "\"hello world\" \"second string\""},
        {"_sip._tcp.example.", "SRV", "10 20 5060 sip.example."},
};

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static uint8_t origin[DZ_NAME_MAXLEN];

static dz_zone_t *make_zone(void)
{
	dz_zone_builder_t *b;
	dz_zone_t *z;
	uint8_t owner[DZ_NAME_MAXLEN], rd[512];
	uint16_t type;

	check(dz_name_from_str(origin, "example.", 8, NULL) > 0);
	check(dz_zone_builder_new(origin, &b) == DZ_OK);
	for (size_t i = 0; i < sizeof(v1) / sizeof(v1[0]); i++) {
		check(dz_name_from_str(owner, v1[i][0], strlen(v1[i][0]),
		                       NULL) > 0);
		check(dz_rrtype_from_str(v1[i][1], strlen(v1[i][1]), &type) ==
		      DZ_OK);
		int n = dz_rdata_from_str(type, v1[i][2], NULL, rd, sizeof(rd),
		                          NULL);
		check(n >= 0);
		check(dz_zone_builder_add(b, owner, type, 0, 3600, rd,
		                          (uint16_t)n) == DZ_OK);
	}
	check(dz_zone_builder_finish(b, &z) == DZ_OK);
	dz_zone_builder_free(b);
	return z;
}

/* Whatever came out must be coherent: the journal records lead from our
 * version to the new one, and the new one has the announced serial. */
static void check_result(const dz_zone_t *base, const dz_xfr_in_result_t *res)
{
	uint32_t serial;
	dz_zone_t *v = dz_zone_ref(base);
	dz_changeset_t *d;

	if (res->zone == NULL) {
		check(res->kind == DZ_XFR_UPTODATE && res->nsteps == 0);
		dz_zone_unref(v);
		return;
	}
	check(dz_zone_serial(res->zone, &serial) == DZ_OK);
	check(serial == res->serial_to);
	for (size_t i = 0; i < res->nsteps; i++) {
		dz_zone_t *next;
		check(dz_zone_apply(v, res->steps[i].ch, 0, &next) == DZ_OK);
		dz_zone_unref(v);
		v = next;
	}
	if (res->nsteps > 0) {
		check(dz_zone_diff(v, res->zone, &d) == DZ_OK);
		check(dz_changeset_is_empty(d));
		dz_changeset_free(d);
	}
	dz_zone_unref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dz_zone_t *base;
	static dz_msg_rr_t rrs[MAX_RRS];
	dz_msg_t msg;
	dz_msg_limits_t lim = {.max_rrs = MAX_RRS};
	dz_xfr_in_t *in;
	dz_xfr_in_result_t res;
	size_t off = 1;
	int ret = DZ_OK;

	if (base == NULL) {
		base = make_zone();
	}
	if (size < 1) {
		return 0;
	}
	uint16_t qtype = (data[0] & 1) ? DZ_RR_IXFR : DZ_RR_AXFR;
	check(dz_xfr_in_new(origin, base, qtype, 1, &in) == DZ_OK);
	dz_msg_init(&msg, rrs, MAX_RRS);
	while (ret == DZ_OK && size - off >= 2) {
		size_t n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		n = n < size - off ? n : size - off;
		if (dz_msg_parse(&msg, data + off, n, &lim, NULL) == DZ_OK) {
			ret = dz_xfr_in_feed(in, &msg);
		}
		off += n;
	}
	bool done = dz_xfr_in_is_done(in);
	ret = dz_xfr_in_finish(in, &res);
	check((ret == DZ_OK) == (done && ret != DZ_ENOMEM));
	if (ret == DZ_OK) {
		check_result(base, &res);
		dz_xfr_in_result_clear(&res);
	} else {
		check(dz_xfr_in_diag(in)[0] != '\0');
	}
	dz_xfr_in_free(in);
	return 0;
}
