/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz the zone-file parser, and check every record survives print -> parse unchanged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/zone/zonefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Long enough for any rdata: every octet as \DDD, plus the owner. */
static char line[4 * 65536 + 4096];

typedef struct expect {
	const dz_zrr_t *rr;
	unsigned seen;
} expect_t;

static bool same(const dz_zrr_t *a, const dz_zrr_t *b)
{
	size_t alen = dz_name_len(a->owner);
	return alen == dz_name_len(b->owner) &&
	       memcmp(a->owner, b->owner, alen) == 0 && a->type == b->type &&
	       a->rclass == b->rclass && a->ttl == b->ttl &&
	       a->rdlen == b->rdlen &&
	       memcmp(a->rdata, b->rdata, a->rdlen) == 0;
}

static int check_again(void *ctx, const dz_zrr_t *rr)
{
	expect_t *e = ctx;
	if (e->seen++ != 0 || !same(e->rr, rr)) {
		fprintf(stderr, "round trip changed the record: %s\n", line);
		abort();
	}
	return 0;
}

static int round_trip(void *ctx, const dz_zrr_t *rr)
{
	(void)ctx;
	int n = dz_rr_to_str(line, sizeof(line), rr->owner, rr->type,
	                     rr->rclass, rr->ttl, rr->rdata, rr->rdlen);
	if (n < 0) {
		fprintf(stderr, "cannot print a parsed record: %s\n",
		        dz_strerror(n));
		abort();
	}
	expect_t e = {rr, 0};
	dz_zonefile_opts_t o = {.no_include = true, .rclass = rr->rclass};
	dz_zonefile_diag_t diag;
	int r = dz_zonefile_parse_buf(line, (size_t)n, "roundtrip", &o,
	                              check_again, &e, &diag);
	if (r != DZ_OK || e.seen != 1) {
		fprintf(stderr, "printed record does not parse back (%s): %s\n",
		        diag.msg, line);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t origin[] = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
	dz_zonefile_opts_t o = {
		.origin = origin,
		.no_include = true,
		.max_generate = 256,
	};
	dz_zonefile_diag_t diag;
	(void)dz_zonefile_parse_buf((const char *)data, size, "fuzz", &o,
	                            round_trip, NULL, &diag);
	return 0;
}
