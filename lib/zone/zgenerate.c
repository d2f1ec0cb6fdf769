/* SPDX-License-Identifier: BSD-3-Clause */
/* BIND's $GENERATE directive: a range of records from one template line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/zone/zonefile_internal.h"

/*
 * $GENERATE <start>-<stop>[/<step>] <lhs> [<ttl>] [<class>] <type> <rhs...>
 *
 * In lhs and rhs, "$" is the iterator, "${offset[,width[,base]]}" formats
 * iterator + offset zero-padded to width in base d, o, x, X, or n/N (nibble
 * labels, least significant first, as used under ip6.arpa), "$$" is a
 * literal "$" and a backslash escape ("\$") is copied unchanged so the name
 * or rdata parser decodes it later. A single quoted rhs is, as in BIND, the
 * whole rdata text; otherwise each rhs token is one rdata token.
 */

#define GEN_SCRATCH 65536u
#define GEN_MAXWIDTH 255

typedef struct gen_out {
	char *p;
	size_t len;
	size_t cap;
} gen_out_t;

static bool put(gen_out_t *o, const char *s, size_t n)
{
	if (o->cap - o->len < n) {
		return false;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	return true;
}

/* Nibble form: hex digits least significant first, dot separated; width
 * counts every character, dots included (BIND's rule). */
static bool put_nibbles(gen_out_t *o, uint64_t v, unsigned width, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		if (!put(o, &digits[v & 0xf], 1)) {
			return false;
		}
		v >>= 4;
		width = width > 0 ? width - 1 : 0;
		if (width > 0 || v != 0) {
			if (!put(o, ".", 1)) {
				return false;
			}
			width = width > 0 ? width - 1 : 0;
		}
	} while (v != 0 || width > 0);
	return true;
}

static bool put_number(gen_out_t *o, uint64_t v, unsigned width, char base)
{
	if (base == 'n' || base == 'N') {
		return put_nibbles(o, v, width, base == 'N');
	}
	char buf[GEN_MAXWIDTH + 32];
	unsigned long long u = (unsigned long long)v;
	int w = (int)width, n;
	switch (base) {
	case 'o': n = snprintf(buf, sizeof(buf), "%0*llo", w, u); break;
	case 'x': n = snprintf(buf, sizeof(buf), "%0*llx", w, u); break;
	case 'X': n = snprintf(buf, sizeof(buf), "%0*llX", w, u); break;
	default: n = snprintf(buf, sizeof(buf), "%0*llu", w, u); break;
	}
	return n > 0 && put(o, buf, (size_t)n);
}

/* "{offset[,width[,base]]}" at s (after the "$"); returns its length or 0. */
static size_t parse_modifier(const char *s, size_t n, long long *offset,
                             unsigned *width, char *base)
{
	const char *close = memchr(s, '}', n);
	char buf[64];
	size_t len = close != NULL ? (size_t)(close - s) + 1 : 0;
	if (len < 3 || len - 2 >= sizeof(buf)) {
		return 0;
	}
	memcpy(buf, s + 1, len - 2);
	buf[len - 2] = '\0';
	char b = 'd';
	int used = 0;
	*width = 0;
	int k = sscanf(buf, "%lld%n,%u%n,%c%n", offset, &used, width, &used,
	               &b, &used);
	if (k < 1 || used != (int)(len - 2) || *width > GEN_MAXWIDTH ||
	    strchr("doxXnN", b) == NULL || b == '\0') {
		return 0;
	}
	*base = b;
	return len;
}

/* Expand one template for iterator value v; returns DZ_OK or a message. */
static const char *expand(const dz_token_t *t, uint64_t v, gen_out_t *o)
{
	const char *s = t->str, *end = t->str + t->len;
	while (s < end) {
		if (*s == '\\') {
			size_t n = end - s >= 2 ? 2 : 1;
			if (!put(o, s, n)) {
				return "expansion too long";
			}
			s += n;
		} else if (*s != '$') {
			if (!put(o, s++, 1)) {
				return "expansion too long";
			}
		} else if (s + 1 < end && s[1] == '$') {
			if (!put(o, "$", 1)) {
				return "expansion too long";
			}
			s += 2;
		} else if (s + 1 < end && s[1] == '{') {
			long long off;
			unsigned width;
			char base;
			size_t n = parse_modifier(s + 1, (size_t)(end - s - 1),
			                          &off, &width, &base);
			if (n == 0) {
				return "bad ${offset,width,base} modifier";
			}
			/* v < 2^31; bound off first so the sum cannot overflow
			 * (sscanf saturates huge offsets to LLONG_MAX). */
			if (off < -(1LL << 40) || off > (1LL << 40) ||
			    (long long)v + off < 0) {
				return "iterator plus offset out of range";
			}
			long long val = (long long)v + off;
			if (!put_number(o, (uint64_t)val, width, base)) {
				return "expansion too long";
			}
			s += 1 + n;
		} else {
			if (!put_number(o, v, 0, 'd')) {
				return "expansion too long";
			}
			s++;
		}
	}
	return NULL;
}

/* "start-stop[/step]", decimal, each below 2^31 (as BIND). */
static bool parse_range(const dz_token_t *t, uint64_t *start, uint64_t *stop,
                        uint64_t *step)
{
	char buf[64];
	if (t->quoted || t->len >= sizeof(buf)) {
		return false;
	}
	memcpy(buf, t->str, t->len);
	buf[t->len] = '\0';
	unsigned long a, b, c = 1;
	int used = 0;
	int k = sscanf(buf, "%lu-%lu%n/%lu%n", &a, &b, &used, &c, &used);
	if (k < 2 || used != (int)t->len || buf[0] < '0' || buf[0] > '9' ||
	    strpbrk(buf, "+ \t") != NULL || strstr(buf, "--") != NULL ||
	    strstr(buf, "/-") != NULL) {
		return false;
	}
	if (a > 0x7fffffffUL || b > 0x7fffffffUL || c > 0x7fffffffUL ||
	    b < a || c == 0) {
		return false;
	}
	*start = a;
	*stop = b;
	*step = c;
	return true;
}

