/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: parse a message, decode every owner and rdata, re-render it all, re-parse and compare. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RRS DZ_MSG_DEFAULT_MAX_RRS

static dz_msg_rr_t rr_in[MAX_RRS], rr_out[MAX_RRS];
static uint8_t out[DZ_MSG_MAX_SIZE];
static uint8_t rdata[DZ_RDATA_MAXLEN];

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static dz_msg_section_t section_of(const dz_msg_t *m, uint32_t i)
{
	if (i < m->hdr.ancount) {
		return DZ_MSG_AN;
	}
	return i < (uint32_t)m->hdr.ancount + m->hdr.nscount ? DZ_MSG_NS
	                                                      : DZ_MSG_AR;
}

/* Decode record i; the owner was validated by the parse, so failing to
 * decompress it now is a bug. Rdata may legitimately be malformed. */
static int decode(const dz_msg_t *m, uint32_t i, uint8_t *owner)
{
	check(dz_msg_rr_owner(m, &m->rr[i], owner) > 0);
	return dz_msg_rr_rdata(m, &m->rr[i], rdata, sizeof(rdata));
}

static int render_opt(dz_msg_render_t *r, const dz_msg_t *m)
{
	const dz_msg_rr_t *opt = &m->rr[m->opt_idx];
	dz_edns_out_t eo = {.udp_size = opt->rclass,
	                    .version = m->edns.version,
	                    .flags = m->edns.flags,
	                    .opts = m->pkt + m->edns.opts_off,
	                    .opts_len = m->edns.opts_len};
	return dz_msg_render_opt(r, &eo);
}

/* Appended after finishing, as the TSIG signer does. */
static int append_tsig(uint8_t *pkt, size_t len, const dz_msg_t *m)
{
	uint8_t owner[DZ_NAME_MAXLEN];
	const dz_msg_rr_t *rr = &m->rr[m->tsig_idx];
	int rdlen = decode(m, (uint32_t)m->tsig_idx, owner);
	if (rdlen < 0) {
		return rdlen;
	}
	size_t olen = dz_name_len(owner);
	if (sizeof(out) - len < olen + 10) {
		return DZ_ESPACE;
	}
	uint8_t *p = pkt + len;
	memcpy(p, owner, olen);
	p += olen;
	uint8_t fixed[8] = {rr->type >> 8, rr->type & 0xFF, rr->rclass >> 8,
	                    rr->rclass & 0xFF, rr->ttl >> 24,
	                    (rr->ttl >> 16) & 0xFF, (rr->ttl >> 8) & 0xFF,
	                    rr->ttl & 0xFF};
	memcpy(p, fixed, sizeof(fixed));
	size_t pos = len + olen + 10;
	int n = dz_rdata_to_wire(rr->type, rdata, (size_t)rdlen, pkt,
	                         sizeof(out), pos, NULL);
	if (n < 0) {
		return n;
	}
	p[8] = (uint8_t)(n >> 8);
	p[9] = (uint8_t)n;
	uint16_t ar = (uint16_t)((pkt[10] << 8 | pkt[11]) + 1);
	pkt[10] = (uint8_t)(ar >> 8);
	pkt[11] = (uint8_t)ar;
	return (int)(pos + (size_t)n);
}

static int render_records(dz_msg_render_t *r, const dz_msg_t *m)
{
	uint8_t owner[DZ_NAME_MAXLEN];

	for (uint32_t i = 0; i < m->rr_count; i++) {
		if ((int32_t)i == m->opt_idx || (int32_t)i == m->tsig_idx) {
			continue;
		}
		int rdlen = decode(m, i, owner);
		if (rdlen < 0) {
			return rdlen;
		}
		const dz_msg_rr_t *rr = &m->rr[i];
		int ret = dz_msg_render_rr(r, section_of(m, i), owner,
		                           rr->type, rr->rclass, rr->ttl, rdata,
		                           (uint16_t)rdlen);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return DZ_OK;
}

/* Render everything \p m holds; \return length or a status. */
static int rerender(const dz_msg_t *m)
{
	dz_msg_render_t r;
	int ret;

	check(dz_msg_render_begin(&r, out, sizeof(out), &m->hdr) == DZ_OK);
	if (m->hdr.qdcount == 1) {
		check(dz_msg_render_question(&r, m->qname, m->qtype,
		                             m->qclass) == DZ_OK);
	}
	if (m->opt_idx >= 0 && (ret = render_opt(&r, m)) != DZ_OK) {
		return ret;
	}
	dz_msg_render_rcode(&r, dz_msg_rcode(m));
	if ((ret = render_records(&r, m)) != DZ_OK) {
		return ret;
	}
	int len = dz_msg_render_finish(&r);
	check(len > 0);
	if (m->tsig_idx >= 0) {
		len = append_tsig(out, (size_t)len, m);
	}
	return len;
}

static void compare(const dz_msg_t *a, const dz_msg_t *b)
{
	const dz_msg_hdr_t *x = &a->hdr, *y = &b->hdr;
	check(x->id == y->id && x->opcode == y->opcode && x->qr == y->qr &&
	      x->aa == y->aa && x->tc == y->tc && x->rd == y->rd &&
	      x->ra == y->ra && x->z == y->z && x->ad == y->ad &&
	      x->cd == y->cd);
	check(dz_msg_rcode(a) == dz_msg_rcode(b));
	check(x->qdcount == y->qdcount && x->ancount == y->ancount &&
	      x->nscount == y->nscount && x->arcount == y->arcount);
	check(a->qname_len == b->qname_len && a->qtype == b->qtype &&
	      a->qclass == b->qclass);
	check(memcmp(a->qname, b->qname, a->qname_len) == 0);
	check(a->edns.present == b->edns.present);
	check((a->tsig_idx >= 0) == (b->tsig_idx >= 0));
	if (a->edns.present) {
		check(a->edns.udp_size == b->edns.udp_size &&
		      a->edns.flags == b->edns.flags &&
		      a->edns.version == b->edns.version &&
		      a->edns.opts_len == b->edns.opts_len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dz_msg_t in, again;
	dz_msg_diag_t diag;

	dz_msg_init(&in, rr_in, MAX_RRS);
	if (dz_msg_parse(&in, data, size, NULL, &diag) != DZ_OK) {
		check(dz_msg_why_str(diag.why) != NULL);
		return 0;
	}
	/* Only the first question is kept, so more cannot be re-rendered. */
	if (in.hdr.qdcount > 1) {
		return 0;
	}
	int len = rerender(&in);
	if (len < 0) {
		/* Bad rdata, or a re-render larger than 64 KiB (fewer
		 * compression targets than the original used). */
		check(len == DZ_ESPACE || len == DZ_EMALF || len == DZ_ETRUNC ||
		      len == DZ_EPTR || len == DZ_ERDATA || len == DZ_ELABEL ||
		      len == DZ_ENAMELEN || len == DZ_ELIMIT);
		return 0;
	}
	dz_msg_init(&again, rr_out, MAX_RRS);
	check(dz_msg_parse(&again, out, (size_t)len, NULL, &diag) == DZ_OK);
	compare(&in, &again);
	return 0;
}
