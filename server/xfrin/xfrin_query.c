/* SPDX-License-Identifier: BSD-3-Clause */
/* The queries a secondary sends (SOA, IXFR with our SOA, AXFR), TSIG-signed
 * when the primary has a key, and the check of a single signed reply. */
#include "server/xfrin/xfrin_internal.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/zone.h"

static uint16_t new_id(void)
{
	uint16_t id = 0;
	/* Unpredictable IDs (RFC 5452 §9.2); a short read keeps the rest. */
	(void)getrandom(&id, sizeof(id), GRND_NONBLOCK);
	return id;
}

/* RFC 1995 §3: the IXFR query carries our SOA in the authority section. */
static int render_soa(dz_msg_render_t *r, const dz_zone_t *cur)
{
	dz_rrset_t soa;
	int ret = dz_zone_soa(cur, &soa);
	if (ret != DZ_OK) {
		return ret;
	}
	dz_rdata_iter_t it;
	const uint8_t *rd = NULL;
	uint16_t rdlen = 0;
	dz_rrset_iter(&soa, &it);
	if (!dz_rrset_next(&it, &rd, &rdlen)) {
		return DZ_ENOSOA;
	}
	return dz_msg_render_rr(r, DZ_MSG_NS, dz_zone_origin(cur), DZ_RR_SOA,
	                        DZ_CLASS_IN, soa.ttl, rd, rdlen);
}

int xfrin_query_build(xfrin_zone_t *z, uint16_t qtype, const dz_zone_t *cur,
                      uint8_t *buf, size_t cap, size_t *len)
{
	const xfrin_target_t *t = &z->targets[z->cur];
	dz_msg_hdr_t hdr = {.id = new_id(), .opcode = DZ_OPCODE_QUERY};
	dz_msg_render_t r;
	int ret = dz_msg_render_begin(&r, buf, cap, &hdr);
	if (ret == DZ_OK) {
		ret = dz_msg_render_question(&r, z->name, qtype, DZ_CLASS_IN);
	}
	if (ret == DZ_OK && t->has_key) {
		ret = dz_msg_render_reserve(&r, dz_tsig_wire_size(&t->key, 0));
	}
	if (ret == DZ_OK && qtype == DZ_RR_IXFR) {
		ret = render_soa(&r, cur);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	int n = dz_msg_render_finish(&r);
	if (n < 0) {
		return n;
	}
	size_t l = (size_t)n;
	z->qmac_len = 0;
	if (t->has_key) {
		ret = dz_tsig_sign(buf, &l, cap, &t->key, (uint64_t)time(NULL),
		                   DZ_TSIG_FUDGE_DEFAULT, NULL, 0, 0, NULL, 0,
		                   z->qmac, &z->qmac_len);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	z->qid = hdr.id;
	*len = l;
	return DZ_OK;
}

static const dz_tsig_key_t *one_key(void *ctx, const uint8_t *name,
                                    dz_tsig_alg_t alg)
{
	const dz_tsig_key_t *k = ctx;
	(void)alg; /* a mismatch is the verifier's BADKEY */
	return dz_name_equal(k->name, name) ? k : NULL;
}

int xfrin_query_verify(xfrin_zone_t *z, const uint8_t *msg, size_t len,
                       const dz_msg_t *parsed, dz_tsig_result_t *res)
{
	const xfrin_target_t *t = &z->targets[z->cur];
	memset(res, 0, sizeof(*res));
	if (!t->has_key) {
		return DZ_OK;
	}
	size_t off = dz_tsig_offset(parsed);
	if (off == 0) {
		/* RFC 8945 §5.3: a signed query needs a signed answer. */
		res->why = DZ_TSIG_WHY_UNSIGNED;
		return DZ_EACCES;
	}
	return dz_tsig_verify(msg, len, off, one_key, (void *)&t->key,
	                      (uint64_t)time(NULL), z->qmac, z->qmac_len, res);
}
