/* SPDX-License-Identifier: BSD-3-Clause */
/* State shared by the request handling (query.c) and the answer engine (query_resolve.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "lib/wire/msg.h"
#include "lib/zone/zone.h"
#include "server/query/query.h"

/* RRsets in the answer and authority whose targets get additional data. */
#define QUERY_MAX_ADDITIONAL_SETS 16
/* Distinct target names given additional data (duplicates are skipped). */
#define QUERY_MAX_ADDITIONAL_NAMES 32

/* One answer being built. */
typedef struct query_ctx {
	dz_msg_render_t r;
	const query_env_t *env;
	const dz_msg_t *req;
	const dz_zone_t *zone;
	uint16_t qtype;
	bool tcp;
	uint16_t rcode;
	query_result_t result;
	/* The name being resolved: the qname, then each CNAME/DNAME target.
	 * Two buffers so a synthesised target never overwrites its source. */
	uint8_t sname_buf[2][DZ_NAME_MAXLEN];
	const uint8_t *sname;
	/* Names already resolved in this chain (loop detection). */
	const uint8_t *visited[QUERY_MAX_CHAIN + 1];
	uint8_t visited_buf[QUERY_MAX_CHAIN + 1][DZ_NAME_MAXLEN];
	unsigned nvisited;
	/* RRsets whose targets need A/AAAA in the additional section. */
	dz_rrset_t addl[QUERY_MAX_ADDITIONAL_SETS];
	bool addl_glue[QUERY_MAX_ADDITIONAL_SETS]; /* referral NS (glue) */
	unsigned naddl;
	const uint8_t *addl_done[QUERY_MAX_ADDITIONAL_NAMES];
	unsigned naddl_done;
	/* The cut of a referral (glue below it is required: RFC 9471). */
	const uint8_t *cut;
} query_ctx_t;

/* Fill the answer, authority and additional sections and set q->rcode,
 * q->result and the AA flag for the question in q->sname.
 * Returns DZ_OK or an internal error (rendering bug). */
int query_resolve(query_ctx_t *q);
