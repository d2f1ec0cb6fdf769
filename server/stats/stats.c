/* SPDX-License-Identifier: BSD-3-Clause */
/* Query statistics: per-thread counter blocks, summed on read (`dynzone ctl stats`). */
#include "server/stats/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"

struct stats {
	unsigned nthreads;
	stats_block_t *blocks; /* nthreads, 64-byte aligned */
};

/* One thread's slice of a zone's counters, alone on its cache line. */
typedef struct {
	_Alignas(64) atomic_uint_fast64_t c[STATS_ZONE_COUNT];
} zone_slot_t;

struct stats_zone {
	unsigned nthreads;
	zone_slot_t *slots;
};

/* The types worth a row of their own; the order is the display order. */
static const uint16_t qtypes[STATS_QTYPES] = {
	DZ_RR_A,     DZ_RR_AAAA,  DZ_RR_NS,     DZ_RR_SOA,   DZ_RR_CNAME,
	DZ_RR_MX,    DZ_RR_TXT,   DZ_RR_PTR,    DZ_RR_SRV,   DZ_RR_DS,
	DZ_RR_DNSKEY, DZ_RR_NAPTR, DZ_RR_CAA,   DZ_RR_HTTPS, DZ_RR_SVCB,
	DZ_RR_DNAME, DZ_RR_ANY,   DZ_RR_AXFR,   DZ_RR_IXFR,  DZ_RR_TLSA,
};

static void *aligned_calloc(size_t n, size_t size)
{
	void *p = NULL;
	if (n == 0 || posix_memalign(&p, 64, n * size) != 0) {
		return NULL;
	}
	memset(p, 0, n * size);
	return p;
}

int stats_new(unsigned nthreads, stats_t **out)
{
	stats_t *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		return DZ_ENOMEM;
	}
	s->nthreads = nthreads;
	s->blocks = aligned_calloc(nthreads, sizeof(stats_block_t));
	if (s->blocks == NULL) {
		free(s);
		return DZ_ENOMEM;
	}
	*out = s;
	return DZ_OK;
}

void stats_free(stats_t *stats)
{
	if (stats != NULL) {
		free(stats->blocks);
		free(stats);
	}
}

stats_block_t *stats_block(stats_t *stats, unsigned id)
{
	return id < stats->nthreads ? &stats->blocks[id] : NULL;
}

unsigned stats_qtype_index(uint16_t qtype)
{
	for (unsigned i = 0; i < STATS_QTYPES; i++) {
		if (qtypes[i] == qtype) {
			return i;
		}
	}
	return STATS_QTYPES;
}

uint16_t stats_qtype_at(unsigned i)
{
	return i < STATS_QTYPES ? qtypes[i] : 0;
}

void stats_count(stats_block_t *b, unsigned opcode, unsigned rcode,
                 uint16_t qtype, stats_transport_t transport)
{
	stats_bump(&b->opcode[opcode & 0x0F]);
	stats_bump(&b->rcode[rcode < STATS_RCODES - 1 ? rcode
	                                             : STATS_RCODES - 1]);
	if (qtype != 0) {
		stats_bump(&b->qtype[stats_qtype_index(qtype)]);
	}
	stats_bump(&b->transport[transport]);
}

static void add_array(uint64_t *dst, const atomic_uint_fast64_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		dst[i] += atomic_load_explicit(&src[i], memory_order_relaxed);
	}
}

void stats_get(const stats_t *stats, stats_sum_t *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned t = 0; t < stats->nthreads; t++) {
		const stats_block_t *b = &stats->blocks[t];
		add_array(out->opcode, b->opcode, STATS_OPCODES);
		add_array(out->rcode, b->rcode, STATS_RCODES);
		add_array(out->qtype, b->qtype, STATS_QTYPES + 1);
		add_array(out->transport, b->transport, STATS_TRANSPORT_COUNT);
		add_array(&out->dropped, &b->dropped, 1);
	}
}

const char *stats_transport_name(stats_transport_t t)
{
	static const char *const names[STATS_TRANSPORT_COUNT] = {
		"udp4", "udp6", "tcp4", "tcp6"};
	return t < STATS_TRANSPORT_COUNT ? names[t] : "other";
}

const char *stats_opcode_name(unsigned opcode, char *buf, size_t len)
{
	static const char *const names[] = {"QUERY", "IQUERY", "STATUS", NULL,
	                                    "NOTIFY", "UPDATE", "DSO"};
	if (opcode < sizeof(names) / sizeof(names[0]) &&
	    names[opcode] != NULL) {
		return names[opcode];
	}
	snprintf(buf, len, "OPCODE%u", opcode);
	return buf;
}

const char *stats_rcode_name(unsigned rcode, char *buf, size_t len)
{
	static const char *const names[STATS_RCODES - 1] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE", "DSOTYPENI", NULL, NULL, NULL, NULL, "BADVERS"};
	if (rcode < STATS_RCODES - 1 && names[rcode] != NULL) {
		return names[rcode];
	}
	if (rcode >= STATS_RCODES - 1) {
		return "other";
	}
	snprintf(buf, len, "RCODE%u", rcode);
	return buf;
}

/* ===== Per zone ============================================================ */

int stats_zone_new(unsigned nthreads, stats_zone_t **out)
{
	stats_zone_t *z = calloc(1, sizeof(*z));
	if (z == NULL) {
		return DZ_ENOMEM;
	}
	z->nthreads = nthreads;
	z->slots = aligned_calloc(nthreads, sizeof(zone_slot_t));
	if (z->slots == NULL) {
		free(z);
		return DZ_ENOMEM;
	}
	*out = z;
	return DZ_OK;
}

void stats_zone_free(stats_zone_t *z)
{
	if (z != NULL) {
		free(z->slots);
		free(z);
	}
}

void stats_zone_bump(stats_zone_t *z, unsigned id, stats_zone_counter_t c)
{
	if (id < z->nthreads) {
		stats_bump(&z->slots[id].c[c]);
	}
}

uint64_t stats_zone_get(const stats_zone_t *z, stats_zone_counter_t c)
{
	uint64_t sum = 0;
	for (unsigned t = 0; t < z->nthreads; t++) {
		sum += atomic_load_explicit(&z->slots[t].c[c],
		                            memory_order_relaxed);
	}
	return sum;
}
