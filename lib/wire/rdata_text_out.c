/* SPDX-License-Identifier: BSD-3-Clause */
/* Rdata presentation form: the descriptor-driven writer and RFC 3597 generic
 * text. */
#include "lib/wire/rdata_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "lib/util/base32hex.h"
#include "lib/util/base64.h"
#include "lib/util/errcode.h"
#include "lib/util/hex.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"

void dz__tbuf_puts(dz__tbuf_t *b, const char *s, size_t n)
{
	if (b->err != DZ_OK) {
		return;
	}
	if (b->cap - b->len <= n) {
		b->err = DZ_ESPACE;
		return;
	}
	memcpy(b->dst + b->len, s, n);
	b->len += n;
	b->dst[b->len] = '\0';
}

void dz__tbuf_putc(dz__tbuf_t *b, char c)
{
	dz__tbuf_puts(b, &c, 1);
}

void dz__tbuf_u64(dz__tbuf_t *b, uint64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
	dz__tbuf_puts(b, tmp, (size_t)n);
}

void dz__tbuf_escaped(dz__tbuf_t *b, const uint8_t *s, size_t n,
                      const char *specials)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		if (c < 0x20 || c >= 0x7f) {
			char tmp[8];
			int k = snprintf(tmp, sizeof(tmp), "\\%03u", c);
			dz__tbuf_puts(b, tmp, (size_t)k);
		} else if (c == '\\' ||
		           (c != 0 && strchr(specials, c) != NULL)) {
			dz__tbuf_putc(b, '\\');
			dz__tbuf_putc(b, (char)c);
		} else {
			dz__tbuf_putc(b, (char)c);
		}
	}
}

/* Encoders share one shape: (dst, cap, src, len) -> length or DZ_ESPACE. */
typedef int (*encoder_fn)(char *, size_t, const uint8_t *, size_t);

static void put_encoded(dz__tbuf_t *b, encoder_fn enc, const uint8_t *s,
                        size_t n)
{
	if (b->err != DZ_OK) {
		return;
	}
	int k = enc(b->dst + b->len, b->cap - b->len, s, n);
	if (k < 0) {
		b->err = DZ_ESPACE;
		return;
	}
	b->len += (size_t)k;
}

static void put_name(dz__tbuf_t *b, const uint8_t *name)
{
	if (b->err != DZ_OK) {
		return;
	}
	int k = dz_name_to_str(b->dst + b->len, b->cap - b->len, name);
	if (k < 0) {
		b->err = DZ_ESPACE;
		return;
	}
	b->len += (size_t)k;
}

static void put_type(dz__tbuf_t *b, uint16_t type)
{
	char tmp[DZ_RRTYPE_MAXSTR];
	int k = dz_rrtype_to_str(type, tmp, sizeof(tmp));
	dz__tbuf_puts(b, tmp, (size_t)k);
}

static void put_quoted(dz__tbuf_t *b, const uint8_t *s, size_t n)
{
	dz__tbuf_putc(b, '"');
	dz__tbuf_escaped(b, s, n, "\"");
	dz__tbuf_putc(b, '"');
}

static void put_addr(dz__tbuf_t *b, int af, const uint8_t *p)
{
	char tmp[INET6_ADDRSTRLEN];
	if (inet_ntop(af, p, tmp, sizeof(tmp)) == NULL) {
		b->err = DZ_EMALF;
		return;
	}
	dz__tbuf_puts(b, tmp, strlen(tmp));
}

/* RFC 4034 §3.2: YYYYMMDDHHmmSS in UTC (days-to-civil, proleptic). */
static void put_time(dz__tbuf_t *b, uint32_t t)
{
	int64_t days = t / 86400;
	uint32_t secs = t % 86400;
	int64_t z = days + 719468;
	int64_t era = z / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t day = doy - (153 * mp + 2) / 5 + 1;
	int64_t mon = mp < 10 ? mp + 3 : mp - 9;
	int64_t year = yoe + era * 400 + (mon <= 2 ? 1 : 0);
	char tmp[32];
	int k = snprintf(tmp, sizeof(tmp), "%04d%02d%02d%02u%02u%02u",
	                 (int)year, (int)mon, (int)day, secs / 3600,
	                 secs / 60 % 60, secs % 60);
	dz__tbuf_puts(b, tmp, (size_t)k);
}

static void put_eui(dz__tbuf_t *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char tmp[4];
		int k = snprintf(tmp, sizeof(tmp), "%s%02x", i ? "-" : "",
		                 p[i]);
		dz__tbuf_puts(b, tmp, (size_t)k);
	}
}

