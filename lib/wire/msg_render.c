/* SPDX-License-Identifier: BSD-3-Clause */
/* DNS message rendering into a size limit: whole RRsets or nothing, compression, OPT and TSIG room reserved. */
#include "lib/wire/msg.h"

#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"

/* Fixed fields after a record's owner: type, class, TTL, RDLENGTH. */
#define RR_FIXED 10

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t *count_of(dz_msg_render_t *r, dz_msg_section_t s)
{
	switch (s) {
	case DZ_MSG_AN:
		return &r->hdr.ancount;
	case DZ_MSG_NS:
		return &r->hdr.nscount;
	default:
		return &r->hdr.arcount;
	}
}

int dz_msg_render_begin(dz_msg_render_t *r, uint8_t *buf, size_t cap,
                        const dz_msg_hdr_t *hdr)
{
	if (cap < DZ_MSG_HDR_LEN) {
		return DZ_ESPACE;
	}
	memset(r, 0, offsetof(dz_msg_render_t, compr));
	r->pkt = buf;
	r->cap = cap > DZ_MSG_MAX_SIZE ? DZ_MSG_MAX_SIZE : cap;
	r->limit = r->cap;
	r->pos = DZ_MSG_HDR_LEN;
	r->hdr = *hdr;
	r->hdr.qdcount = r->hdr.ancount = r->hdr.nscount = 0;
	r->hdr.arcount = 0;
	r->rcode = hdr->rcode;
	r->section = DZ_MSG_AN;
	dz_compr_init(&r->compr, buf);
	memset(buf, 0, DZ_MSG_HDR_LEN);
	return DZ_OK;
}

void dz_msg_render_mark(const dz_msg_render_t *r, dz_msg_render_mark_t *m)
{
	m->pos = r->pos;
	m->compr_count = r->compr.count;
	m->count[0] = r->hdr.ancount;
	m->count[1] = r->hdr.nscount;
	m->count[2] = r->hdr.arcount;
}

void dz_msg_render_rollback(dz_msg_render_t *r, const dz_msg_render_mark_t *m)
{
	/* Targets are appended in increasing offset order, so dropping the
	 * ones added since the mark is restoring the count. */
	r->pos = m->pos;
	r->compr.count = m->compr_count;
	r->hdr.ancount = m->count[0];
	r->hdr.nscount = m->count[1];
	r->hdr.arcount = m->count[2];
}

int dz_msg_render_question(dz_msg_render_t *r, const uint8_t *qname,
                           uint16_t qtype, uint16_t qclass)
{
	if (r->has_rr) {
		return DZ_EINVAL;
	}
	if (r->hdr.qdcount == UINT16_MAX) {
		return DZ_ELIMIT;
	}
	uint16_t saved = r->compr.count;
	int n = dz_compr_put_name(&r->compr, r->pkt, r->limit, r->pos, qname,
	                          true);
	if (n < 0 || r->limit - r->pos - (size_t)n < 4) {
		r->compr.count = saved;
		return DZ_ESPACE;
	}
	put16(r->pkt + r->pos + n, qtype);
	put16(r->pkt + r->pos + n + 2, qclass);
	r->pos += (size_t)n + 4;
	r->hdr.qdcount++;
	return DZ_OK;
}

int dz_msg_render_opt(dz_msg_render_t *r, const dz_edns_out_t *opt)
{
	size_t size = dz_edns_wire_size(opt);

	if (r->opt_size != 0) {
		return DZ_EEXIST;
	}
	if (r->limit - r->pos < size) {
		return DZ_ESPACE;
	}
	r->opt = *opt;
	r->opt_size = size;
	r->limit -= size;
	return DZ_OK;
}

int dz_msg_render_reserve(dz_msg_render_t *r, size_t n)
{
	if (r->limit - r->pos < n) {
		return DZ_ESPACE;
	}
	r->reserved += n;
	r->limit -= n;
	return DZ_OK;
}

void dz_msg_render_rcode(dz_msg_render_t *r, uint16_t rcode)
{
	r->rcode = rcode;
}

/* Write one record at r->pos within r->limit; r->pos moves only on
 * success, but compression targets may have been added on failure. */
