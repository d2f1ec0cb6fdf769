/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the transfer codec tests: queries, message streams (zones
 * from text come from the zone tests' helpers). */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/xfr/xfr.h"
#include "lib/zone/changeset.h"
#include "lib/zone/zone.h"
#include "tests/unit/lib/zone/zone_test_util.h"

/* Records a parsed message may hold in these tests (a 64 KiB message of
 * minimal records holds fewer). */
#define T_MAX_RRS 8192

/* A change set from lines prefixed "-" (removal) or "+" (addition). */
static inline dz_changeset_t *t_changes(const char *const *lines)
{
	dz_changeset_t *ch;
	assert_int_equal(dz_changeset_new(&ch), DZ_OK);
	for (size_t i = 0; lines[i] != NULL; i++) {
		if (lines[i][0] == '-') {
			t_cs_del(ch, lines[i] + 1);
		} else {
			t_cs_add(ch, lines[i] + 1);
		}
	}
	return ch;
}

/* A parsed message with its own packet and record storage. */
typedef struct t_msg {
	dz_msg_t msg;
	dz_msg_rr_t rr[T_MAX_RRS];
	uint8_t pkt[DZ_MSG_MAX_SIZE];
	size_t len;
} t_msg_t;

static inline t_msg_t *t_msg_new(void)
{
	t_msg_t *m = calloc(1, sizeof(*m));
	assert_non_null(m);
	dz_msg_init(&m->msg, m->rr, T_MAX_RRS);
	return m;
}

static inline int t_msg_parse(t_msg_t *m, size_t len)
{
	dz_msg_limits_t lim = {.max_rrs = T_MAX_RRS};
	m->len = len;
	return dz_msg_parse(&m->msg, m->pkt, len, &lim, NULL);
}

/* An AXFR or IXFR query (with our SOA in the authority for IXFR). */
static inline t_msg_t *t_query(uint16_t id, const char *zone, uint16_t qtype,
                               const char *soa_line)
{
	t_msg_t *m = t_msg_new();
	dz_msg_render_t r;
	dz_msg_hdr_t hdr = {.id = id, .opcode = DZ_OPCODE_QUERY};
	assert_int_equal(dz_msg_render_begin(&r, m->pkt, sizeof(m->pkt), &hdr),
	                 DZ_OK);
	assert_int_equal(
	        dz_msg_render_question(&r, N(zone), qtype, DZ_CLASS_IN), DZ_OK);
	if (soa_line != NULL) {
		t_rr_t rr;
		t_parse(soa_line, &rr);
		assert_int_equal(dz_msg_render_rr(&r, DZ_MSG_NS, rr.owner,
		                                  rr.type, DZ_CLASS_IN, rr.ttl,
		                                  rr.rdata, rr.rdlen),
		                 DZ_OK);
	}
	int len = dz_msg_render_finish(&r);
	assert_true(len > 0);
	assert_int_equal(t_msg_parse(m, (size_t)len), DZ_OK);
	return m;
}

/* True if the two versions hold exactly the same records. */
static inline bool t_same_zone(const dz_zone_t *a, const dz_zone_t *b)
{
	dz_changeset_t *d;
	assert_int_equal(dz_zone_diff(a, b, &d), DZ_OK);
	bool same = dz_changeset_is_empty(d);
	dz_changeset_free(d);
	return same;
}

/* Serial of a version. */
static inline uint32_t t_serial(const dz_zone_t *z)
{
	uint32_t s = 0;
	assert_int_equal(dz_zone_serial(z, &s), DZ_OK);
	return s;
}

/* Read a whole file (test data). */
static inline uint8_t *t_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	uint8_t *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}
