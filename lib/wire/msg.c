/* SPDX-License-Identifier: BSD-3-Clause */
/* DNS message parsing: one bounded pass from the packet to record descriptors, no allocation. */
#include "lib/wire/msg.h"

#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"

/* Smallest question: root name, type, class. Smallest record: root owner,
 * type, class, TTL, RDLENGTH (RFC 1035 §4.1.2, §4.1.3). */
#define MIN_QUESTION 5
#define MIN_RR 11
/* Fixed fields after a record's owner. */
#define RR_FIXED 10

static const char *const why_str[] = {
	[DZ_MSG_WHY_NONE] = "no error",
	[DZ_MSG_WHY_HDR_TRUNC] = "truncated header",
	[DZ_MSG_WHY_TOO_LONG] = "message longer than 65535 octets",
	[DZ_MSG_WHY_COUNTS] = "section counts larger than the packet",
	[DZ_MSG_WHY_QNAME] = "bad question name",
	[DZ_MSG_WHY_Q_TRUNC] = "truncated question",
	[DZ_MSG_WHY_OWNER] = "bad owner name",
	[DZ_MSG_WHY_RR_TRUNC] = "truncated resource record",
	[DZ_MSG_WHY_RDLEN] = "rdlength past the end of the message",
	[DZ_MSG_WHY_OPT_SECTION] = "opt outside the additional section",
	[DZ_MSG_WHY_OPT_OWNER] = "opt owner is not the root",
	[DZ_MSG_WHY_OPT_MULTI] = "more than one opt",
	[DZ_MSG_WHY_OPT_OPTIONS] = "malformed edns option list",
	[DZ_MSG_WHY_TSIG_POS] = "tsig is not the last record",
	[DZ_MSG_WHY_QDCOUNT] = "question count is not 1",
	[DZ_MSG_WHY_TRAIL] = "trailing data after the last record",
	[DZ_MSG_WHY_LIMIT] = "too many records",
};

const char *dz_msg_why_str(dz_msg_why_t why)
{
	if ((size_t)why >= sizeof(why_str) / sizeof(why_str[0]) ||
	    why_str[why] == NULL) {
		return "unknown reason";
	}
	return why_str[why];
}

static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static int fail(dz_msg_diag_t *diag, int code, dz_msg_why_t why, size_t off)
{
	if (diag != NULL) {
		diag->why = why;
		diag->offset = off;
	}
	return code;
}

void dz_msg_init(dz_msg_t *msg, dz_msg_rr_t *rr, uint32_t cap)
{
	memset(msg, 0, offsetof(dz_msg_t, rr_inline));
	if (rr == NULL) {
		msg->rr = msg->rr_inline;
		msg->rr_cap = DZ_MSG_INLINE_RRS;
	} else {
		msg->rr = rr;
		msg->rr_cap = cap;
	}
	msg->opt_idx = -1;
	msg->tsig_idx = -1;
}

static void parse_header(dz_msg_hdr_t *h, const uint8_t *p)
{
	uint8_t f1 = p[2], f2 = p[3];

	h->id = get16(p);
	h->qr = (f1 & 0x80) != 0;
	h->opcode = (f1 >> 3) & 0x0F;
	h->aa = (f1 & 0x04) != 0;
	h->tc = (f1 & 0x02) != 0;
	h->rd = (f1 & 0x01) != 0;
	h->ra = (f2 & 0x80) != 0;
	h->z = (f2 & 0x40) != 0;
	h->ad = (f2 & 0x20) != 0;
	h->cd = (f2 & 0x10) != 0;
	h->rcode = f2 & 0x0F;
	h->qdcount = get16(p + 4);
	h->ancount = get16(p + 6);
	h->nscount = get16(p + 8);
	h->arcount = get16(p + 10);
}

/* Counts that could not possibly fit are rejected before any walking, so a
 * 12-octet packet claiming 65535 records costs nothing. */
static int check_counts(const dz_msg_t *msg, const dz_msg_limits_t *lim,
                        dz_msg_diag_t *diag)
{
	const dz_msg_hdr_t *h = &msg->hdr;
	uint64_t min = (uint64_t)h->qdcount * MIN_QUESTION +
	               (uint64_t)msg->rr_count * MIN_RR;
	uint32_t max = DZ_MSG_DEFAULT_MAX_RRS;

	if (min > (uint64_t)msg->len - DZ_MSG_HDR_LEN) {
		return fail(diag, DZ_EHEADER, DZ_MSG_WHY_COUNTS, 4);
	}
	if (lim != NULL && lim->max_rrs != 0) {
		max = lim->max_rrs;
	}
	if (max > msg->rr_cap) {
		max = msg->rr_cap;
	}
	if (msg->rr_count > max) {
		return fail(diag, DZ_ELIMIT, DZ_MSG_WHY_LIMIT, 6);
	}
	return DZ_OK;
}

