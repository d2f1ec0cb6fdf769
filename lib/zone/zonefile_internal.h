/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone-file parser state shared by zonefile.c (records, directives) and zgenerate.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/wire/name.h"
#include "lib/wire/rdata.h"
#include "lib/zone/zonefile.h"
#include "lib/zone/zscan.h"

/* One file on the $INCLUDE stack (the top-level buffer is depth 0). */
typedef struct dz__zfile {
	const char *path;
	dz__zscan_t scan;
	uint8_t origin[DZ_NAME_MAXLEN];
	bool has_origin;
	uint8_t owner[DZ_NAME_MAXLEN]; /* last owner, for lines starting blank */
	bool has_owner;
	dev_t dev;
	ino_t ino;
	bool has_id;
	unsigned depth;
	struct dz__zfile *parent;
} dz__zfile_t;

/* The whole parse. */
typedef struct dz__zparser {
	dz_zonefile_opts_t opts;
	dz_zonefile_cb cb;
	void *cb_ctx;
	dz_zonefile_diag_t *diag;
	dz__zfile_t *file; /* innermost file being read */
	dz__zentry_t ent;

	uint32_t default_ttl; /* $TTL, opts, or SOA MINIMUM (see zonefile.h) */
	bool default_ttl_set;
	uint32_t last_ttl; /* last explicit TTL (RFC 1035 §5.1) */
	bool last_ttl_set;
	uint16_t zclass;
	bool zclass_set;

	uint8_t rdata[DZ_RDATA_MAXLEN];
} dz__zparser_t;

/* The fields of a record between its owner and its rdata. */
typedef struct dz__zhead {
	uint32_t ttl;
	bool has_ttl;
	uint16_t rclass;
	uint16_t type;
	dz__zpos_t type_pos;
	size_t rdata_tok; /* index of the first rdata token */
} dz__zhead_t;

/* Record an error at a position; returns code. */
int dz__zp_error(dz__zparser_t *zp, dz__zpos_t pos, int code, const char *fmt,
                 ...) __attribute__((format(printf, 4, 5)));

/* Parse an owner-like name token ("@", relative, absolute) to wire form. */
int dz__zp_name(dz__zparser_t *zp, const dz_token_t *tok, dz__zpos_t pos,
                uint8_t *dst);

/* Parse [ttl] [class] type from tokens [i, ntok); fills *h. */
int dz__zp_head(dz__zparser_t *zp, const dz_token_t *tok,
                const dz__zpos_t *pos, size_t i, size_t ntok, dz__zhead_t *h);

/* Parse rdata tokens, settle TTL and class, and hand the record over. */
int dz__zp_emit(dz__zparser_t *zp, const uint8_t *owner, dz__zhead_t *h,
                const dz_token_t *tok, const dz__zpos_t *pos, size_t ntok,
                dz__zpos_t endpos, unsigned line);

/*
 * Fast paths for the commonest rdata (A, AAAA, NS, CNAME, PTR, MX) in their
 * plain forms; returns the rdata length, or -1 to let dz_rdata_from_tokens
 * decide (anything unusual, including every error).
 */
int dz__zfast_rdata(uint16_t type, const dz_token_t *tok, size_t ntok,
                    const uint8_t *origin, uint8_t *out);

/* $GENERATE (zgenerate.c); entry tokens are in zp->ent. */
int dz__zp_generate(dz__zparser_t *zp);
