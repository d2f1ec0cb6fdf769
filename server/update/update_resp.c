/* SPDX-License-Identifier: BSD-3-Clause */
/* The answer to an UPDATE: header, zone section echoed, OPT with an Extended DNS Error (RFC 8914), TSIG (RFC 8945). */
#include "server/update/update_internal.h"

#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/edns.h"

/* Room for one EDE option: 4 octets of option header, 2 of INFO-CODE. */
#define EDE_MAX (6 + 200)

static int put_question(dz_msg_render_t *r, const dz_msg_t *req)
{
	if (req->hdr.qdcount != 1 || req->qname_len == 0) {
		return DZ_OK;
	}
	return dz_msg_render_question(r, req->qname, req->qtype, req->qclass);
}

/* RFC 6891 §7: an OPT only to a client that sent one; RFC 8914 §3: the
 * EDE says why, in words (EXTRA-TEXT), for whoever reads it. */
static int put_opt(dz_msg_render_t *r, const dz_msg_t *req, uint16_t ede,
                   const char *text, uint16_t payload, uint8_t *opts)
{
	if (!req->edns.present) {
		return DZ_OK;
	}
	int n = 0;
	if (text != NULL) {
		size_t tlen = strnlen(text, EDE_MAX - 6);
		n = dz_edns_ede_put(opts, EDE_MAX, ede, text, tlen);
		if (n < 0) {
			n = 0; /* the rcode still goes out */
		}
	}
	dz_edns_out_t opt = {.udp_size = payload,
	                     .flags = req->edns.flags & DZ_EDNS_DO,
	                     .opts = n > 0 ? opts : NULL,
	                     .opts_len = (uint16_t)n};
	return dz_msg_render_opt(r, &opt);
}

int update_resp_build(const dz_msg_t *req, uint16_t rcode, uint16_t ede,
                      const char *text, uint16_t udp_payload,
                      const dz_tsig_result_t *tres, uint8_t *buf, size_t cap)
{
	dz_msg_render_t r;
	uint8_t opts[EDE_MAX];
	dz_msg_hdr_t hdr = {.id = req->hdr.id,
	                    .qr = true,
	                    .opcode = req->hdr.opcode};
	int ret = dz_msg_render_begin(&r, buf, cap, &hdr);
	if (ret == DZ_OK) {
		ret = put_question(&r, req);
	}
	if (ret == DZ_OK) {
		ret = put_opt(&r, req, ede, text, udp_payload, opts);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	dz_msg_render_rcode(&r, rcode);
	int len = dz_msg_render_finish(&r);
	if (len <= 0 || tres == NULL || !tres->parsed) {
		return len;
	}
	size_t n = (size_t)len;
	ret = dz_tsig_sign_response(buf, &n, cap, tres, update_now(),
	                            DZ_TSIG_FUDGE_DEFAULT, NULL, NULL);
	return ret == DZ_OK ? (int)n : ret;
}