/* RFC 1996 §3.7 and RFC 2136 §2.3 fix one question for NOTIFY and UPDATE;
 * for QUERY every server in practice answers only QDCOUNT == 1. Others
 * (and DNS COOKIE-only queries with QDCOUNT 0, RFC 7873 §5.4) are left to
 * the caller, who sees DZ_MSG_WARN_QDCOUNT. */
static int check_qdcount(dz_msg_t *msg, const dz_msg_limits_t *lim,
                         dz_msg_diag_t *diag)
{
	uint8_t op = msg->hdr.opcode;
	bool standard = op == DZ_OPCODE_QUERY || op == DZ_OPCODE_NOTIFY ||
	                op == DZ_OPCODE_UPDATE;

	if (!standard || msg->hdr.qdcount == 1) {
		return DZ_OK;
	}
	if (lim != NULL && lim->strict_qdcount) {
		return fail(diag, DZ_EHEADER, DZ_MSG_WHY_QDCOUNT, 4);
	}
	msg->warn |= DZ_MSG_WARN_QDCOUNT;
	return DZ_OK;
}

static int parse_questions(dz_msg_t *msg, size_t *pos, dz_msg_diag_t *diag)
{
	uint8_t scratch[DZ_NAME_MAXLEN];

	for (uint16_t i = 0; i < msg->hdr.qdcount; i++) {
		size_t start = *pos;
		uint8_t *dst = i == 0 ? msg->qname : scratch;
		int ret = dz_name_from_wire(dst, msg->pkt, msg->len, pos);
		if (ret < 0) {
			return fail(diag, ret, DZ_MSG_WHY_QNAME, start);
		}
		if (msg->len - *pos < 4) {
			return fail(diag, DZ_ETRUNC, DZ_MSG_WHY_Q_TRUNC, *pos);
		}
		if (i == 0) {
			msg->qname_len = (uint16_t)ret;
			msg->qtype = get16(msg->pkt + *pos);
			msg->qclass = get16(msg->pkt + *pos + 2);
		}
		*pos += 4;
	}
	return DZ_OK;
}

/* RFC 6891 §6.1.1: at most one OPT, in the additional section, owned by
 * the root; its option list must parse. */
static int check_opt(dz_msg_t *msg, uint32_t i, int owner_len,
                     dz_msg_diag_t *diag)
{
	const dz_msg_rr_t *rr = &msg->rr[i];
	uint32_t ar_first = (uint32_t)msg->hdr.ancount + msg->hdr.nscount;

	if (i < ar_first) {
		return fail(diag, DZ_EOPT, DZ_MSG_WHY_OPT_SECTION, rr->owner);
	}
	if (owner_len != 1) {
		return fail(diag, DZ_EOPT, DZ_MSG_WHY_OPT_OWNER, rr->owner);
	}
	if (msg->opt_idx >= 0) {
		return fail(diag, DZ_EOPT, DZ_MSG_WHY_OPT_MULTI, rr->owner);
	}
	if (dz_edns_parse(&msg->edns, msg->pkt, rr->rclass, rr->ttl,
	                  rr->rdata, rr->rdlen) != DZ_OK) {
		return fail(diag, DZ_EOPT, DZ_MSG_WHY_OPT_OPTIONS, rr->rdata);
	}
	msg->opt_idx = (int32_t)i;
	return DZ_OK;
}

/* RFC 8945 §5.1: the TSIG is the last record of the additional section,
 * so it is the last record of the message; at most one follows. */
static int check_tsig(dz_msg_t *msg, uint32_t i, dz_msg_diag_t *diag)
{
	if (i + 1 != msg->rr_count || msg->hdr.arcount == 0) {
		return fail(diag, DZ_EMALF, DZ_MSG_WHY_TSIG_POS,
		            msg->rr[i].owner);
	}
	msg->tsig_idx = (int32_t)i;
	return DZ_OK;
}