typedef struct gen {
	dz__zhead_t head;
	size_t rhs;          /* first rhs token in zp->ent */
	size_t nrhs;
	dz_token_t *tok;     /* expanded rhs tokens */
	dz__zpos_t *pos;
	dz__zentry_t rescan; /* a single quoted rhs, split again */
	char *scratch;
} gen_t;

static int gen_error(dz__zparser_t *zp, dz__zpos_t pos, const char *msg)
{
	return dz__zp_error(zp, pos, DZ_ESYNTAX, "$GENERATE: %s", msg);
}

/* Split a single quoted rhs again, now that it is expanded. A quoted
 * string holds no raw newline, so one scanner entry takes all of it. */
static int gen_rescan(dz__zparser_t *zp, gen_t *g, const char *s, size_t n,
                      dz__zpos_t at, size_t *ntok)
{
	dz__zscan_t sc;
	dz__zscan_err_t err;
	dz__zscan_init(&sc, s, n);
	int r = dz__zscan_next(&sc, &g->rescan, &err);
	if (r < 0) {
		return gen_error(zp, at, err.msg);
	}
	size_t k = r == 0 ? 0 : g->rescan.ntok;
	for (size_t i = 0; i < k; i++) {
		g->pos[i] = at;
	}
	*ntok = k;
	return DZ_OK;
}

static int gen_one(dz__zparser_t *zp, gen_t *g, uint64_t v)
{
	dz__zentry_t *e = &zp->ent;
	gen_out_t o = {g->scratch, 0, GEN_SCRATCH};
	const char *msg = expand(&e->tok[2], v, &o);
	if (msg != NULL) {
		return gen_error(zp, e->pos[2], msg);
	}
	dz_token_t lhs = {o.p, o.len, false};
	uint8_t owner[DZ_NAME_MAXLEN];
	int r = dz__zp_name(zp, &lhs, e->pos[2], owner);
	if (r != DZ_OK) {
		return r;
	}
	for (size_t i = 0; i < g->nrhs; i++) {
		const dz_token_t *t = &e->tok[g->rhs + i];
		size_t at = o.len;
		if ((msg = expand(t, v, &o)) != NULL) {
			return gen_error(zp, e->pos[g->rhs + i], msg);
		}
		g->tok[i] = (dz_token_t){o.p + at, o.len - at, t->quoted};
		g->pos[i] = e->pos[g->rhs + i];
	}
	const dz_token_t *tok = g->tok;
	size_t ntok = g->nrhs;
	if (g->nrhs == 1 && e->tok[g->rhs].quoted) {
		r = gen_rescan(zp, g, g->tok[0].str, g->tok[0].len, g->pos[0],
		               &ntok);
		if (r != DZ_OK) {
			return r;
		}
		tok = g->rescan.tok;
	}
	dz__zhead_t h = g->head;
	return dz__zp_emit(zp, owner, &h, tok, g->pos, ntok, e->end_pos,
	                   e->pos[0].line);
}

static int gen_setup(dz__zparser_t *zp, gen_t *g)
{
	dz__zentry_t *e = &zp->ent;
	int r = dz__zp_head(zp, e->tok, e->pos, 3, e->ntok, &g->head);
	if (r != DZ_OK) {
		return r;
	}
	g->rhs = g->head.rdata_tok;
	if (g->rhs >= e->ntok) {
		return gen_error(zp, e->end_pos, "missing rhs");
	}
	g->nrhs = e->ntok - g->rhs;
	/* A rescanned quoted rhs has at most one token per two octets. */
	size_t cap = g->nrhs + GEN_SCRATCH / 2 + 1;
	g->tok = malloc(g->nrhs * sizeof(*g->tok));
	g->pos = malloc(cap * sizeof(*g->pos));
	g->scratch = malloc(GEN_SCRATCH);
	if (g->tok == NULL || g->pos == NULL || g->scratch == NULL) {
		return dz__zp_error(zp, e->pos[0], DZ_ENOMEM, "out of memory");
	}
	return DZ_OK;
}

int dz__zp_generate(dz__zparser_t *zp)
{
	dz__zentry_t *e = &zp->ent;
	uint64_t start, stop, step;
	if (e->ntok < 5) {
		return gen_error(zp, e->end_pos, "missing arguments");
	}
	if (!parse_range(&e->tok[1], &start, &stop, &step)) {
		return gen_error(zp, e->pos[1], "bad range (start-stop[/step])");
	}
	uint64_t count = (stop - start) / step + 1;
	if (count > zp->opts.max_generate) {
		return dz__zp_error(zp, e->pos[1], DZ_ELIMIT,
		                    "$GENERATE: %llu records exceed the limit %u",
		                    (unsigned long long)count,
		                    zp->opts.max_generate);
	}
	gen_t g = {0};
	int r = gen_setup(zp, &g);
	for (uint64_t v = start; r == DZ_OK && v <= stop; v += step) {
		r = gen_one(zp, &g, v);
	}
	free(g.tok);
	free(g.pos);
	free(g.scratch);
	dz__zentry_clear(&g.rescan);
	return r;
}