static void put_ilnp64(dz__tbuf_t *b, const uint8_t *p)
{
	char tmp[24];
	int k = snprintf(tmp, sizeof(tmp), "%04x:%04x:%04x:%04x", dz__get16(p),
	                 dz__get16(p + 2), dz__get16(p + 4), dz__get16(p + 6));
	dz__tbuf_puts(b, tmp, (size_t)k);
}

static void put_bitmap(dz__tbuf_t *b, const uint8_t *p, size_t n)
{
	bool first = true;
	size_t i = 0;
	while (i + 2 <= n) {
		uint8_t win = p[i];
		uint8_t len = p[i + 1];
		for (unsigned k = 0; k < (unsigned)len * 8; k++) {
			if ((p[i + 2 + k / 8] & (0x80 >> (k % 8))) == 0) {
				continue;
			}
			if (!first) {
				dz__tbuf_putc(b, ' ');
			}
			put_type(b, (uint16_t)(win * 256 + k));
			first = false;
		}
		i += 2 + (size_t)len;
	}
}

/* Whether the field at p (n octets) is written as nothing at all. */
static bool field_is_empty_text(uint8_t kind, size_t n)
{
	return n == 0 && (kind == DZ__RDF_BITMAP || kind == DZ__RDF_SVCPARAMS ||
	                  kind == DZ__RDF_B64OPT || kind == DZ__RDF_WKSMAP ||
	                  kind == DZ__RDF_APL);
}

static void put_strings(dz__tbuf_t *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 1 + (size_t)p[i]) {
		if (i > 0) {
			dz__tbuf_putc(b, ' ');
		}
		put_quoted(b, p + i + 1, p[i]);
	}
}

/* "<len> [base64]" (TSIG MAC and other data). */
static void put_b64_16(dz__tbuf_t *b, const uint8_t *p, size_t n)
{
	dz__tbuf_u64(b, n - 2);
	if (n > 2) {
		dz__tbuf_putc(b, ' ');
		put_encoded(b, dz_base64_encode, p + 2, n - 2);
	}
}

/* Fixed-size fields. Returns false for kinds it does not handle. */
static bool put_fixed(dz__tbuf_t *b, uint8_t kind, const uint8_t *p)
{
	switch (kind) {
	case DZ__RDF_U8:
	case DZ__RDF_ALG:
	case DZ__RDF_WKSPROTO:
		/* BIND prints DNSSEC algorithms as numbers too. */
		dz__tbuf_u64(b, p[0]);
		return true;
	case DZ__RDF_CERTALG:
		dz__certalg_to_text(b, p[0]);
		return true;
	case DZ__RDF_CERTTYPE:
		dz__certtype_to_text(b, dz__get16(p));
		return true;
	case DZ__RDF_U16:
		dz__tbuf_u64(b, dz__get16(p));
		return true;
	case DZ__RDF_U32:
	case DZ__RDF_TTL:
		dz__tbuf_u64(b, dz__get32(p));
		return true;
	case DZ__RDF_TYPE:
		put_type(b, dz__get16(p));
		return true;
	case DZ__RDF_A:
		put_addr(b, AF_INET, p);
		return true;
	case DZ__RDF_AAAA:
		put_addr(b, AF_INET6, p);
		return true;
	case DZ__RDF_TIME:
		put_time(b, dz__get32(p));
		return true;
	case DZ__RDF_TIME48:
		dz__tbuf_u64(b,
		             (uint64_t)dz__get16(p) << 32 | dz__get32(p + 2));
		return true;
	case DZ__RDF_EUI48:
	case DZ__RDF_EUI64:
		put_eui(b, p, kind == DZ__RDF_EUI48 ? 6 : 8);
		return true;
	case DZ__RDF_ILNP64:
		put_ilnp64(b, p);
		return true;
	default:
		return false;
	}
}

