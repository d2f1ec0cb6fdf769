/* SPDX-License-Identifier: BSD-3-Clause */
/* LOC rdata (RFC 1876): structure check, presentation in and out. */
#include "lib/wire/rdata_internal.h"

#include <stdio.h>
#include <string.h>

#include "lib/util/errcode.h"

#define LOC_LEN 16
#define EQUATOR 0x80000000UL   /* §2: 2^31 is the equator / prime meridian */
#define MS_PER_DEG 3600000UL   /* thousandths of a second of arc */
#define ALT_BASE 10000000UL    /* §2: 100,000 m below the WGS 84 spheroid */
#define MAX_SIZE 9000000000ULL /* 9e9 cm: the largest mantissa/exponent */

/* §3 defaults: size 1m, horizontal precision 10000m, vertical 10m. */
#define DEF_SIZE 0x12
#define DEF_HP 0x16
#define DEF_VP 0x13

static const uint64_t pow10[10] = {1,         10,        100,     1000,
                                   10000,     100000,    1000000, 10000000,
                                   100000000, 1000000000};

/* §2: mantissa and exponent nibbles, each 0-9; BIND also refuses a zero
 * mantissa with a non-zero exponent, a value that has no text form. */
static bool prec_ok(uint8_t v)
{
	return v == 0 || ((v >> 4) >= 1 && (v >> 4) <= 9 && (v & 0xf) <= 9);
}

static bool coord_ok(uint32_t v, unsigned long maxdeg)
{
	return v >= EQUATOR - maxdeg * MS_PER_DEG &&
	       v <= EQUATOR + maxdeg * MS_PER_DEG;
}

int dz__loc_len(const uint8_t *rd, size_t rdlen, size_t pos)
{
	if (pos >= rdlen) {
		return DZ_EMALF;
	}
	/* Versions other than 0 are opaque (printed in RFC 3597 form). */
	if (rd[pos] != 0) {
		return (int)(rdlen - pos);
	}
	const uint8_t *p = rd + pos;
	if (rdlen - pos < LOC_LEN || !prec_ok(p[1]) || !prec_ok(p[2]) ||
	    !prec_ok(p[3]) || !coord_ok(dz__get32(p + 4), 90) ||
	    !coord_ok(dz__get32(p + 8), 180)) {
		return DZ_EMALF;
	}
	return LOC_LEN;
}

/* --- text in -------------------------------------------------------------- */

/*
 * "[-]digits[.digits]" with at most \p frac fraction digits, scaled by
 * 10^frac; an optional trailing 'm' when \p metres.
 */
static bool decimal(const dz_token_t *t, size_t frac, bool sign, bool metres,
                    uint64_t *v, bool *neg)
{
	size_t n = t->len;
	size_t i = 0;
	if (metres && n > 0 && (t->str[n - 1] == 'm' || t->str[n - 1] == 'M')) {
		n--;
	}
	*neg = sign && n > 0 && t->str[0] == '-';
	i = *neg ? 1 : 0;
	uint64_t x = 0;
	size_t ndig = 0;
	while (i < n && t->str[i] >= '0' && t->str[i] <= '9' && ndig < 12) {
		x = x * 10 + (uint64_t)(t->str[i++] - '0');
		ndig++;
	}
	size_t nfrac = 0;
	if (ndig > 0 && i < n && t->str[i] == '.') {
		i++;
		while (i < n && t->str[i] >= '0' && t->str[i] <= '9' &&
		       nfrac < frac) {
			x = x * 10 + (uint64_t)(t->str[i++] - '0');
			nfrac++;
		}
		if (nfrac == 0) {
			return false;
		}
	}
	if (ndig == 0 || i != n || t->quoted) {
		return false;
	}
	*v = x * pow10[frac - nfrac];
	return true;
}

static bool is_hemi(const dz_token_t *t, const char *hemi)
{
	return t->len == 1 && !t->quoted &&
	       (t->str[0] == hemi[0] || t->str[0] == hemi[1] ||
	        t->str[0] == hemi[0] + 32 || t->str[0] == hemi[1] + 32);
}

/* Degrees, optional minutes and seconds, then a hemisphere letter. */
static int coord(dz__pctx_t *c, unsigned long maxdeg, const char *hemi,
                 uint32_t *out)
{
	static const uint64_t unit[3] = {MS_PER_DEG, 60000, 1000};
	static const uint64_t limit[3] = {180, 59, 59};
	size_t first = c->ti;
	uint64_t ms = 0;
	for (size_t k = 0;; k++) {
		if (c->ti >= c->ntok) {
			return dz__pctx_fail(c, c->ntok, DZ_ERDATA,
			                     "missing field");
		}
		const dz_token_t *t = &c->tok[c->ti++];
		if (k > 0 && is_hemi(t, hemi)) {
			if (ms > maxdeg * MS_PER_DEG) {
				return dz__pctx_fail(c, first, DZ_ERDATA,
				                     "coordinate out of range");
			}
			bool pos = t->str[0] == hemi[0] ||
			           t->str[0] == hemi[0] + 32;
			*out = (uint32_t)(pos ? EQUATOR + ms : EQUATOR - ms);
			return DZ_OK;
		}
		uint64_t v;
		bool neg;
		/* Only the seconds have a fraction, to 1/1000 (§3). */
		if (k > 2 ||
		    !decimal(t, k == 2 ? 3 : 0, false, false, &v, &neg) ||
		    v > (k == 2 ? limit[k] * 1000 + 999 : limit[k])) {
			return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA,
			                     k > 2 ? "missing hemisphere"
			                           : "bad coordinate");
		}
		ms += k == 2 ? v : v * unit[k];
	}
}

