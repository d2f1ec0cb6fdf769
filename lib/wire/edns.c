/* SPDX-License-Identifier: BSD-3-Clause */
/* EDNS(0) OPT record: parse, option walking, rendering, Extended DNS Errors (RFC 6891, RFC 8914). */
#include "lib/wire/edns.h"

#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void dz_edns_iter_raw(dz_edns_iter_t *it, const uint8_t *opts, size_t len)
{
	it->p = opts;
	it->left = len;
}

void dz_edns_iter_init(dz_edns_iter_t *it, const dz_edns_t *e,
                       const uint8_t *pkt)
{
	dz_edns_iter_raw(it, pkt + e->opts_off, e->present ? e->opts_len : 0);
}

int dz_edns_opt_next(dz_edns_iter_t *it, uint16_t *code, const uint8_t **data,
                     uint16_t *len)
{
	if (it->left == 0) {
		return DZ_ENOENT;
	}
	/* RFC 6891 §6.1.2: the rdata is a sequence of {code, length, data};
	 * anything that does not parse as such is a malformed OPT. */
	if (it->left < DZ_EDNS_OPT_HDR) {
		return DZ_EOPT;
	}
	uint16_t olen = get16(it->p + 2);
	if (it->left - DZ_EDNS_OPT_HDR < olen) {
		return DZ_EOPT;
	}
	*code = get16(it->p);
	*len = olen;
	*data = it->p + DZ_EDNS_OPT_HDR;
	it->p += DZ_EDNS_OPT_HDR + olen;
	it->left -= DZ_EDNS_OPT_HDR + (size_t)olen;
	return DZ_OK;
}

int dz_edns_parse(dz_edns_t *e, const uint8_t *pkt, uint16_t rclass,
                  uint32_t ttl, size_t rdata, uint16_t rdlen)
{
	dz_edns_iter_t it;
	uint16_t code, len;
	const uint8_t *data;
	int ret;

	dz_edns_iter_raw(&it, pkt + rdata, rdlen);
	while ((ret = dz_edns_opt_next(&it, &code, &data, &len)) == DZ_OK) {
		/* walk only: option contents are the caller's business */
	}
	if (ret != DZ_ENOENT) {
		return ret;
	}
	e->present = true;
	e->ext_rcode = (uint8_t)(ttl >> 24);
	e->version = (uint8_t)(ttl >> 16);
	e->flags = (uint16_t)ttl;
	/* RFC 6891 §6.2.5: values below 512 are treated as 512. */
	e->udp_size = rclass < DZ_EDNS_MIN_UDP ? DZ_EDNS_MIN_UDP : rclass;
	e->opts_off = (uint16_t)rdata;
	e->opts_len = rdlen;
	return DZ_OK;
}

int dz_edns_opt_find(const dz_edns_t *e, const uint8_t *pkt, uint16_t code,
                     const uint8_t **data, uint16_t *len)
{
	dz_edns_iter_t it;
	uint16_t c, l;
	const uint8_t *d;
	int ret;

	dz_edns_iter_init(&it, e, pkt);
	while ((ret = dz_edns_opt_next(&it, &c, &d, &l)) == DZ_OK) {
		if (c == code) {
			*data = d;
			*len = l;
			return DZ_OK;
		}
	}
	return ret;
}

int dz_edns_opt_put(uint8_t *buf, size_t cap, uint16_t code, const void *data,
                    size_t len)
{
	if (len > UINT16_MAX) {
		return DZ_ERANGE;
	}
	if (cap < DZ_EDNS_OPT_HDR + len) {
		return DZ_ESPACE;
	}
	put16(buf, code);
	put16(buf + 2, (uint16_t)len);
	if (len > 0) {
		memcpy(buf + DZ_EDNS_OPT_HDR, data, len);
	}
	return (int)(DZ_EDNS_OPT_HDR + len);
}

int dz_edns_ede_put(uint8_t *buf, size_t cap, uint16_t info, const char *text,
                    size_t textlen)
{
	/* RFC 8914 §2: INFO-CODE (16 bits), then EXTRA-TEXT to the end. */
	if (textlen > UINT16_MAX - 2) {
		return DZ_ERANGE;
	}
	if (cap < DZ_EDNS_OPT_HDR + 2 + textlen) {
		return DZ_ESPACE;
	}
	put16(buf, DZ_EDNS_OPT_EDE);
	put16(buf + 2, (uint16_t)(2 + textlen));
	put16(buf + 4, info);
	if (textlen > 0) {
		memcpy(buf + 6, text, textlen);
	}
	return (int)(DZ_EDNS_OPT_HDR + 2 + textlen);
}

int dz_edns_ede_get(const uint8_t *data, uint16_t len, uint16_t *info,
                    const char **text, size_t *textlen)
{
	if (len < 2) {
		return DZ_EOPT;
	}
	*info = get16(data);
	*text = (const char *)data + 2;
	*textlen = (size_t)len - 2;
	return DZ_OK;
}

int dz_edns_to_wire(const dz_edns_out_t *out, uint8_t ext_rcode, uint8_t *pkt,
                    size_t cap, size_t pos)
{
	size_t need = dz_edns_wire_size(out);

	if (pos > cap || cap - pos < need) {
		return DZ_ESPACE;
	}
	uint8_t *p = pkt + pos;
	uint16_t udp = out->udp_size < DZ_EDNS_MIN_UDP ? DZ_EDNS_MIN_UDP
	                                               : out->udp_size;
	p[0] = 0; /* owner: the root (RFC 6891 §6.1.2) */
	put16(p + 1, DZ_RR_OPT);
	put16(p + 3, udp);
	p[5] = ext_rcode;
	p[6] = out->version;
	put16(p + 7, out->flags);
	put16(p + 9, out->opts_len);
	if (out->opts_len > 0) {
		memcpy(p + DZ_EDNS_FIXED_LEN, out->opts, out->opts_len);
	}
	return (int)need;
}
