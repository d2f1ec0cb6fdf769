/* SPDX-License-Identifier: BSD-3-Clause */
/* Rdata from presentation tokens: the descriptor-driven parser and RFC 3597
 * generic text. */
#include "lib/wire/rdata_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/util/hex.h"

int dz__wbuf_put(dz__wbuf_t *w, const void *src, size_t n)
{
	if (w->cap - w->len < n) {
		return DZ_ESPACE;
	}
	if (n > 0) {
		memcpy(w->dst + w->len, src, n);
	}
	w->len += n;
	return DZ_OK;
}

int dz__wbuf_u16(dz__wbuf_t *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	return dz__wbuf_put(w, b, 2);
}

int dz__text_number(const char *s, size_t n, uint64_t max, uint64_t *v,
                    const char **msg)
{
	uint64_t x = 0;
	if (n == 0 || n > 20) {
		*msg = n == 0 ? "bad number" : "number out of range";
		return DZ_ERDATA;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			*msg = "bad number";
			return DZ_ERDATA;
		}
		uint64_t d = (uint64_t)(s[i] - '0');
		if (x > (UINT64_MAX - d) / 10) {
			x = UINT64_MAX;
			break;
		}
		x = x * 10 + d;
	}
	if (x > max) {
		*msg = max == UINT8_MAX    ? "number out of range (max 255)"
		       : max == UINT16_MAX ? "number out of range (max 65535)"
		       : max == UINT32_MAX
		               ? "number out of range (max 4294967295)"
		               : "number out of range";
		return DZ_ERDATA;
	}
	*v = x;
	return DZ_OK;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* One escape at s[*i] (just after the backslash): \DDD or \X. */
static int unescape_one(const char *s, size_t n, size_t *i, uint8_t *out)
{
	if (*i >= n) {
		return DZ_ESYNTAX;
	}
	if (!is_digit(s[*i])) {
		*out = (uint8_t)s[(*i)++];
		return DZ_OK;
	}
	if (n - *i < 3 || !is_digit(s[*i + 1]) || !is_digit(s[*i + 2])) {
		return DZ_ESYNTAX;
	}
	unsigned v = (unsigned)(s[*i] - '0') * 100 +
	             (unsigned)(s[*i + 1] - '0') * 10 +
	             (unsigned)(s[*i + 2] - '0');
	if (v > 255) {
		return DZ_ESYNTAX;
	}
	*out = (uint8_t)v;
	*i += 3;
	return DZ_OK;
}

int dz__text_unescape(uint8_t *dst, size_t cap, const char *s, size_t n)
{
	size_t o = 0;
	size_t i = 0;
	while (i < n) {
		uint8_t c = (uint8_t)s[i++];
		if (c == '\\') {
			int ret = unescape_one(s, n, &i, &c);
			if (ret != DZ_OK) {
				return ret;
			}
		}
		if (o >= cap) {
			return DZ_ESPACE;
		}
		dst[o++] = c;
	}
	return (int)o;
}

/* --- RFC 3597 §5 generic syntax ------------------------------------------ */

/* Concatenate tokens [from, ntok) into one malloc'd string. */
static char *join_tokens(const dz_token_t *tok, size_t from, size_t ntok,
                         size_t *len)
{
	size_t total = 0;
	for (size_t i = from; i < ntok; i++) {
		total += tok[i].len;
	}
	char *s = malloc(total + 1);
	if (s == NULL) {
		return NULL;
	}
	size_t o = 0;
	for (size_t i = from; i < ntok; i++) {
		memcpy(s + o, tok[i].str, tok[i].len);
		o += tok[i].len;
	}
	s[o] = '\0';
	*len = o;
	return s;
}