/* Variable-size fields (n octets at p). */
static void put_variable(dz__tbuf_t *b, uint8_t kind, const uint8_t *p,
                         size_t n)
{
	switch (kind) {
	case DZ__RDF_NAME:
		put_name(b, p);
		break;
	case DZ__RDF_STR:
		put_quoted(b, p + 1, n - 1);
		break;
	case DZ__RDF_STRS:
		put_strings(b, p, n);
		break;
	case DZ__RDF_B64:
	case DZ__RDF_B64OPT:
		put_encoded(b, dz_base64_encode, p, n);
		break;
	case DZ__RDF_LOC:
		dz__loc_to_text(b, p);
		break;
	case DZ__RDF_WKSMAP:
		dz__wksmap_to_text(b, p, n);
		break;
	case DZ__RDF_APL:
		dz__apl_to_text(b, p, n);
		break;
	case DZ__RDF_IPSECGW:
		dz__ipsecgw_to_text(b, p, n);
		break;
	case DZ__RDF_HEX:
		put_encoded(b, dz_hex_encode, p, n);
		break;
	case DZ__RDF_HEX8:
		/* RFC 5155 §3.3: an empty salt is "-". */
		if (n == 1) {
			dz__tbuf_putc(b, '-');
		} else {
			put_encoded(b, dz_hex_encode, p + 1, n - 1);
		}
		break;
	case DZ__RDF_B32HEX8:
		put_encoded(b, dz_base32hex_encode, p + 1, n - 1);
		break;
	case DZ__RDF_BITMAP:
		put_bitmap(b, p, n);
		break;
	case DZ__RDF_SVCPARAMS:
		dz__svcb_to_str(b, p, n);
		break;
	case DZ__RDF_CAATAG:
		dz__tbuf_puts(b, (const char *)p + 1, n - 1);
		break;
	case DZ__RDF_RESTSTR:
		put_quoted(b, p, n);
		break;
	case DZ__RDF_B64_16:
		put_b64_16(b, p, n);
		break;
	default:
		b->err = DZ_EMALF;
		break;
	}
}

void dz__tbuf_field(dz__tbuf_t *b, uint8_t kind, const uint8_t *p, size_t n)
{
	if (!put_fixed(b, kind, p)) {
		put_variable(b, kind, p, n);
	}
}

/* RFC 3597 §5: \# <length> <hex>. */
static void put_generic(dz__tbuf_t *b, const uint8_t *rd, size_t len)
{
	dz__tbuf_puts(b, "\\# ", 3);
	dz__tbuf_u64(b, len);
	if (len > 0) {
		dz__tbuf_putc(b, ' ');
		put_encoded(b, dz_hex_encode, rd, len);
	}
}

/*
 * Known types fall back to generic text when a field has no faithful
 * presentation (an empty base64/hex tail would vanish and not parse back).
 */
static bool needs_generic(const dz__rdesc_t *d, const uint8_t *rd, size_t len)
{
	if ((d->flags & DZ__RD_GENERIC) != 0) {
		return true;
	}
	size_t p = 0;
	for (size_t i = 0; i < DZ__RD_MAXFIELDS && d->field[i] != DZ__RDF_END;
	     i++) {
		int n = dz__rdata_field_len(d->field[i], rd, len, p);
		uint8_t k = d->field[i];
		if ((n == 0 && (k == DZ__RDF_B64 || k == DZ__RDF_HEX)) ||
		    !dz__field_has_text(k, rd + p, (size_t)n)) {
			return true;
		}
		p += (size_t)n;
	}
	return false;
}

static void put_fields(dz__tbuf_t *b, const dz__rdesc_t *d, const uint8_t *rd,
                       size_t len)
{
	size_t p = 0;
	for (size_t i = 0; i < DZ__RD_MAXFIELDS && d->field[i] != DZ__RDF_END;
	     i++) {
		uint8_t k = d->field[i];
		size_t n = (size_t)dz__rdata_field_len(k, rd, len, p);
		if (field_is_empty_text(k, n)) {
			continue;
		}
		if (i > 0) {
			dz__tbuf_putc(b, ' ');
		}
		dz__tbuf_field(b, k, rd + p, n);
		p += n;
	}
}

int dz_rdata_to_str(uint16_t type, const uint8_t *rdata, size_t rdlen,
                    char *dst, size_t dstlen)
{
	if (dz_rdata_check(type, rdata, rdlen) != DZ_OK) {
		return DZ_EMALF;
	}
	if (dstlen == 0) {
		return DZ_ESPACE;
	}
	dz__tbuf_t b = {.dst = dst, .cap = dstlen, .len = 0, .err = DZ_OK};
	dst[0] = '\0';
	const dz__rdesc_t *d = dz__rdesc_find(type);
	if (d == NULL || needs_generic(d, rdata, rdlen)) {
		put_generic(&b, rdata, rdlen);
	} else {
		put_fields(&b, d, rdata, rdlen);
	}
	return b.err != DZ_OK ? b.err : (int)b.len;
}
