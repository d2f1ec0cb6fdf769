/* SPDX-License-Identifier: BSD-3-Clause */
/* Rdata from presentation tokens: one parser per field kind. */
#include "lib/wire/rdata_internal.h"

#include <arpa/inet.h>
#include <string.h>

#include "lib/util/base32hex.h"
#include "lib/util/base64.h"
#include "lib/util/errcode.h"
#include "lib/util/hex.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "lib/wire/ttl.h"

/* The next token, or a "missing field" failure pointing past the end. */
static int next(dz__pctx_t *c, const dz_token_t **t)
{
	if (c->ti >= c->ntok) {
		return dz__pctx_fail(c, c->ntok, DZ_ERDATA, "missing field");
	}
	*t = &c->tok[c->ti++];
	return DZ_OK;
}

static int put_be(dz__pctx_t *c, uint64_t v, size_t width)
{
	uint8_t b[8];
	for (size_t i = 0; i < width; i++) {
		b[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
	}
	return dz__wbuf_put(&c->w, b, width);
}

static int parse_number(dz__pctx_t *c, uint64_t max, size_t width)
{
	const dz_token_t *t = NULL;
	uint64_t v;
	const char *msg;
	int ret = next(c, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	if (dz__text_number(t->str, t->len, max, &v, &msg) != DZ_OK) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, msg);
	}
	return put_be(c, v, width);
}

static int parse_ttl(dz__pctx_t *c)
{
	const dz_token_t *t = NULL;
	uint32_t v;
	int ret = next(c, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	if (dz_ttl_from_str(t->str, t->len, &v) != DZ_OK) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, "bad TTL");
	}
	return put_be(c, v, 4);
}

static int parse_name(dz__pctx_t *c)
{
	const dz_token_t *t = NULL;
	uint8_t name[DZ_NAME_MAXLEN];
	int ret = next(c, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	/* "@" is the origin in rdata as well as in the owner field (RFC 1035
	 * §5.1). */
	if (!t->quoted && t->len == 1 && t->str[0] == '@' &&
	    c->origin != NULL) {
		return dz__wbuf_put(&c->w, c->origin, dz_name_len(c->origin));
	}
	int n = dz_name_from_str(name, t->str, t->len, c->origin);
	if (n < 0) {
		return dz__pctx_fail(c, c->ti - 1, n, "bad name");
	}
	return dz__wbuf_put(&c->w, name, (size_t)n);
}

static int parse_type(dz__pctx_t *c)
{
	const dz_token_t *t = NULL;
	uint16_t v;
	int ret = next(c, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	if (dz_rrtype_from_str(t->str, t->len, &v) != DZ_OK) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ETYPE, "unknown type");
	}
	return put_be(c, v, 2);
}

static int parse_addr(dz__pctx_t *c, int af)
{
	const dz_token_t *t = NULL;
	char buf[INET6_ADDRSTRLEN + 1];
	uint8_t addr[16];
	int ret = next(c, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	const char *msg =
	        af == AF_INET ? "bad IPv4 address" : "bad IPv6 address";
	if (t->len >= sizeof(buf)) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, msg);
	}
	memcpy(buf, t->str, t->len);
	buf[t->len] = '\0';
	if (inet_pton(af, buf, addr) != 1) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, msg);
	}
	return dz__wbuf_put(&c->w, addr, af == AF_INET ? 4 : 16);
}

/* One character-string (RFC 1035 §5.1), at most 255 octets. */
static int parse_string(dz__pctx_t *c)
{
	const dz_token_t *t = NULL;
	uint8_t buf[256];
	int ret = next(c, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	int n = dz__text_unescape(buf + 1, 255, t->str, t->len);
	if (n < 0) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA,
		                     n == DZ_ESPACE ? "string too long"
		                                    : "bad escape");
	}
	buf[0] = (uint8_t)n;
	return dz__wbuf_put(&c->w, buf, (size_t)n + 1);
}

static int parse_strings(dz__pctx_t *c)
{
	int ret = parse_string(c);
	while (ret == DZ_OK && c->ti < c->ntok) {
		ret = parse_string(c);
	}
	return ret;
}

/* Rest of the rdata as one string (CAA value, URI target). */
static int parse_reststr(dz__pctx_t *c)
{
	const dz_token_t *t = NULL;
	int ret = next(c, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	int n = dz__text_unescape(c->w.dst + c->w.len, c->w.cap - c->w.len,
	                          t->str, t->len);
	if (n < 0) {
		return dz__pctx_fail(
		        c, c->ti - 1, n == DZ_ESPACE ? n : DZ_ERDATA,
		        n == DZ_ESPACE ? "rdata too long" : "bad escape");
	}
	c->w.len += (size_t)n;
	return DZ_OK;
}

static int parse_joined(dz__pctx_t *c, dz__decoder_fn dec, const char *what)
{
	if (c->ti >= c->ntok) {
		return dz__pctx_fail(c, c->ntok, DZ_ERDATA, "missing field");
	}
	return dz__text_decode_joined(c, dec, what);
}

/* u8 length + octets from one token ("-" for empty when \p dash). */
static int parse_counted8(dz__pctx_t *c, dz__decoder_fn dec, bool dash,
                          const char *what)
{
	const dz_token_t *t = NULL;
	uint8_t buf[256];
	int ret = next(c, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	int n = 0;
	if (!(dash && t->len == 1 && t->str[0] == '-')) {
		n = dec(buf + 1, 255, t->str, t->len);
	}
	if (n < 0 || (!dash && n == 0)) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA,
		                     n == DZ_ESPACE ? "value too long" : what);
	}
	buf[0] = (uint8_t)n;
	return dz__wbuf_put(&c->w, buf, (size_t)n + 1);
}