int dz__text_decode_joined(dz__pctx_t *c, dz__decoder_fn dec, const char *what)
{
	size_t len;
	char *s = join_tokens(c->tok, c->ti, c->ntok, &len);
	if (s == NULL) {
		return DZ_ENOMEM;
	}
	int n = dec(c->w.dst + c->w.len, c->w.cap - c->w.len, s, len);
	free(s);
	if (n == DZ_ESPACE) {
		return dz__pctx_fail(c, c->ti, DZ_ESPACE, "rdata too long");
	}
	if (n < 0) {
		return dz__pctx_fail(c, c->ti, DZ_ERDATA, what);
	}
	c->w.len += (size_t)n;
	c->ti = c->ntok;
	return DZ_OK;
}

int dz__pctx_fail(dz__pctx_t *c, size_t token, int code, const char *msg)
{
	c->bad = token;
	c->msg = msg;
	return code;
}

static int parse_generic(dz__pctx_t *c, uint16_t type)
{
	uint64_t len;
	const char *msg;
	if (c->ntok < 2) {
		return dz__pctx_fail(c, c->ntok, DZ_ERDATA, "missing field");
	}
	if (dz__text_number(c->tok[1].str, c->tok[1].len, UINT16_MAX, &len,
	                    &msg) != DZ_OK) {
		return dz__pctx_fail(c, 1, DZ_ERDATA, msg);
	}
	c->ti = 2;
	if (len > 0 && c->ti >= c->ntok) {
		return dz__pctx_fail(c, c->ntok, DZ_ERDATA, "missing field");
	}
	if (c->ti < c->ntok) {
		int ret = dz__text_decode_joined(c, dz_hex_decode, "bad hex");
		if (ret != DZ_OK) {
			return ret;
		}
	}
	if (c->w.len != len) {
		return dz__pctx_fail(c, 1, DZ_ERDATA, "length mismatch");
	}
	/* The generic form of a known type must still have its structure. */
	if (dz_rdata_check(type, c->w.dst, c->w.len) != DZ_OK) {
		return dz__pctx_fail(c, 0, DZ_ERDATA,
		                     "rdata does not match type");
	}
	return DZ_OK;
}

static bool is_generic(const dz_token_t *tok, size_t ntok)
{
	return ntok > 0 && !tok[0].quoted && tok[0].len == 2 &&
	       memcmp(tok[0].str, "\\#", 2) == 0;
}

static int parse_known(dz__pctx_t *c, const dz__rdesc_t *d)
{
	if ((d->flags & DZ__RD_GENERIC) != 0) {
		return dz__pctx_fail(c, 0, DZ_ERDATA, "type needs \\# syntax");
	}
	for (size_t i = 0; i < DZ__RD_MAXFIELDS && d->field[i] != DZ__RDF_END;
	     i++) {
		int ret = dz__text_field(c, d->field[i]);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	if (c->ti < c->ntok) {
		return dz__pctx_fail(c, c->ti, DZ_ERDATA, "trailing data");
	}
	return DZ_OK;
}

int dz_rdata_from_tokens(uint16_t type, const dz_token_t *tok, size_t ntok,
                         const uint8_t *origin, uint8_t *out, size_t outcap,
                         dz_rdata_diag_t *diag)
{
	dz__pctx_t c = {
	        .tok = tok,
	        .ntok = ntok,
	        .origin = origin,
	        .w = {.dst = out,
	              .cap = outcap < DZ_RDATA_MAXLEN ? outcap
	                                              : DZ_RDATA_MAXLEN},
	};
	const dz__rdesc_t *d = dz__rdesc_find(type);
	int ret;
	if (is_generic(tok, ntok)) {
		ret = parse_generic(&c, type);
	} else if (d == NULL) {
		ret = dz__pctx_fail(&c, 0, DZ_ERDATA, "unknown type needs \\#");
	} else {
		ret = parse_known(&c, d);
	}
	/* DZ_RDATA_MAXLEN of room means the rdata itself is too long. */
	if (ret == DZ_ESPACE && outcap >= DZ_RDATA_MAXLEN) {
		ret = DZ_ERDATA;
	}
	if (ret != DZ_OK) {
		if (diag != NULL) {
			diag->token = c.bad;
			diag->msg = c.msg != NULL ? c.msg : "bad rdata";
		}
		return ret;
	}
	return (int)c.w.len;
}