static int altitude(dz__pctx_t *c, uint32_t *out)
{
	uint64_t v;
	bool neg;
	if (c->ti >= c->ntok) {
		return dz__pctx_fail(c, c->ntok, DZ_ERDATA, "missing field");
	}
	const dz_token_t *t = &c->tok[c->ti++];
	/* §3: -100000.00 .. 42849672.95 metres. */
	if (!decimal(t, 2, true, true, &v, &neg) ||
	    (neg ? v > ALT_BASE : v > UINT32_MAX - ALT_BASE)) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, "bad altitude");
	}
	*out = (uint32_t)(neg ? ALT_BASE - v : ALT_BASE + v);
	return DZ_OK;
}

/* §2: centimetres as mantissa * 10^exponent, rounded down like BIND. */
static uint8_t prec_encode(uint64_t cm)
{
	unsigned e = 0;
	while (e < 9 && cm >= pow10[e + 1]) {
		e++;
	}
	return (uint8_t)((cm / pow10[e]) << 4 | e);
}

static int precision(dz__pctx_t *c, uint8_t *out)
{
	uint64_t v;
	bool neg;
	if (c->ti >= c->ntok) {
		return DZ_OK; /* optional: keep the default */
	}
	const dz_token_t *t = &c->tok[c->ti++];
	if (!decimal(t, 2, false, true, &v, &neg) || v > MAX_SIZE) {
		return dz__pctx_fail(c, c->ti - 1, DZ_ERDATA, "bad precision");
	}
	*out = prec_encode(v);
	return DZ_OK;
}

int dz__loc_from_text(dz__pctx_t *c)
{
	uint8_t rd[LOC_LEN] = {0, DEF_SIZE, DEF_HP, DEF_VP};
	uint32_t lat = 0;
	uint32_t lon = 0;
	uint32_t alt = 0;
	int ret = coord(c, 90, "NS", &lat);
	if (ret == DZ_OK) {
		ret = coord(c, 180, "EW", &lon);
	}
	if (ret == DZ_OK) {
		ret = altitude(c, &alt);
	}
	for (size_t k = 1; ret == DZ_OK && k <= 3; k++) {
		ret = precision(c, &rd[k]);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	uint32_t v[3] = {lat, lon, alt};
	for (size_t k = 0; k < 3; k++) {
		for (size_t i = 0; i < 4; i++) {
			rd[4 + 4 * k + i] = (uint8_t)(v[k] >> (24 - 8 * i));
		}
	}
	return dz__wbuf_put(&c->w, rd, sizeof(rd));
}

/* --- text out ------------------------------------------------------------- */

/* BIND's form: whole metres from exponent 2 up, else "0.NNm". */
static void put_prec(dz__tbuf_t *b, uint8_t v)
{
	char tmp[24];
	unsigned long long man = v >> 4;
	unsigned e = v & 0xf;
	int k = e >= 2 ? snprintf(tmp, sizeof(tmp), " %llum",
	                          man * (unsigned long long)pow10[e - 2])
	               : snprintf(tmp, sizeof(tmp), " 0.%02llum",
	                          man * (unsigned long long)pow10[e]);
	dz__tbuf_puts(b, tmp, (size_t)k);
}

static void put_coord(dz__tbuf_t *b, uint32_t v, const char *hemi)
{
	char tmp[40];
	bool pos = v >= EQUATOR;
	unsigned long ms = pos ? v - EQUATOR : EQUATOR - v;
	int k = snprintf(tmp, sizeof(tmp), "%lu %lu %lu.%03lu %c",
	                 ms / MS_PER_DEG, ms / 60000 % 60, ms / 1000 % 60,
	                 ms % 1000, pos ? hemi[0] : hemi[1]);
	dz__tbuf_puts(b, tmp, (size_t)k);
}

void dz__loc_to_text(dz__tbuf_t *b, const uint8_t *p)
{
	char tmp[24];
	put_coord(b, dz__get32(p + 4), "NS");
	dz__tbuf_putc(b, ' ');
	put_coord(b, dz__get32(p + 8), "EW");
	uint32_t alt = dz__get32(p + 12);
	bool below = alt < ALT_BASE;
	unsigned long cm = below ? ALT_BASE - alt : alt - ALT_BASE;
	int k = snprintf(tmp, sizeof(tmp), " %s%lu.%02lum", below ? "-" : "",
	                 cm / 100, cm % 100);
	dz__tbuf_puts(b, tmp, (size_t)k);
	for (size_t i = 1; i <= 3; i++) {
		put_prec(b, p[i]);
	}
}