static int parse_rr(dz_msg_t *msg, uint32_t i, size_t *pos,
                    dz_msg_diag_t *diag)
{
	uint8_t owner[DZ_NAME_MAXLEN];
	const uint8_t *pkt = msg->pkt;
	size_t start = *pos, p = *pos;
	dz_msg_rr_t *rr = &msg->rr[i];

	int nlen = dz_name_from_wire(owner, pkt, msg->len, &p);
	if (nlen < 0) {
		return fail(diag, nlen, DZ_MSG_WHY_OWNER, start);
	}
	if (msg->len - p < RR_FIXED) {
		return fail(diag, DZ_ETRUNC, DZ_MSG_WHY_RR_TRUNC, p);
	}
	uint16_t rdlen = get16(pkt + p + 8);
	if (msg->len - p - RR_FIXED < rdlen) {
		return fail(diag, DZ_ETRUNC, DZ_MSG_WHY_RDLEN, p + 8);
	}
	rr->owner = (uint16_t)start;
	rr->owner_len = (uint16_t)(p - start);
	rr->type = get16(pkt + p);
	rr->rclass = get16(pkt + p + 2);
	rr->ttl = get32(pkt + p + 4);
	rr->rdata = (uint16_t)(p + RR_FIXED);
	rr->rdlen = rdlen;
	*pos = p + RR_FIXED + rdlen;

	if (rr->type == DZ_RR_OPT) {
		return check_opt(msg, i, nlen, diag);
	}
	if (rr->type == DZ_RR_TSIG) {
		return check_tsig(msg, i, diag);
	}
	return DZ_OK;
}

static void reset(dz_msg_t *msg, const uint8_t *pkt, size_t len)
{
	msg->pkt = pkt;
	msg->len = (uint16_t)len;
	msg->qname_len = 0;
	msg->qtype = 0;
	msg->qclass = 0;
	msg->edns.present = false;
	msg->opt_idx = -1;
	msg->tsig_idx = -1;
	msg->warn = 0;
}

int dz_msg_parse(dz_msg_t *msg, const uint8_t *pkt, size_t len,
                 const dz_msg_limits_t *lim, dz_msg_diag_t *diag)
{
	size_t pos = DZ_MSG_HDR_LEN;
	int ret;

	if (len < DZ_MSG_HDR_LEN) {
		return fail(diag, DZ_ETRUNC, DZ_MSG_WHY_HDR_TRUNC, len);
	}
	if (len > DZ_MSG_MAX_SIZE) {
		return fail(diag, DZ_ELIMIT, DZ_MSG_WHY_TOO_LONG,
		            DZ_MSG_MAX_SIZE);
	}
	reset(msg, pkt, len);
	parse_header(&msg->hdr, pkt);
	msg->rr_count = (uint32_t)msg->hdr.ancount + msg->hdr.nscount +
	                msg->hdr.arcount;
	if ((ret = check_counts(msg, lim, diag)) != DZ_OK ||
	    (ret = check_qdcount(msg, lim, diag)) != DZ_OK ||
	    (ret = parse_questions(msg, &pos, diag)) != DZ_OK) {
		return ret;
	}
	for (uint32_t i = 0; i < msg->rr_count; i++) {
		if ((ret = parse_rr(msg, i, &pos, diag)) != DZ_OK) {
			return ret;
		}
	}
	if (pos != len) {
		return fail(diag, DZ_ETRAIL, DZ_MSG_WHY_TRAIL, pos);
	}
	return DZ_OK;
}

int dz_msg_rr_owner(const dz_msg_t *msg, const dz_msg_rr_t *rr, uint8_t *dst)
{
	size_t pos = rr->owner;

	return dz_name_from_wire(dst, msg->pkt, msg->len, &pos);
}

int dz_msg_rr_rdata(const dz_msg_t *msg, const dz_msg_rr_t *rr, uint8_t *out,
                    size_t outcap)
{
	/* RFC 2136 §2.4.1, §2.4.3, §2.5.2: class ANY or NONE with no rdata
	 * is a prerequisite or deletion meta form, not a malformed record;
	 * whether it is allowed where it appears is the caller's check. */
	if (rr->rdlen == 0 &&
	    (rr->rclass == DZ_CLASS_ANY || rr->rclass == DZ_CLASS_NONE)) {
		return 0;
	}
	return dz_rdata_from_wire(rr->type, msg->pkt, msg->len, rr->rdata,
	                          rr->rdlen, out, outcap);
}
