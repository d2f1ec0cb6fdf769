/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone demo`: the DNS exchanges - SOA and A queries to either server, the one signed UPDATE to the primary. */

#include "tools/demo/demo_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rrtype.h"

/* Short tries: the callers poll against their own deadline. */
#define POLL_TRY_MS 200

static uint16_t new_id(void)
{
	uint16_t id = 0;
	if (getrandom(&id, sizeof(id), 0) != (ssize_t)sizeof(id)) {
		id = (uint16_t)(demo_mono_ms() & 0xffff);
	}
	return id;
}

static int name(const char *text, uint8_t *out)
{
	int n = dz_name_from_str(out, text, strlen(text), NULL);
	return n < 0 ? n : DZ_OK;
}

/* Ask \p s for qname/qtype (no recursion); the parsed answer in \p m. */
static int ask(const demo_server_t *s, const char *qname, uint16_t qtype,
               uint8_t *reply, dz_msg_t *m)
{
	uint8_t q[512], owner[DZ_NAME_MAXLEN];
	dz_msg_hdr_t hdr = {.id = new_id(), .opcode = DZ_OPCODE_QUERY};
	dz_msg_render_t r;
	int ret = name(qname, owner);
	if (ret == DZ_OK) {
		ret = dz_msg_render_begin(&r, q, sizeof(q), &hdr);
	}
	if (ret == DZ_OK) {
		ret = dz_msg_render_question(&r, owner, qtype, DZ_CLASS_IN);
	}
	int n = ret == DZ_OK ? dz_msg_render_finish(&r) : ret;
	if (n < 0) {
		return n;
	}
	client_opts_t o = {.udp_timeout_ms = POLL_TRY_MS, .tries = 1};
	client_result_t res;
	ret = client_exchange(&o, &s->ca, q, (size_t)n, sizeof(q), reply, &res);
	if (ret != DZ_OK) {
		return ret;
	}
	return dz_msg_parse(m, reply, res.len, NULL, NULL);
}

/* The first answer record of type \p type: its rdata in \p rd. */
static int answer_rdata(const dz_msg_t *m, uint16_t type, uint8_t *rd,
                        size_t cap)
{
	uint32_t count;
	const dz_msg_rr_t *rr = dz_msg_section(m, DZ_MSG_AN, &count);
	for (uint32_t i = 0; i < count; i++) {
		if (rr[i].type == type) {
			return dz_msg_rr_rdata(m, &rr[i], rd, cap);
		}
	}
	return DZ_ENOENT;
}

int demo_soa_serial(const demo_server_t *s, uint32_t *serial)
{
	static _Thread_local uint8_t reply[CLIENT_REPLY_MAX];
	dz_msg_rr_t rrs[64];
	dz_msg_t m;
	dz_msg_init(&m, rrs, 64);
	int ret = ask(s, DEMO_ZONE, DZ_RR_SOA, reply, &m);
	if (ret != DZ_OK) {
		return ret;
	}
	/* A secondary that has not transferred yet answers SERVFAIL. */
	if (dz_msg_rcode(&m) != DZ_RCODE_NOERROR || !m.hdr.aa) {
		return DZ_ENOENT;
	}
	uint8_t rd[2 * DZ_NAME_MAXLEN + 20];
	int n = answer_rdata(&m, DZ_RR_SOA, rd, sizeof(rd));
	if (n < 0) {
		return n;
	}
	/* MNAME, RNAME (uncompressed now), then SERIAL (RFC 1035 §3.3.13). */
	size_t off = dz_name_len(rd);
	off += dz_name_len(rd + off);
	if (off + 4 > (size_t)n) {
		return DZ_EMALF;
	}
	*serial = (uint32_t)rd[off] << 24 | (uint32_t)rd[off + 1] << 16 |
	          (uint32_t)rd[off + 2] << 8 | rd[off + 3];
	return DZ_OK;
}

int demo_has_host(const demo_server_t *s, bool *found)
{
	static _Thread_local uint8_t reply[CLIENT_REPLY_MAX];
	dz_msg_rr_t rrs[64];
	dz_msg_t m;
	dz_msg_init(&m, rrs, 64);
	int ret = ask(s, DEMO_HOST, DZ_RR_A, reply, &m);
	if (ret != DZ_OK) {
		return ret;
	}
	uint8_t rd[16], want[4];
	int n = answer_rdata(&m, DZ_RR_A, rd, sizeof(rd));
	inet_pton(AF_INET, DEMO_HOST_ADDR, want);
	*found = n == 4 && memcmp(rd, want, 4) == 0;
	return DZ_OK;
}

/* RFC 2136 §2: zone section = the SOA "question", update section = the
 * record to add (class IN: add to an RRset, §2.5.1). */
static int build_update(uint8_t *buf, size_t cap, size_t reserve)
{
	uint8_t zone[DZ_NAME_MAXLEN], owner[DZ_NAME_MAXLEN], addr[4];
	dz_msg_hdr_t hdr = {.id = new_id(), .opcode = DZ_OPCODE_UPDATE};
	dz_msg_render_t r;
	int ret = name(DEMO_ZONE, zone);
	if (ret == DZ_OK) {
		ret = name(DEMO_HOST, owner);
	}
	inet_pton(AF_INET, DEMO_HOST_ADDR, addr);
	if (ret == DZ_OK) {
		ret = dz_msg_render_begin(&r, buf, cap, &hdr);
	}
	if (ret == DZ_OK) {
		ret = dz_msg_render_question(&r, zone, DZ_RR_SOA, DZ_CLASS_IN);
	}
	if (ret == DZ_OK) {
		ret = dz_msg_render_reserve(&r, reserve);
	}
	if (ret == DZ_OK) {
		ret = dz_msg_render_rr(&r, DZ_MSG_NS, owner, DZ_RR_A,
		                       DZ_CLASS_IN, 300, addr, sizeof(addr));
	}
	return ret == DZ_OK ? dz_msg_render_finish(&r) : ret;
}

int demo_send_update(const demo_t *d, uint16_t *rcode, char *err, size_t errlen)
{
	static _Thread_local uint8_t reply[CLIENT_REPLY_MAX];
	uint8_t msg[1024];
	int n = build_update(msg, sizeof(msg), dz_tsig_wire_size(&d->key, 0));
	if (n < 0) {
		snprintf(err, errlen, "cannot build the update: %s",
		         dz_strerror(n));
		return n;
	}
	client_opts_t o = {.udp_timeout_ms = 1000, .tries = 3, .key = &d->key};
	client_result_t res;
	int ret = client_exchange(&o, &DEMO_PRIMARY(d)->ca, msg, (size_t)n,
	                          sizeof(msg), reply, &res);
	if (ret != DZ_OK) {
		snprintf(err, errlen, "%s", res.err);
		return ret;
	}
	dz_msg_t m;
	dz_msg_init(&m, NULL, 0);
	ret = dz_msg_parse(&m, reply, res.len, NULL, NULL);
	if (ret != DZ_OK) {
		snprintf(err, errlen, "unreadable answer: %s",
		         dz_strerror(ret));
		return ret;
	}
	*rcode = res.tsig_error ? res.tsig_error : dz_msg_rcode(&m);
	return DZ_OK;
}
