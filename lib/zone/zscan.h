/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone-file tokenizer (internal): splits a buffer into logical entries. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/wire/rdata.h"

/* Where a token starts: 1-based line and octet column. */
typedef struct dz__zpos {
	unsigned line;
	unsigned col;
} dz__zpos_t;

/* Cursor over one buffer. */
typedef struct dz__zscan {
	const char *p;
	const char *end;
	const char *line_start;
	unsigned line;
} dz__zscan_t;

/*
 * One logical entry: the tokens of one line, or of several lines joined by
 * parentheses. Tokens point into the buffer, escapes not decoded. The
 * arrays grow (rarely) and are reused from entry to entry.
 */
typedef struct dz__zentry {
	dz_token_t *tok;
	dz__zpos_t *pos;
	size_t ntok;
	size_t cap;
	const char *last_end; /* one past the last token (for "missing" errors) */
	dz__zpos_t end_pos;   /* position just after the last token */
} dz__zentry_t;

/* A scanner error: where and what (a static message). */
typedef struct dz__zscan_err {
	dz__zpos_t pos;
	int code;
	const char *msg;
} dz__zscan_err_t;

/* Most tokens one entry may have (bounds memory on hostile input). */
#define DZ__ZSCAN_MAXTOK (1u << 17)

void dz__zscan_init(dz__zscan_t *s, const char *buf, size_t len);

void dz__zentry_clear(dz__zentry_t *e);

/*
 * Read the next entry with at least one token.
 * Returns 1 (entry read), 0 (end of buffer) or a negative status with *err
 * filled: DZ_ESYNTAX (parentheses, quotes, escapes), DZ_ELIMIT, DZ_ENOMEM.
 */
int dz__zscan_next(dz__zscan_t *s, dz__zentry_t *e, dz__zscan_err_t *err);

/* True if an unquoted token is absolute (ends with an unescaped dot). */
bool dz__ztok_is_absolute(const char *s, size_t len);