static int parse_bitmap(dz__pctx_t *c)
{
	uint8_t bits[256][32];
	uint8_t wlen[256] = {0};
	for (; c->ti < c->ntok; c->ti++) {
		const dz_token_t *t = &c->tok[c->ti];
		uint16_t type;
		if (dz_rrtype_from_str(t->str, t->len, &type) != DZ_OK) {
			return dz__pctx_fail(c, c->ti, DZ_ETYPE,
			                     "unknown type");
		}
		uint8_t win = (uint8_t)(type >> 8);
		uint8_t octet = (uint8_t)((type & 0xff) / 8);
		while (wlen[win] <= octet) {
			bits[win][wlen[win]++] = 0;
		}
		bits[win][octet] |= (uint8_t)(0x80 >> (type % 8));
	}
	for (unsigned win = 0; win < 256; win++) {
		if (wlen[win] == 0) {
			continue;
		}
		uint8_t hdr[2] = {(uint8_t)win, wlen[win]};
		if (dz__wbuf_put(&c->w, hdr, 2) != DZ_OK ||
		    dz__wbuf_put(&c->w, bits[win], wlen[win]) != DZ_OK) {
			return DZ_ESPACE;
		}
	}
	return DZ_OK;
}

static bool days_ok(unsigned y, unsigned m, unsigned d)
{
	static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30,
	                                   31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1) {
		return false;
	}
	return d <= mdays[m - 1] + (m == 2 && leap ? 1u : 0u);
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static unsigned digits(const char *s, size_t n)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v;
}

/* RFC 4034 §3.2: YYYYMMDDHHmmSS (UTC, mod 2^32) or plain seconds. */
static int parse_time(dz__pctx_t *c)
{
	const dz_token_t *t = NULL;
	int ret = next(c, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	bool alldig = t->len > 0;
	for (size_t i = 0; i < t->len; i++) {
		alldig = alldig && t->str[i] >= '0' && t->str[i] <= '9';
	}
	if (!alldig || t->len != 14) {
		c->ti--;
		return parse_number(c, UINT32_MAX, 4);
	}
	const char *s = t->str;
	unsigned y = digits(s, 4), mo = digits(s + 4, 2), d = digits(s + 6, 2);
	unsigned h = digits(s + 8, 2), mi = digits(s + 10, 2);
	unsigned sec = digits(s + 12, 2);
	if (y < 1970 || !days_ok(y, mo, d) || h > 23 || mi > 59 || sec > 59) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, "bad time");
	}
	int64_t v =
	        days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return put_be(c, (uint64_t)v & UINT32_MAX, 4);
}

static bool is_alnum(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
	       (ch >= 'A' && ch <= 'Z');
}

/* RFC 8659 §4.1: the tag is 1+ ASCII letters and digits. */
static int parse_caatag(dz__pctx_t *c)
{
	const dz_token_t *t = NULL;
	int ret = next(c, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	bool ok = t->len > 0 && t->len <= 255;
	for (size_t i = 0; ok && i < t->len; i++) {
		ok = is_alnum(t->str[i]);
	}
	if (!ok) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, "bad CAA tag");
	}
	uint8_t n = (uint8_t)t->len;
	ret = dz__wbuf_put(&c->w, &n, 1);
	return ret != DZ_OK ? ret : dz__wbuf_put(&c->w, t->str, t->len);
}

/* "<len> [base64]" (TSIG MAC and other data). */
static int parse_b64_16(dz__pctx_t *c)
{
	const dz_token_t *t = NULL;
	uint64_t len;
	const char *msg;
	int ret = next(c, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	if (dz__text_number(t->str, t->len, UINT16_MAX, &len, &msg) != DZ_OK) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, msg);
	}
	ret = put_be(c, len, 2);
	if (ret != DZ_OK || len == 0) {
		return ret;
	}
	if ((ret = next(c, &t)) != DZ_OK) {
		return ret;
	}
	int n = dz_base64_decode(c->w.dst + c->w.len, c->w.cap - c->w.len,
	                         t->str, t->len);
	if (n < 0 || (uint64_t)n != len) {
		return dz__pctx_fail(c, c->ti - 1,
		                     n == DZ_ESPACE ? n : DZ_ERDATA,
		                     n < 0 ? "bad base64" : "length mismatch");
	}
	c->w.len += (size_t)n;
	return DZ_OK;
}

