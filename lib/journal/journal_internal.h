/* SPDX-License-Identifier: BSD-3-Clause */
/* Journal internals shared by the read, write, repair and compact files. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/journal/journal.h"
#include "lib/zone/changeset.h"
#include "lib/wire/name.h"

/* On-disk layout; docs/formats/journal.md is the reference. */
#define JNL_MAGIC "DZJ1"
#define JNL_VERSION 1
#define JNL_HDR_FIXED 29 /* header octets before the origin */
#define JNL_HDR_MAX (JNL_HDR_FIXED + DZ_NAME_MAXLEN + 4)
#define JNL_FLAG_ANCHORED 0x1u
#define JNL_REC_MARKER 0x445A5201u /* "DZR" 0x01 */
#define JNL_REC_HEAD 24            /* marker .. count_added */
#define JNL_REC_MIN (JNL_REC_HEAD + 4)
#define JNL_RR_FIXED 8 /* type, ttl, rdlen after the owner */

/* A batch larger than this is written before the sync (still unsynced). */
#define JNL_EARLY_WRITE (4u * 1024 * 1024)

/* One record of the index. */
typedef struct jnl_rec {
	uint64_t off;
	uint32_t len;
	uint32_t from, to;
} jnl_rec_t;

/* Decoded file header. */
typedef struct jnl_hdr {
	uint16_t version, rclass;
	uint32_t flags, anchor;
	uint64_t created;
	uint8_t origin[DZ_NAME_MAXLEN];
	uint32_t len; /* octets, including the CRC */
} jnl_hdr_t;

struct dz_journal {
	int fd;             /* -1 for a memory image */
	const uint8_t *mem; /* memory image, or NULL */
	size_t memlen;
	char *path;
	bool rdonly;
	jnl_hdr_t hdr;
	uint64_t end; /* committed size: end of the last good record */

	jnl_rec_t *recs;    /* committed records, then the batch's */
	size_t nrecs, ncommitted, reccap;

	uint8_t *wbuf;     /* batch octets not yet written */
	size_t wlen, wcap;
	uint64_t wflushed; /* batch octets already written (early) */
	bool need_cut;     /* a failed batch's octets may still be on disk */

	uint8_t *rbuf;     /* read window over [roff, roff + rlen) */
	size_t rcap, rlen;
	uint64_t roff;
};

/* Big-endian helpers (the format is in network order, like DNS). */
static inline uint32_t jnl_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t jnl_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void jnl_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void jnl_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* journal_read.c */
int dz__journal_view(dz_journal_t *j, uint64_t off, size_t len,
                     const uint8_t **out);
int dz__journal_hdr_decode(const uint8_t *buf, size_t len, jnl_hdr_t *hdr);
int dz__journal_rec_push(dz_journal_t *j, const jnl_rec_t *rec);

/* journal_write.c: a new file is written as a temp file beside the journal
 * and renamed over it, so a crash leaves the old file or the new one. */
typedef struct jnl_tmp {
	int fd;
	char *name;
} jnl_tmp_t;

size_t dz__journal_hdr_encode(uint8_t *buf, const jnl_hdr_t *hdr);
int dz__journal_write_all(int fd, const uint8_t *buf, size_t len,
                          uint64_t off);
int dz__journal_tmp_begin(const char *path, const jnl_hdr_t *hdr,
                          jnl_tmp_t *t);
int dz__journal_tmp_commit(jnl_tmp_t *t, const char *path);
void dz__journal_tmp_abort(jnl_tmp_t *t);

/* journal_repair.c */
int dz__journal_scan(dz_journal_t *j, uint64_t size,
                     dz_journal_repair_t *rep);
int dz__journal_rr_next(const uint8_t *p, size_t len, size_t *pos,
                        dz_rr_t *rr);
dz_journal_cut_t dz__journal_rec_check(const uint8_t *rec, size_t len);
