/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the zone store tests: names, rdata and zones from text. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/changeset.h"
#include "lib/zone/zone.h"

/* Wire form of a presentation name (rotating static buffers). */
static inline const uint8_t *N(const char *str)
{
	static uint8_t buf[16][DZ_NAME_MAXLEN];
	static unsigned next;
	uint8_t *dst = buf[next++ % 16];
	assert_true(dz_name_from_str(dst, str, strlen(str), NULL) > 0);
	return dst;
}

/* One record line: "owner ttl TYPE rdata...". */
typedef struct t_rr {
	uint8_t owner[DZ_NAME_MAXLEN];
	uint16_t type;
	uint32_t ttl;
	uint8_t rdata[2048];
	uint16_t rdlen;
} t_rr_t;

static inline void t_parse(const char *line, t_rr_t *rr)
{
	char owner[256], type[32];
	unsigned ttl;
	int used = 0;
	assert_int_equal(sscanf(line, "%255s %u %31s %n", owner, &ttl, type,
	                        &used), 3);
	assert_true(dz_name_from_str(rr->owner, owner, strlen(owner), NULL) >
	            0);
	assert_int_equal(dz_rrtype_from_str(type, strlen(type), &rr->type),
	                 DZ_OK);
	rr->ttl = ttl;
	int len = dz_rdata_from_str(rr->type, line + used, NULL, rr->rdata,
	                            sizeof(rr->rdata), NULL);
	assert_true(len >= 0);
	rr->rdlen = (uint16_t)len;
}

static inline int t_add(dz_zone_builder_t *b, const char *line)
{
	t_rr_t rr;
	t_parse(line, &rr);
	return dz_zone_builder_add(b, rr.owner, rr.type, 0, rr.ttl, rr.rdata,
	                           rr.rdlen);
}

/* Build a zone from NULL-terminated record lines. */
static inline dz_zone_t *t_zone(const char *origin, const char *const *lines)
{
	dz_zone_builder_t *b;
	dz_zone_t *z;
	assert_int_equal(dz_zone_builder_new(N(origin), &b), DZ_OK);
	for (size_t i = 0; lines[i] != NULL; i++) {
		assert_int_equal(t_add(b, lines[i]), DZ_OK);
	}
	assert_int_equal(dz_zone_builder_finish(b, &z), DZ_OK);
	dz_zone_builder_free(b);
	return z;
}

static inline void t_cs_add(dz_changeset_t *ch, const char *line)
{
	t_rr_t rr;
	t_parse(line, &rr);
	assert_int_equal(dz_changeset_add_added(ch, rr.owner, rr.type, rr.ttl,
	                                        rr.rdata, rr.rdlen),
	                 DZ_OK);
}

static inline void t_cs_del(dz_changeset_t *ch, const char *line)
{
	t_rr_t rr;
	t_parse(line, &rr);
	assert_int_equal(dz_changeset_add_removed(ch, rr.owner, rr.type,
	                                          rr.ttl, rr.rdata, rr.rdlen),
	                 DZ_OK);
}

/* Does the zone hold exactly this record (rdata and TTL)? */
static inline bool t_has(const dz_zone_t *z, const char *line)
{
	t_rr_t rr;
	dz_rrset_t set;
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;
	t_parse(line, &rr);
	const dz_node_t *n = dz_zone_node(z, rr.owner);
	if (n == NULL || dz_node_rrset(n, rr.type, &set) != DZ_OK ||
	    set.ttl != rr.ttl) {
		return false;
	}
	dz_rrset_iter(&set, &it);
	while (dz_rrset_next(&it, &rd, &len)) {
		if (len == rr.rdlen && memcmp(rd, rr.rdata, len) == 0) {
			return true;
		}
	}
	return false;
}

/* Owner name of a node as text, for assertions. */
static inline const char *t_str(const uint8_t *name)
{
	static char buf[4][DZ_NAME_MAXSTR];
	static unsigned next;
	char *dst = buf[next++ % 4];
	assert_true(dz_name_to_str(dst, DZ_NAME_MAXSTR, name) > 0);
	return dst;
}