/* Hex groups separated by \p sep, each exactly/at most \p gw digits. */
static int parse_groups(dz__pctx_t *c, size_t groups, size_t gbytes, char sep,
                        bool exact, const char *what)
{
	const dz_token_t *t = NULL;
	uint8_t buf[8];
	int ret = next(c, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	size_t gw = gbytes * 2;
	size_t i = 0;
	for (size_t g = 0; g < groups; g++) {
		uint32_t v = 0;
		size_t nd = 0;
		while (i < t->len && dz_hex_digit(t->str[i]) >= 0 && nd < gw) {
			v = v << 4 | (uint32_t)dz_hex_digit(t->str[i++]);
			nd++;
		}
		bool sep_ok = g + 1 == groups
		                      ? i == t->len
		                      : (i < t->len && t->str[i++] == sep);
		if (nd == 0 || (exact && nd != gw) || !sep_ok) {
			return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, what);
		}
		for (size_t k = 0; k < gbytes; k++) {
			buf[g * gbytes + k] =
			        (uint8_t)(v >> (8 * (gbytes - 1 - k)));
		}
	}
	return dz__wbuf_put(&c->w, buf, groups * gbytes);
}

static int parse_svcparams(dz__pctx_t *c)
{
	size_t bad = c->ti;
	const char *msg = NULL;
	int ret = dz__svcb_from_tokens(c->tok + c->ti, c->ntok - c->ti, &c->w,
	                               &bad, &msg);
	if (ret != DZ_OK) {
		return dz__pctx_fail(c, c->ti + bad, ret, msg);
	}
	c->ti = c->ntok;
	return DZ_OK;
}

int dz__text_field(dz__pctx_t *c, uint8_t kind)
{
	switch (kind) {
	case DZ__RDF_NAME:
		return parse_name(c);
	case DZ__RDF_U8:
		return parse_number(c, UINT8_MAX, 1);
	case DZ__RDF_U16:
		return parse_number(c, UINT16_MAX, 2);
	case DZ__RDF_U32:
		return parse_number(c, UINT32_MAX, 4);
	case DZ__RDF_TTL:
		return parse_ttl(c);
	case DZ__RDF_TYPE:
		return parse_type(c);
	case DZ__RDF_A:
		return parse_addr(c, AF_INET);
	case DZ__RDF_AAAA:
		return parse_addr(c, AF_INET6);
	case DZ__RDF_STR:
		return parse_string(c);
	case DZ__RDF_STRS:
		return parse_strings(c);
	case DZ__RDF_B64:
		return parse_joined(c, dz_base64_decode, "bad base64");
	case DZ__RDF_HEX:
		return parse_joined(c, dz_hex_decode, "bad hex");
	case DZ__RDF_HEX8:
		return parse_counted8(c, dz_hex_decode, true, "bad hex");
	case DZ__RDF_B32HEX8:
		return parse_counted8(c, dz_base32hex_decode, false,
		                      "bad base32hex");
	case DZ__RDF_BITMAP:
		return parse_bitmap(c);
	case DZ__RDF_TIME:
		return parse_time(c);
	case DZ__RDF_SVCPARAMS:
		return parse_svcparams(c);
	case DZ__RDF_CAATAG:
		return parse_caatag(c);
	case DZ__RDF_RESTSTR:
		return parse_reststr(c);
	case DZ__RDF_TIME48:
		return parse_number(c, (1ULL << 48) - 1, 6);
	case DZ__RDF_B64_16:
		return parse_b64_16(c);
	case DZ__RDF_EUI48:
		return parse_groups(c, 6, 1, '-', true, "bad EUI-48");
	case DZ__RDF_EUI64:
		return parse_groups(c, 8, 1, '-', true, "bad EUI-64");
	case DZ__RDF_ILNP64:
		return parse_groups(c, 4, 2, ':', false, "bad locator");
	case DZ__RDF_ALG:
	case DZ__RDF_CERTALG:
		return dz__alg_from_text(c);
	case DZ__RDF_CERTTYPE:
		return dz__certtype_from_text(c);
	case DZ__RDF_B64OPT:
		return c->ti < c->ntok
		               ? dz__text_decode_joined(c, dz_base64_decode,
		                                        "bad base64")
		               : DZ_OK;
	case DZ__RDF_LOC:
		return dz__loc_from_text(c);
	case DZ__RDF_WKSPROTO:
		return dz__wksproto_from_text(c);
	case DZ__RDF_WKSMAP:
		return dz__wksmap_from_text(c);
	case DZ__RDF_APL:
		return dz__apl_from_text(c);
	case DZ__RDF_IPSECGW:
		return dz__ipsecgw_from_text(c);
	default:
		return dz__pctx_fail(c, c->ti, DZ_ERDATA,
		                     "type needs \\# syntax");
	}
}
