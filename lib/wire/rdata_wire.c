/* SPDX-License-Identifier: BSD-3-Clause */
/* Rdata in messages: parse with decompression, render with compression,
 * canonical compare. */
#include "lib/wire/rdata_internal.h"

#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/compr.h"
#include "lib/wire/name.h"

/* Fields of a descriptor, stopping at DZ__RDF_END. */
#define FOR_FIELDS(d, i)                                                       \
	for (size_t i = 0;                                                     \
	     (i) < DZ__RD_MAXFIELDS && (d)->field[i] != DZ__RDF_END; (i)++)

/*
 * Decompress one name whose encoding lies in pkt[*p, end). Pointers only go
 * backwards, so the message can be cut at the end of the rdata: a name that
 * runs past it is then malformed rdata rather than a truncated message.
 */
static int read_name(const uint8_t *pkt, size_t *p, size_t end, uint8_t *out,
                     size_t outcap, size_t *o)
{
	uint8_t name[DZ_NAME_MAXLEN];
	size_t q = *p;
	int n = dz_name_from_wire(name, pkt, end, &q);
	if (n < 0) {
		return n == DZ_ETRUNC ? DZ_EMALF : n;
	}
	if (outcap - *o < (size_t)n) {
		return DZ_ESPACE;
	}
	memcpy(out + *o, name, (size_t)n);
	*o += (size_t)n;
	*p = q;
	return DZ_OK;
}

/* Copy one non-name field (or an uncompressed name) after checking it. */
static int copy_field(uint8_t kind, const uint8_t *rd, size_t rdlen, size_t *p,
                      uint8_t *out, size_t outcap, size_t *o)
{
	int n = dz__rdata_field_len(kind, rd, rdlen, *p);
	if (n < 0) {
		return DZ_EMALF;
	}
	if (outcap - *o < (size_t)n) {
		return DZ_ESPACE;
	}
	memcpy(out + *o, rd + *p, (size_t)n);
	*o += (size_t)n;
	*p += (size_t)n;
	return DZ_OK;
}

static int from_wire_fields(const dz__rdesc_t *d, const uint8_t *pkt,
                            size_t pos, size_t rdlen, uint8_t *out,
                            size_t outcap)
{
	const uint8_t *rd = pkt + pos;
	size_t p = 0;
	size_t o = 0;
	FOR_FIELDS(d, i)
	{
		int ret;
		if (d->field[i] == DZ__RDF_NAME &&
		    (d->flags & DZ__RD_DECOMPRESS) != 0) {
			size_t abs = pos + p;
			ret = read_name(pkt, &abs, pos + rdlen, out, outcap,
			                &o);
			p = abs - pos;
		} else {
			ret = copy_field(d->field[i], rd, rdlen, &p, out,
			                 outcap, &o);
		}
		if (ret != DZ_OK) {
			return ret;
		}
	}
	if (p != rdlen || o > DZ_RDATA_MAXLEN) {
		return DZ_EMALF;
	}
	return (int)o;
}

int dz_rdata_from_wire(uint16_t type, const uint8_t *pkt, size_t pktlen,
                       size_t pos, size_t rdlen, uint8_t *out, size_t outcap)
{
	if (pos > pktlen || pktlen - pos < rdlen) {
		return DZ_ETRUNC;
	}
	const dz__rdesc_t *d = dz__rdesc_find(type);
	if (d == NULL) {
		if (outcap < rdlen) {
			return DZ_ESPACE;
		}
		memcpy(out, pkt + pos, rdlen);
		return (int)rdlen;
	}
	return from_wire_fields(d, pkt, pos, rdlen, out, outcap);
}

int dz_rdata_to_wire(uint16_t type, const uint8_t *rdata, size_t rdlen,
                     uint8_t *pkt, size_t cap, size_t pos,
                     struct dz_compr *compr)
{
	const dz__rdesc_t *d = dz__rdesc_find(type);
	/* Empty rdata: RFC 2136 meta forms (class ANY/NONE, e.g. "delete the
	 * MX RRset") have no fields to walk, and memcpy(NULL, 0) is undefined. */
	if (rdlen == 0) {
		return pos > cap ? DZ_ESPACE : 0;
	}
	if (compr == NULL || d == NULL || (d->flags & DZ__RD_COMPRESS) == 0) {
		if (pos > cap || cap - pos < rdlen) {
			return DZ_ESPACE;
		}
		memcpy(pkt + pos, rdata, rdlen);
		return (int)rdlen;
	}
	/* RFC 3597 §4: only RFC 1035 types get here; rdata is trusted. */
	size_t p = 0;
	size_t w = pos;
	FOR_FIELDS(d, i)
	{
		int n = dz__rdata_field_len(d->field[i], rdata, rdlen, p);
		if (n < 0) {
			return DZ_EMALF;
		}
		if (d->field[i] == DZ__RDF_NAME) {
			int m = dz_compr_put_name(compr, pkt, cap, w, rdata + p,
			                          true);
			if (m < 0) {
				return m;
			}
			w += (size_t)m;
		} else {
			if (w > cap || cap - w < (size_t)n) {
				return DZ_ESPACE;
			}
			memcpy(pkt + w, rdata + p, (size_t)n);
			w += (size_t)n;
		}
		p += (size_t)n;
	}
	return (int)(w - pos);
}

/* Byte ranges of the names in rdata (for RFC 4034 §6.2 lowercasing). */
typedef struct name_ranges {
	size_t n;
	size_t start[DZ__RD_MAXFIELDS];
	size_t end[DZ__RD_MAXFIELDS];
} name_ranges_t;

static int collect_names(const dz__rdesc_t *d, const uint8_t *rd, size_t len,
                         name_ranges_t *r)
{
	size_t p = 0;
	r->n = 0;
	FOR_FIELDS(d, i)
	{
		int n = dz__rdata_field_len(d->field[i], rd, len, p);
		if (n < 0) {
			return DZ_EMALF;
		}
		if (d->field[i] == DZ__RDF_NAME) {
			r->start[r->n] = p;
			r->end[r->n] = p + (size_t)n;
			r->n++;
		}
		p += (size_t)n;
	}
	return DZ_OK;
}

static uint8_t canon_octet(const uint8_t *rd, size_t i, const name_ranges_t *r)
{
	uint8_t c = rd[i];
	for (size_t k = 0; k < r->n; k++) {
		if (i >= r->start[k] && i < r->end[k]) {
			/* Length octets are <= 63, so only letters change. */
			return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
		}
	}
	return c;
}

static int raw_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n > 0 ? memcmp(a, b, n) : 0;
	if (c != 0) {
		return c < 0 ? -1 : 1;
	}
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}

int dz_rdata_cmp(uint16_t type, const uint8_t *a, size_t alen, const uint8_t *b,
                 size_t blen)
{
	const dz__rdesc_t *d = dz__rdesc_find(type);
	name_ranges_t ra;
	name_ranges_t rb;
	if (d == NULL || (d->flags & DZ__RD_LOWER) == 0 ||
	    collect_names(d, a, alen, &ra) != DZ_OK ||
	    collect_names(d, b, blen, &rb) != DZ_OK) {
		return raw_cmp(a, alen, b, blen);
	}
	size_t n = alen < blen ? alen : blen;
	for (size_t i = 0; i < n; i++) {
		uint8_t ca = canon_octet(a, i, &ra);
		uint8_t cb = canon_octet(b, i, &rb);
		if (ca != cb) {
			return ca < cb ? -1 : 1;
		}
	}
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}