static int put_rr(dz_msg_render_t *r, const uint8_t *owner, uint16_t type,
                  uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
                  uint16_t rdlen)
{
	size_t pos = r->pos;
	int n = dz_compr_put_name(&r->compr, r->pkt, r->limit, pos, owner,
	                          true);
	if (n < 0) {
		return n;
	}
	pos += (size_t)n;
	if (r->limit - pos < RR_FIXED) {
		return DZ_ESPACE;
	}
	uint8_t *p = r->pkt + pos;
	put16(p, type);
	put16(p + 2, rclass);
	put32(p + 4, ttl);
	n = dz_rdata_to_wire(type, rdata, rdlen, r->pkt, r->limit,
	                     pos + RR_FIXED, &r->compr);
	if (n < 0) {
		return n;
	}
	put16(p + 8, (uint16_t)n);
	r->pos = pos + RR_FIXED + (size_t)n;
	return DZ_OK;
}

int dz_msg_render_rr(dz_msg_render_t *r, dz_msg_section_t s,
                     const uint8_t *owner, uint16_t type, uint16_t rclass,
                     uint32_t ttl, const uint8_t *rdata, uint16_t rdlen)
{
	dz_msg_render_mark_t m;

	if (s < r->section || s > DZ_MSG_AR) {
		return DZ_EINVAL;
	}
	if (r->truncated) {
		return DZ_ESPACE;
	}
	uint16_t *count = count_of(r, s);
	if (*count == UINT16_MAX) {
		return DZ_ELIMIT;
	}
	dz_msg_render_mark(r, &m);
	int ret = put_rr(r, owner, type, rclass, ttl, rdata, rdlen);
	if (ret != DZ_OK) {
		dz_msg_render_rollback(r, &m);
		return ret;
	}
	r->section = s;
	r->has_rr = true;
	(*count)++;
	return DZ_OK;
}

int dz_msg_render_rrset(dz_msg_render_t *r, dz_msg_section_t s,
                        const uint8_t *owner, uint16_t type, uint16_t rclass,
                        uint32_t ttl, const dz_msg_rdata_t *rd, size_t n)
{
	dz_msg_render_mark_t m;

	dz_msg_render_mark(r, &m);
	for (size_t i = 0; i < n; i++) {
		int ret = dz_msg_render_rr(r, s, owner, type, rclass, ttl,
		                           rd[i].data, rd[i].len);
		if (ret == DZ_OK) {
			continue;
		}
		dz_msg_render_rollback(r, &m);
		/* RFC 2181 §9: TC only when the answer or authority lacks data
		 * the client needs; a dropped additional RRset is not that. */
		if (ret == DZ_ESPACE && s != DZ_MSG_AR && !r->truncated) {
			r->truncated = true;
			r->hdr.tc = true;
		}
		return ret;
	}
	return DZ_OK;
}

static void write_header(const dz_msg_render_t *r)
{
	const dz_msg_hdr_t *h = &r->hdr;
	uint8_t *p = r->pkt;

	put16(p, h->id);
	p[2] = (uint8_t)((h->qr ? 0x80 : 0) | ((h->opcode & 0x0F) << 3) |
	                 (h->aa ? 0x04 : 0) | (h->tc ? 0x02 : 0) |
	                 (h->rd ? 0x01 : 0));
	p[3] = (uint8_t)((h->ra ? 0x80 : 0) | (h->z ? 0x40 : 0) |
	                 (h->ad ? 0x20 : 0) | (h->cd ? 0x10 : 0) |
	                 dz_edns_rcode_hdr(r->rcode));
	put16(p + 4, h->qdcount);
	put16(p + 6, h->ancount);
	put16(p + 8, h->nscount);
	put16(p + 10, h->arcount);
}

int dz_msg_render_finish(dz_msg_render_t *r)
{
	/* RFC 6891 §6.1.3: rcodes above 15 exist only with an OPT. */
	if (r->rcode > 0x0F && r->opt_size == 0) {
		return DZ_EINVAL;
	}
	if (r->opt_size != 0) {
		if (r->hdr.arcount == UINT16_MAX) {
			return DZ_ELIMIT;
		}
		/* The space was reserved by dz_msg_render_opt(). */
		int n = dz_edns_to_wire(&r->opt, dz_edns_rcode_ext(r->rcode),
		                        r->pkt, r->cap - r->reserved, r->pos);
		if (n < 0) {
			return n;
		}
		r->pos += (size_t)n;
		r->hdr.arcount++;
		r->limit += r->opt_size;
		r->opt_size = 0;
	}
	write_header(r);
	return (int)r->pos;
}
