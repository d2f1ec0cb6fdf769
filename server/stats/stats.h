/* SPDX-License-Identifier: BSD-3-Clause */
/* Query statistics: per-thread counter blocks (no shared cache line on the hot path), summed on read. */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Transports as counted: by IP family and protocol. */
typedef enum {
	STATS_UDP4 = 0,
	STATS_UDP6,
	STATS_TCP4,
	STATS_TCP6,
	STATS_TRANSPORT_COUNT
} stats_transport_t;

/* Rcodes 0..15 (the header's 4 bits) plus BADVERS (16, via EDNS), other. */
#define STATS_RCODES 18
#define STATS_OPCODES 16
/* A fixed table of common query types; everything else is "other". */
#define STATS_QTYPES 20

/* Per-zone counters; updates, notifies and transfers come with their issues. */
typedef enum {
	STATS_ZONE_QUERIES = 0,
	STATS_ZONE_UPDATES,
	STATS_ZONE_NOTIFIES,
	STATS_ZONE_TRANSFERS,
	STATS_ZONE_COUNT
} stats_zone_counter_t;

/*
 * One thread's counters. Only that thread writes them (a relaxed load and
 * store: no locked instruction), any thread reads them; each block starts
 * on its own cache line.
 */
typedef struct {
	_Alignas(64) atomic_uint_fast64_t opcode[STATS_OPCODES];
	atomic_uint_fast64_t rcode[STATS_RCODES];
	atomic_uint_fast64_t qtype[STATS_QTYPES + 1];
	atomic_uint_fast64_t transport[STATS_TRANSPORT_COUNT];
	atomic_uint_fast64_t dropped;
} stats_block_t;

/* The sum over every thread. */
typedef struct {
	uint64_t opcode[STATS_OPCODES];
	uint64_t rcode[STATS_RCODES];
	uint64_t qtype[STATS_QTYPES + 1];
	uint64_t transport[STATS_TRANSPORT_COUNT];
	uint64_t dropped;
} stats_sum_t;

typedef struct stats stats_t;

/* Per-zone counters: one cache line per thread. */
typedef struct stats_zone stats_zone_t;

/* Counters for \p nthreads threads (ids 0..nthreads-1). DZ_OK or DZ_ENOMEM. */
int stats_new(unsigned nthreads, stats_t **out);
void stats_free(stats_t *stats);

/* The block of thread \p id (< nthreads); borrowed until stats_free. */
stats_block_t *stats_block(stats_t *stats, unsigned id);

/* One counter of a block, bumped by its owner thread only. */
static inline void stats_bump(atomic_uint_fast64_t *c)
{
	atomic_store_explicit(c,
	                      atomic_load_explicit(c, memory_order_relaxed) + 1,
	                      memory_order_relaxed);
}

/* Count one answered request. */
void stats_count(stats_block_t *b, unsigned opcode, unsigned rcode,
                 uint16_t qtype, stats_transport_t transport);

/* Sum every thread's block into \p out. */
void stats_get(const stats_t *stats, stats_sum_t *out);

/* Index of \p qtype in the fixed table, STATS_QTYPES for "other". */
unsigned stats_qtype_index(uint16_t qtype);
/* The type at index \p i of the table; 0 for "other". */
uint16_t stats_qtype_at(unsigned i);
/* Display names: "udp4"..., "NOERROR"... ("RCODE17" style past the known). */
const char *stats_transport_name(stats_transport_t t);
const char *stats_opcode_name(unsigned opcode, char *buf, size_t len);
const char *stats_rcode_name(unsigned rcode, char *buf, size_t len);

/* Per-zone counters for \p nthreads threads. DZ_OK or DZ_ENOMEM. */
int stats_zone_new(unsigned nthreads, stats_zone_t **out);
void stats_zone_free(stats_zone_t *z);
/* Bump counter \p c of thread \p id (< nthreads, its owner). */
void stats_zone_bump(stats_zone_t *z, unsigned id, stats_zone_counter_t c);
/* The sum of counter \p c over every thread. */
uint64_t stats_zone_get(const stats_zone_t *z, stats_zone_counter_t c);
