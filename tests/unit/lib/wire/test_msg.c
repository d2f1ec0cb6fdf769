/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/wire/msg: every FORMERR reason, accessors, rendering limits, round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"

/* ===== helpers =========================================================== */

/* A packet under construction. */
typedef struct {
	uint8_t b[2048];
	size_t n;
} buf_t;

static void raw(buf_t *p, const void *data, size_t len)
{
	assert_true(p->n + len <= sizeof(p->b));
	if (len == 0) {
		return;
	}
	memcpy(p->b + p->n, data, len);
	p->n += len;
}

static void u8(buf_t *p, uint8_t v)
{
	raw(p, &v, 1);
}

static void u16(buf_t *p, uint16_t v)
{
	u8(p, (uint8_t)(v >> 8));
	u8(p, (uint8_t)v);
}

static void u32(buf_t *p, uint32_t v)
{
	u16(p, (uint16_t)(v >> 16));
	u16(p, (uint16_t)v);
}

static void hdr(buf_t *p, uint16_t flags, uint16_t qd, uint16_t an,
                uint16_t ns, uint16_t ar)
{
	p->n = 0;
	u16(p, 0x1234);
	u16(p, flags);
	u16(p, qd);
	u16(p, an);
	u16(p, ns);
	u16(p, ar);
}

/* Wire name of an absolute name the test knows to be valid. */
static const uint8_t *N(const char *s, uint8_t buf[DZ_NAME_MAXLEN])
{
	assert_true(dz_name_from_str(buf, s, strlen(s), NULL) > 0);
	return buf;
}

static void name(buf_t *p, const char *s)
{
	uint8_t b[DZ_NAME_MAXLEN];
	N(s, b);
	raw(p, b, dz_name_len(b));
}

static void question(buf_t *p, const char *s, uint16_t type)
{
	name(p, s);
	u16(p, type);
	u16(p, DZ_CLASS_IN);
}

/* Fixed part of a record after its owner, then the rdata. */
static void rr_tail(buf_t *p, uint16_t type, uint16_t rclass, uint32_t ttl,
                    const void *rdata, uint16_t rdlen)
{
	u16(p, type);
	u16(p, rclass);
	u32(p, ttl);
	u16(p, rdlen);
	raw(p, rdata, rdlen);
}

static void opt_rr(buf_t *p, const void *opts, uint16_t len)
{
	u8(p, 0);
	rr_tail(p, DZ_RR_OPT, 1232, 0x8000, opts, len);
}

/* Parse a copy in an exact-size heap buffer so ASan sees any overread;
 * the copy is freed, so only failures are checked through this. */
static int parse_fail(const buf_t *p, const dz_msg_limits_t *lim,
                      dz_msg_diag_t *diag)
{
	dz_msg_t msg;
	uint8_t *copy = malloc(p->n > 0 ? p->n : 1);
	assert_non_null(copy);
	memcpy(copy, p->b, p->n);
	dz_msg_init(&msg, NULL, 0);
	diag->why = DZ_MSG_WHY_NONE;
	diag->offset = 0xDEAD;
	int ret = dz_msg_parse(&msg, copy, p->n, lim, diag);
	free(copy);
	return ret;
}

#define assert_formerr(p, lim, code, reason, off)                             \
	do {                                                                  \
		dz_msg_diag_t d_;                                             \
		assert_int_equal(parse_fail((p), (lim), &d_), (code));        \
		assert_int_equal(d_.why, (reason));                           \
		assert_int_equal(d_.offset, (off));                           \
	} while (0)

/* ===== parsing: accepted messages ======================================== */

static void msg_parse_reads_a_plain_query(void **state)
{
	(void)state;
	buf_t p;
	dz_msg_t msg;
	dz_msg_diag_t diag;
	uint8_t b[DZ_NAME_MAXLEN];
	hdr(&p, 0x0100, 1, 0, 0, 0);
	question(&p, "www.Example.com.", DZ_RR_AAAA);
	dz_msg_init(&msg, NULL, 0);
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, NULL, &diag), DZ_OK);
	assert_int_equal(msg.hdr.id, 0x1234);
	assert_false(msg.hdr.qr);
	assert_true(msg.hdr.rd);
	assert_int_equal(msg.hdr.opcode, DZ_OPCODE_QUERY);
	assert_int_equal(msg.hdr.qdcount, 1);
	assert_int_equal(msg.qname_len, 17);
	assert_memory_equal(msg.qname, N("www.Example.com.", b), 17);
	assert_int_equal(msg.qtype, DZ_RR_AAAA);
	assert_int_equal(msg.qclass, DZ_CLASS_IN);
	assert_int_equal(msg.rr_count, 0);
	assert_false(msg.edns.present);
	assert_int_equal(msg.opt_idx, -1);
	assert_int_equal(msg.tsig_idx, -1);
	assert_int_equal(msg.warn, 0);
}

static void msg_parse_reads_every_header_bit(void **state)
{
	(void)state;
	buf_t p;
	dz_msg_t msg;
	hdr(&p, 0xFFFF & ~0x7800, 1, 0, 0, 0); /* opcode 0, rest set */
	question(&p, "a.", DZ_RR_A);
	dz_msg_init(&msg, NULL, 0);
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, NULL, NULL), DZ_OK);
	const dz_msg_hdr_t *h = &msg.hdr;
	assert_true(h->qr && h->aa && h->tc && h->rd && h->ra && h->z &&
	            h->ad && h->cd);
	assert_int_equal(h->rcode, 15);
	hdr(&p, 5 << 11, 1, 0, 0, 0);
	question(&p, "a.", DZ_RR_SOA);
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, NULL, NULL), DZ_OK);
	assert_int_equal(msg.hdr.opcode, DZ_OPCODE_UPDATE);
	assert_false(msg.hdr.qr || msg.hdr.aa || msg.hdr.cd);
	assert_int_equal(msg.hdr.rcode, 0);
}

static void msg_parse_finds_edns_and_tsig(void **state)
{
	(void)state;
	buf_t p;
	dz_msg_t msg;
	hdr(&p, 0, 1, 0, 0, 2);
	question(&p, "example.", DZ_RR_SOA);
	size_t opt_at = p.n;
	opt_rr(&p, "\0\3\0\0", 4);
	size_t tsig_at = p.n;
	name(&p, "key.");
	rr_tail(&p, DZ_RR_TSIG, DZ_CLASS_ANY, 0, "\0", 1);
	dz_msg_init(&msg, NULL, 0);
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, NULL, NULL), DZ_OK);
	assert_true(msg.edns.present);
	assert_true(dz_edns_do(&msg.edns));
	assert_int_equal(msg.edns.udp_size, 1232);
	assert_int_equal(msg.edns.opts_off, opt_at + 11);
	assert_int_equal(msg.edns.opts_len, 4);
	assert_int_equal(msg.opt_idx, 0);
	assert_int_equal(msg.tsig_idx, 1);
	assert_int_equal(msg.rr[1].owner, tsig_at);
	assert_int_equal(msg.rr[1].type, DZ_RR_TSIG);
}

static void msg_parse_fills_record_descriptors(void **state)
{
	(void)state;
	buf_t p;
	dz_msg_t msg;
	uint32_t n;
	hdr(&p, 0x8400, 1, 1, 1, 1);
	question(&p, "example.", DZ_RR_A);
	u16(&p, 0xC00C);
	rr_tail(&p, DZ_RR_A, DZ_CLASS_IN, 3600, "\xC0\0\2\1", 4);
	u16(&p, 0xC00C);
	rr_tail(&p, DZ_RR_NS, DZ_CLASS_IN, 7200, "\2ns\xC0\x0C", 5);
	size_t ar_at = p.n;
	u8(&p, 2);
	raw(&p, "ns", 2);
	u16(&p, 0xC00C);
	rr_tail(&p, DZ_RR_A, DZ_CLASS_IN, 60, "\xC0\0\2\2", 4);
	dz_msg_init(&msg, NULL, 0);
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, NULL, NULL), DZ_OK);
	assert_int_equal(msg.rr_count, 3);
	const dz_msg_rr_t *an = dz_msg_section(&msg, DZ_MSG_AN, &n);
	assert_int_equal(n, 1);
	assert_int_equal(an->owner, 25);
	assert_int_equal(an->owner_len, 2);
	assert_int_equal(an->ttl, 3600);
	assert_int_equal(an->rdata, 25 + 12);
	assert_int_equal(an->rdlen, 4);
	const dz_msg_rr_t *ns = dz_msg_section(&msg, DZ_MSG_NS, &n);
	assert_int_equal(n, 1);
	assert_int_equal(ns->type, DZ_RR_NS);
	const dz_msg_rr_t *ar = dz_msg_section(&msg, DZ_MSG_AR, &n);
	assert_int_equal(n, 1);
	assert_int_equal(ar->owner, ar_at);
	assert_int_equal(ar->owner_len, 5);

	/* Accessors decompress the owner and the rdata. */
	uint8_t owner[DZ_NAME_MAXLEN], rd[64], b[DZ_NAME_MAXLEN];
	assert_int_equal(dz_msg_rr_owner(&msg, ar, owner), 12);
	assert_memory_equal(owner, N("ns.example.", b), 12);
	assert_int_equal(dz_msg_rr_rdata(&msg, ns, rd, sizeof(rd)), 12);
	assert_memory_equal(rd, b, 12);
	assert_int_equal(dz_msg_rr_rdata(&msg, an, rd, sizeof(rd)), 4);
}

static void msg_rr_rdata_accepts_empty_meta_rdata(void **state)
{
	(void)state;
	buf_t p;
	dz_msg_t msg;
	uint8_t rd[16];
	/* An UPDATE deleting an RRset (class ANY) and a prerequisite that
	 * one does not exist (class NONE): both have no rdata. */
	hdr(&p, 5 << 11, 1, 1, 1, 0);
	question(&p, "example.", DZ_RR_SOA);
	u16(&p, 0xC00C);
	rr_tail(&p, DZ_RR_A, DZ_CLASS_NONE, 0, NULL, 0);
	u16(&p, 0xC00C);
	rr_tail(&p, DZ_RR_A, DZ_CLASS_ANY, 0, NULL, 0);
	dz_msg_init(&msg, NULL, 0);
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, NULL, NULL), DZ_OK);
	assert_int_equal(dz_msg_rr_rdata(&msg, &msg.rr[0], rd, sizeof(rd)), 0);
	assert_int_equal(dz_msg_rr_rdata(&msg, &msg.rr[1], rd, sizeof(rd)), 0);
	/* Class IN with no rdata is still a malformed A record. */
	p.b[p.n - 8] = 0;
	p.b[p.n - 7] = DZ_CLASS_IN;
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, NULL, NULL), DZ_OK);
	assert_int_equal(msg.rr[1].rclass, DZ_CLASS_IN);
	assert_int_equal(dz_msg_rr_rdata(&msg, &msg.rr[1], rd, sizeof(rd)),
	                 DZ_EMALF);
}

/* RFC 1035 §4.1.4: F.ISI.ARPA at offset 20, FOO.F.ISI.ARPA as FOO plus a
 * pointer to 20, ARPA as a pointer to 26, and the root. */
static void build_rfc1035_example(buf_t *p)
{
	hdr(p, 0x8000, 1, 4, 0, 0);
	question(p, "ab.", DZ_RR_NS); /* offsets 12..19 */
	assert_int_equal(p->n, 20);
	name(p, "F.ISI.ARPA.");
	rr_tail(p, DZ_RR_A, DZ_CLASS_IN, 1, "\x0a\0\0\1", 4);
	assert_int_equal(p->n, 46);
	raw(p, "\3FOO\xC0\x14", 6);
	rr_tail(p, DZ_RR_A, DZ_CLASS_IN, 1, "\x0a\0\0\2", 4);
	raw(p, "\xC0\x1A", 2);
	rr_tail(p, DZ_RR_NS, DZ_CLASS_IN, 1, "\xC0\x2E", 2);
	u8(p, 0);
	rr_tail(p, DZ_RR_NS, DZ_CLASS_IN, 1, "\xC0\x1A", 2);
}

static void msg_parse_decompresses_rfc1035_example(void **state)
{
	(void)state;
	buf_t p;
	dz_msg_t msg;
	uint8_t o[DZ_NAME_MAXLEN], b[DZ_NAME_MAXLEN], rd[300];
	build_rfc1035_example(&p);
	dz_msg_init(&msg, NULL, 0);
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, NULL, NULL), DZ_OK);
	assert_int_equal(msg.rr_count, 4);
	static const char *const owners[] = {"F.ISI.ARPA.", "FOO.F.ISI.ARPA.",
	                                     "ARPA.", "."};
	for (int i = 0; i < 4; i++) {
		int n = dz_msg_rr_owner(&msg, &msg.rr[i], o);
		N(owners[i], b);
		assert_int_equal(n, dz_name_len(b));
		assert_memory_equal(o, b, (size_t)n);
	}
	assert_int_equal(msg.rr[1].owner_len, 6);
	assert_int_equal(dz_msg_rr_rdata(&msg, &msg.rr[2], rd, sizeof(rd)), 16);
	assert_memory_equal(rd, N("FOO.F.ISI.ARPA.", b), 16);
}

static void msg_render_reproduces_rfc1035_example(void **state)
{
	(void)state;
	buf_t p;
	uint8_t out[512], q[DZ_NAME_MAXLEN], b1[DZ_NAME_MAXLEN],
		b2[DZ_NAME_MAXLEN], b3[DZ_NAME_MAXLEN], root[1] = {0};
	dz_msg_render_t r;
	dz_msg_hdr_t h = {.id = 0x1234, .qr = true};
	build_rfc1035_example(&p);
	N("F.ISI.ARPA.", b1);
	N("FOO.F.ISI.ARPA.", b2);
	N("ARPA.", b3);
	assert_int_equal(dz_msg_render_begin(&r, out, sizeof(out), &h), DZ_OK);
	assert_int_equal(dz_msg_render_question(&r, N("ab.", q), DZ_RR_NS,
	                                        DZ_CLASS_IN),
	                 DZ_OK);
	assert_int_equal(dz_msg_render_rr(&r, DZ_MSG_AN, b1, DZ_RR_A,
	                                  DZ_CLASS_IN, 1,
	                                  (const uint8_t *)"\x0a\0\0\1", 4),
	                 DZ_OK);
	assert_int_equal(dz_msg_render_rr(&r, DZ_MSG_AN, b2, DZ_RR_A,
	                                  DZ_CLASS_IN, 1,
	                                  (const uint8_t *)"\x0a\0\0\2", 4),
	                 DZ_OK);
	assert_int_equal(dz_msg_render_rr(&r, DZ_MSG_AN, b3, DZ_RR_NS,
	                                  DZ_CLASS_IN, 1, b2, 16),
	                 DZ_OK);
	assert_int_equal(dz_msg_render_rr(&r, DZ_MSG_AN, root, DZ_RR_NS,
	                                  DZ_CLASS_IN, 1, b3, 6),
	                 DZ_OK);
	int len = dz_msg_render_finish(&r);
	assert_int_equal(len, (int)p.n);
	assert_memory_equal(out, p.b, p.n);
}

static void msg_parse_reuses_message_struct(void **state)
{
	(void)state;
	buf_t p1, p2;
	dz_msg_t msg;
	hdr(&p1, 0, 1, 0, 0, 1);
	question(&p1, "one.", DZ_RR_A);
	opt_rr(&p1, NULL, 0);
	hdr(&p2, 0, 1, 0, 0, 0);
	question(&p2, "two.", DZ_RR_A);
	dz_msg_init(&msg, NULL, 0);
	assert_int_equal(dz_msg_parse(&msg, p1.b, p1.n, NULL, NULL), DZ_OK);
	assert_true(msg.edns.present);
	assert_int_equal(dz_msg_parse(&msg, p2.b, p2.n, NULL, NULL), DZ_OK);
	assert_false(msg.edns.present);
	assert_int_equal(msg.opt_idx, -1);
	assert_int_equal(msg.qname_len, 5);
}

/* ===== parsing: every FORMERR reason ===================================== */

static void msg_parse_rejects_truncated_header(void **state)
{
	(void)state;
	buf_t p;
	hdr(&p, 0, 0, 0, 0, 0);
	p.n = 11;
	assert_formerr(&p, NULL, DZ_ETRUNC, DZ_MSG_WHY_HDR_TRUNC, 11);
	p.n = 0;
	assert_formerr(&p, NULL, DZ_ETRUNC, DZ_MSG_WHY_HDR_TRUNC, 0);
}

static void msg_parse_rejects_message_over_65535(void **state)
{
	(void)state;
	dz_msg_t msg;
	dz_msg_diag_t diag;
	uint8_t *big = calloc(1, 65536);
	assert_non_null(big);
	dz_msg_init(&msg, NULL, 0);
	assert_int_equal(dz_msg_parse(&msg, big, 65536, NULL, &diag),
	                 DZ_ELIMIT);
	assert_int_equal(diag.why, DZ_MSG_WHY_TOO_LONG);
	/* 65535 octets of zeros: a header then trailing zeros. */
	assert_int_equal(dz_msg_parse(&msg, big, 65535, NULL, &diag),
	                 DZ_ETRAIL);
	free(big);
}

static void msg_parse_rejects_counts_larger_than_packet(void **state)
{
	(void)state;
	buf_t p;
	hdr(&p, 0, 1, 2, 0, 0);
	question(&p, "example.", DZ_RR_A);
	assert_formerr(&p, NULL, DZ_EHEADER, DZ_MSG_WHY_COUNTS, 4);
	hdr(&p, 0, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF);
	assert_formerr(&p, NULL, DZ_EHEADER, DZ_MSG_WHY_COUNTS, 4);
}

static void msg_parse_rejects_bad_question_names(void **state)
{
	(void)state;
	buf_t p;
	/* forward pointer */
	hdr(&p, 0, 1, 0, 0, 0);
	u16(&p, 0xC011);
	u32(&p, 0x00010001);
	u8(&p, 0);
	assert_formerr(&p, NULL, DZ_EPTR, DZ_MSG_WHY_QNAME, 12);
	/* pointer to itself */
	hdr(&p, 0, 1, 0, 0, 0);
	u16(&p, 0xC00C);
	u32(&p, 0x00010001);
	assert_formerr(&p, NULL, DZ_EPTR, DZ_MSG_WHY_QNAME, 12);
	/* pointer into the header */
	hdr(&p, 0, 1, 0, 0, 0);
	u16(&p, 0xC002);
	u32(&p, 0x00010001);
	assert_formerr(&p, NULL, DZ_EPTR, DZ_MSG_WHY_QNAME, 12);
	/* label type 01 (extended labels, RFC 6891 §5) */
	hdr(&p, 0, 1, 0, 0, 0);
	raw(&p, "\x41x\0", 3);
	u32(&p, 0x00010001);
	assert_formerr(&p, NULL, DZ_EMALF, DZ_MSG_WHY_QNAME, 12);
	/* label running past the end */
	hdr(&p, 0, 1, 0, 0, 0);
	raw(&p, "\x3f" "abcd", 5);
	assert_formerr(&p, NULL, DZ_ETRUNC, DZ_MSG_WHY_QNAME, 12);
	/* longer than 255 octets */
	hdr(&p, 0, 1, 0, 0, 0);
	for (int i = 0; i < 5; i++) {
		u8(&p, 63);
		for (int j = 0; j < 63; j++) {
			u8(&p, 'a');
		}
	}
	u8(&p, 0);
	u32(&p, 0x00010001);
	assert_formerr(&p, NULL, DZ_ENAMELEN, DZ_MSG_WHY_QNAME, 12);
}

static void msg_parse_rejects_truncated_question(void **state)
{
	(void)state;
	buf_t p;
	hdr(&p, 0, 1, 0, 0, 0);
	name(&p, "ab.");
	raw(&p, "\0\1\0", 3);
	assert_formerr(&p, NULL, DZ_ETRUNC, DZ_MSG_WHY_Q_TRUNC, 16);
	/* the second question is checked too */
	hdr(&p, 0, 2, 0, 0, 0);
	question(&p, "ab.", DZ_RR_A);
	raw(&p, "\xC0\x30\0\1\0\1", 6);
	assert_formerr(&p, NULL, DZ_EPTR, DZ_MSG_WHY_QNAME, 20);
}

static void msg_parse_rejects_bad_owner_name(void **state)
{
	(void)state;
	buf_t p;
	hdr(&p, 0, 1, 1, 0, 0);
	question(&p, "ab.", DZ_RR_A);
	u16(&p, 0xC0FF);
	rr_tail(&p, DZ_RR_A, DZ_CLASS_IN, 0, "\1\2\3\4", 4);
	assert_formerr(&p, NULL, DZ_EPTR, DZ_MSG_WHY_OWNER, 20);
	hdr(&p, 0, 1, 0, 0, 1);
	question(&p, "ab.", DZ_RR_A);
	raw(&p, "\x80xx", 3);
	rr_tail(&p, DZ_RR_A, DZ_CLASS_IN, 0, "\1\2\3\4", 4);
	assert_formerr(&p, NULL, DZ_EMALF, DZ_MSG_WHY_OWNER, 20);
}

static void msg_parse_rejects_truncated_record(void **state)
{
	(void)state;
	buf_t p;
	hdr(&p, 0, 1, 1, 0, 0);
	question(&p, "ab.", DZ_RR_A);
	name(&p, "abcde.");
	raw(&p, "\0\1\0\1\0", 5);
	assert_formerr(&p, NULL, DZ_ETRUNC, DZ_MSG_WHY_RR_TRUNC, 27);
}

static void msg_parse_rejects_rdlength_past_end(void **state)
{
	(void)state;
	buf_t p;
	hdr(&p, 0, 1, 1, 0, 0);
	question(&p, "ab.", DZ_RR_A);
	u16(&p, 0xC00C);
	u16(&p, DZ_RR_A);
	u16(&p, DZ_CLASS_IN);
	u32(&p, 0);
	u16(&p, 5);
	raw(&p, "\1\2\3\4", 4);
	assert_formerr(&p, NULL, DZ_ETRUNC, DZ_MSG_WHY_RDLEN, 30);
}

static void msg_parse_rejects_opt_outside_additional(void **state)
{
	(void)state;
	buf_t p;
	hdr(&p, 0, 1, 1, 0, 0);
	question(&p, "ab.", DZ_RR_A);
	opt_rr(&p, NULL, 0);
	assert_formerr(&p, NULL, DZ_EOPT, DZ_MSG_WHY_OPT_SECTION, 20);
	hdr(&p, 0, 1, 0, 1, 0);
	question(&p, "ab.", DZ_RR_A);
	opt_rr(&p, NULL, 0);
	assert_formerr(&p, NULL, DZ_EOPT, DZ_MSG_WHY_OPT_SECTION, 20);
}

static void msg_parse_rejects_opt_with_non_root_owner(void **state)
{
	(void)state;
	buf_t p;
	hdr(&p, 0, 1, 0, 0, 1);
	question(&p, "ab.", DZ_RR_A);
	u16(&p, 0xC00C);
	rr_tail(&p, DZ_RR_OPT, 1232, 0, NULL, 0);
	assert_formerr(&p, NULL, DZ_EOPT, DZ_MSG_WHY_OPT_OWNER, 20);
}

static void msg_parse_rejects_second_opt(void **state)
{
	(void)state;
	buf_t p;
	hdr(&p, 0, 1, 0, 0, 2);
	question(&p, "ab.", DZ_RR_A);
	opt_rr(&p, NULL, 0);
	opt_rr(&p, NULL, 0);
	assert_formerr(&p, NULL, DZ_EOPT, DZ_MSG_WHY_OPT_MULTI, 31);
}

static void msg_parse_rejects_malformed_option_list(void **state)
{
	(void)state;
	buf_t p;
	hdr(&p, 0, 1, 0, 0, 1);
	question(&p, "ab.", DZ_RR_A);
	opt_rr(&p, "\0\3\0\5abcd", 8);
	assert_formerr(&p, NULL, DZ_EOPT, DZ_MSG_WHY_OPT_OPTIONS, 31);
	hdr(&p, 0, 1, 0, 0, 1);
	question(&p, "ab.", DZ_RR_A);
	opt_rr(&p, "\0\3\0\0\0", 5);
	assert_formerr(&p, NULL, DZ_EOPT, DZ_MSG_WHY_OPT_OPTIONS, 31);
}

static void msg_parse_rejects_tsig_not_last(void **state)
{
	(void)state;
	buf_t p;
	/* a record after the TSIG */
	hdr(&p, 0, 1, 0, 0, 2);
	question(&p, "ab.", DZ_RR_A);
	name(&p, "k.");
	rr_tail(&p, DZ_RR_TSIG, DZ_CLASS_ANY, 0, NULL, 0);
	opt_rr(&p, NULL, 0);
	assert_formerr(&p, NULL, DZ_EMALF, DZ_MSG_WHY_TSIG_POS, 20);
	/* two TSIGs: the first is not last */
	hdr(&p, 0, 1, 0, 0, 2);
	question(&p, "ab.", DZ_RR_A);
	name(&p, "k.");
	rr_tail(&p, DZ_RR_TSIG, DZ_CLASS_ANY, 0, NULL, 0);
	name(&p, "k.");
	rr_tail(&p, DZ_RR_TSIG, DZ_CLASS_ANY, 0, NULL, 0);
	assert_formerr(&p, NULL, DZ_EMALF, DZ_MSG_WHY_TSIG_POS, 20);
	/* last record, but in the authority section */
	hdr(&p, 0, 1, 0, 1, 0);
	question(&p, "ab.", DZ_RR_A);
	name(&p, "k.");
	rr_tail(&p, DZ_RR_TSIG, DZ_CLASS_ANY, 0, NULL, 0);
	assert_formerr(&p, NULL, DZ_EMALF, DZ_MSG_WHY_TSIG_POS, 20);
}

static void msg_parse_flags_qdcount_not_one(void **state)
{
	(void)state;
	buf_t p;
	dz_msg_t msg;
	dz_msg_limits_t strict = {.strict_qdcount = true};
	uint8_t b[DZ_NAME_MAXLEN];
	dz_msg_init(&msg, NULL, 0);
	hdr(&p, 0, 0, 0, 0, 0);
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, NULL, NULL), DZ_OK);
	assert_int_equal(msg.warn, DZ_MSG_WARN_QDCOUNT);
	assert_int_equal(msg.qname_len, 0);
	assert_formerr(&p, &strict, DZ_EHEADER, DZ_MSG_WHY_QDCOUNT, 4);
	/* two questions: the first is kept */
	hdr(&p, 4 << 11, 2, 0, 0, 0);
	question(&p, "first.", DZ_RR_SOA);
	question(&p, "second.", DZ_RR_A);
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, NULL, NULL), DZ_OK);
	assert_int_equal(msg.warn, DZ_MSG_WARN_QDCOUNT);
	assert_memory_equal(msg.qname, N("first.", b), 7);
	assert_int_equal(msg.qtype, DZ_RR_SOA);
	assert_formerr(&p, &strict, DZ_EHEADER, DZ_MSG_WHY_QDCOUNT, 4);
	/* STATUS (opcode 2) is not a standard query: no warning */
	hdr(&p, 2 << 11, 0, 0, 0, 0);
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, &strict, NULL), DZ_OK);
	assert_int_equal(msg.warn, 0);
}

static void msg_parse_rejects_trailing_garbage(void **state)
{
	(void)state;
	buf_t p;
	hdr(&p, 0, 1, 0, 0, 0);
	question(&p, "ab.", DZ_RR_A);
	u8(&p, 0);
	assert_formerr(&p, NULL, DZ_ETRAIL, DZ_MSG_WHY_TRAIL, 20);
	hdr(&p, 0, 1, 0, 0, 1);
	question(&p, "ab.", DZ_RR_A);
	opt_rr(&p, NULL, 0);
	raw(&p, "junk", 4);
	assert_formerr(&p, NULL, DZ_ETRAIL, DZ_MSG_WHY_TRAIL, 31);
}

static void msg_parse_rejects_more_records_than_limit(void **state)
{
	(void)state;
	buf_t p;
	dz_msg_t msg;
	dz_msg_rr_t big[16];
	dz_msg_limits_t lim = {.max_rrs = 2};
	hdr(&p, 0, 1, 0, 0, DZ_MSG_INLINE_RRS + 1);
	question(&p, "ab.", DZ_RR_A);
	for (int i = 0; i < DZ_MSG_INLINE_RRS + 1; i++) {
		u16(&p, 0xC00C);
		rr_tail(&p, DZ_RR_A, DZ_CLASS_IN, 0, "\1\2\3\4", 4);
	}
	assert_formerr(&p, NULL, DZ_ELIMIT, DZ_MSG_WHY_LIMIT, 6);
	assert_formerr(&p, &lim, DZ_ELIMIT, DZ_MSG_WHY_LIMIT, 6);
	dz_msg_init(&msg, big, 16);
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, NULL, NULL), DZ_OK);
	assert_int_equal(msg.rr_count, DZ_MSG_INLINE_RRS + 1);
	assert_int_equal(dz_msg_parse(&msg, p.b, p.n, &lim, NULL), DZ_ELIMIT);
}

static void msg_why_str_names_every_reason(void **state)
{
	(void)state;
	for (int w = DZ_MSG_WHY_NONE; w <= DZ_MSG_WHY_LIMIT; w++) {
		assert_string_not_equal(dz_msg_why_str((dz_msg_why_t)w),
		                        "unknown reason");
	}
	assert_string_equal(dz_msg_why_str(DZ_MSG_WHY_TRAIL),
	                    "trailing data after the last record");
	assert_string_equal(dz_msg_why_str((dz_msg_why_t)999),
	                    "unknown reason");
}

/* ===== rendering ========================================================= */

typedef struct {
	const char *owner;
	uint16_t type;
	uint32_t ttl;
	const char *rdata; /* a name for NS/MX (after 2 octets), else raw */
	uint16_t rdlen;
} rec_t;

static uint16_t rec_rdata(const rec_t *rec, uint8_t *out)
{
	if (rec->type == DZ_RR_NS) {
		N(rec->rdata, out);
		return (uint16_t)dz_name_len(out);
	}
	if (rec->type == DZ_RR_MX) {
		out[0] = 0;
		out[1] = 10;
		N(rec->rdata, out + 2);
		return (uint16_t)(2 + dz_name_len(out + 2));
	}
	memcpy(out, rec->rdata, rec->rdlen);
	return rec->rdlen;
}

static void msg_render_then_parse_round_trips(void **state)
{
	(void)state;
	static const rec_t recs[] = {
		{"www.example.com.", DZ_RR_A, 300, "\xC0\0\2\1", 4},
		{"www.example.com.", DZ_RR_A, 300, "\xC0\0\2\2", 4},
		{"WWW.example.com.", DZ_RR_TXT, 60, "\5hello", 6},
		{"example.com.", DZ_RR_MX, 3600, "mail.example.com.", 0},
		{"example.com.", DZ_RR_NS, 3600, "ns1.example.com.", 0},
		{"example.com.", DZ_RR_NS, 3600, "ns2.example.net.", 0},
		{"ns1.example.com.", DZ_RR_A, 3600, "\xC0\0\2\x35", 4},
		{"ns1.example.com.", DZ_RR_AAAA, 3600,
		 "\x20\1\xd\xb8\0\0\0\0\0\0\0\0\0\0\0\x35", 16},
		{"ns2.example.net.", DZ_RR_A, 3600, "\xC0\0\2\x36", 4},
		{"mail.example.com.", DZ_RR_A, 3600, "\xC0\0\2\x19", 4},
	};
	static const dz_msg_section_t sec[] = {DZ_MSG_AN, DZ_MSG_AN, DZ_MSG_AN,
	                                       DZ_MSG_AN, DZ_MSG_NS, DZ_MSG_NS,
	                                       DZ_MSG_AR, DZ_MSG_AR, DZ_MSG_AR,
	                                       DZ_MSG_AR};
	uint8_t out[1232], q[DZ_NAME_MAXLEN], o[DZ_NAME_MAXLEN], rd[64],
		got[DZ_NAME_MAXLEN], gotrd[64];
	dz_msg_hdr_t h = {.id = 99, .qr = true, .aa = true, .rd = true};
	dz_msg_render_t r;
	dz_edns_out_t eo = {.udp_size = 1232, .flags = DZ_EDNS_DO};
	assert_int_equal(dz_msg_render_begin(&r, out, sizeof(out), &h), DZ_OK);
	assert_int_equal(dz_msg_render_question(&r, N("www.example.com.", q),
	                                        DZ_RR_A, DZ_CLASS_IN),
	                 DZ_OK);
	assert_int_equal(dz_msg_render_opt(&r, &eo), DZ_OK);
	for (size_t i = 0; i < 10; i++) {
		uint16_t n = rec_rdata(&recs[i], rd);
		assert_int_equal(dz_msg_render_rr(&r, sec[i],
		                                  N(recs[i].owner, o),
		                                  recs[i].type, DZ_CLASS_IN,
		                                  recs[i].ttl, rd, n),
		                 DZ_OK);
	}
	int len = dz_msg_render_finish(&r);
	assert_true(len > 0);
	/* The first answer's owner is the question name: a pointer to 12. */
	assert_memory_equal(out + 12 + 21, "\xC0\x0C", 2);

	dz_msg_t msg;
	dz_msg_rr_t rrs[16];
	dz_msg_init(&msg, rrs, 16);
	assert_int_equal(dz_msg_parse(&msg, out, (size_t)len, NULL, NULL),
	                 DZ_OK);
	assert_int_equal(msg.hdr.id, 99);
	assert_true(msg.hdr.qr && msg.hdr.aa && msg.hdr.rd);
	assert_false(msg.hdr.tc);
	assert_int_equal(msg.hdr.ancount, 4);
	assert_int_equal(msg.hdr.nscount, 2);
	assert_int_equal(msg.hdr.arcount, 5);
	assert_memory_equal(msg.qname, q, dz_name_len(q));
	assert_true(dz_edns_do(&msg.edns));
	assert_int_equal(msg.opt_idx, 10);
	for (size_t i = 0; i < 10; i++) {
		uint16_t n = rec_rdata(&recs[i], rd);
		N(recs[i].owner, o);
		int gl = dz_msg_rr_owner(&msg, &msg.rr[i], got);
		assert_int_equal(gl, dz_name_len(o));
		/* Case may come from an earlier equal name (compression). */
		assert_true(dz_name_equal(got, o));
		assert_int_equal(msg.rr[i].type, recs[i].type);
		assert_int_equal(msg.rr[i].ttl, recs[i].ttl);
		assert_int_equal(dz_msg_rr_rdata(&msg, &msg.rr[i], gotrd,
		                                 sizeof(gotrd)),
		                 n);
		assert_memory_equal(gotrd, rd, n);
	}
}

static void msg_render_drops_whole_answer_rrset_and_sets_tc(void **state)
{
	(void)state;
	uint8_t out[100], q[DZ_NAME_MAXLEN];
	dz_msg_render_t r;
	dz_msg_hdr_t h = {.qr = true};
	dz_edns_out_t eo = {.udp_size = 512};
	dz_msg_rdata_t rd[8];
	for (int i = 0; i < 8; i++) {
		rd[i].data = (const uint8_t *)"\1\2\3\4";
		rd[i].len = 4;
	}
	N("example.", q);
	assert_int_equal(dz_msg_render_begin(&r, out, sizeof(out), &h), DZ_OK);
	assert_int_equal(dz_msg_render_question(&r, q, DZ_RR_A, DZ_CLASS_IN),
	                 DZ_OK);
	assert_int_equal(dz_msg_render_opt(&r, &eo), DZ_OK);
	/* 12 + 13 + OPT 11 = 36; each A record is 16: 4 fit, 8 do not. */
	assert_int_equal(dz_msg_render_rrset(&r, DZ_MSG_AN, q, DZ_RR_A,
	                                     DZ_CLASS_IN, 60, rd, 2),
	                 DZ_OK);
	size_t before = r.pos;
	assert_int_equal(dz_msg_render_rrset(&r, DZ_MSG_AN, q, DZ_RR_A,
	                                     DZ_CLASS_IN, 60, rd, 8),
	                 DZ_ESPACE);
	assert_int_equal(r.pos, before);
	assert_true(r.hdr.tc);
	/* Once truncated, nothing more goes in, even what would fit. */
	assert_int_equal(dz_msg_render_rrset(&r, DZ_MSG_AR, q, DZ_RR_A,
	                                     DZ_CLASS_IN, 60, rd, 1),
	                 DZ_ESPACE);
	int len = dz_msg_render_finish(&r);
	assert_int_equal(len, 36 + 32);

	dz_msg_t msg;
	dz_msg_init(&msg, NULL, 0);
	assert_int_equal(dz_msg_parse(&msg, out, (size_t)len, NULL, NULL),
	                 DZ_OK);
	assert_true(msg.hdr.tc);
	assert_int_equal(msg.hdr.ancount, 2);
	assert_int_equal(msg.hdr.arcount, 1);
	assert_true(msg.edns.present);
}

static void msg_render_drops_additional_without_tc(void **state)
{
	(void)state;
	uint8_t out[120], q[DZ_NAME_MAXLEN], big[DZ_NAME_MAXLEN], txt[80];
	dz_msg_render_t r;
	dz_msg_hdr_t h = {.qr = true};
	dz_msg_rdata_t rd = {txt, sizeof(txt)};
	dz_msg_rdata_t small = {(const uint8_t *)"\1\2\3\4", 4};
	memset(txt, 'x', sizeof(txt));
	txt[0] = sizeof(txt) - 1;
	N("example.", q);
	N("big.example.", big);
	assert_int_equal(dz_msg_render_begin(&r, out, sizeof(out), &h), DZ_OK);
	assert_int_equal(dz_msg_render_question(&r, q, DZ_RR_A, DZ_CLASS_IN),
	                 DZ_OK);
	assert_int_equal(dz_msg_render_rrset(&r, DZ_MSG_AN, q, DZ_RR_A,
	                                     DZ_CLASS_IN, 60, &small, 1),
	                 DZ_OK);
	uint16_t targets = r.compr.count;
	/* The owner "big" is written before the rdata fails to fit. */
	assert_int_equal(dz_msg_render_rrset(&r, DZ_MSG_AR, big, DZ_RR_TXT,
	                                     DZ_CLASS_IN, 60, &rd, 1),
	                 DZ_ESPACE);
	assert_false(r.hdr.tc);
	assert_int_equal(r.compr.count, targets);
	assert_int_equal(dz_msg_render_rrset(&r, DZ_MSG_AR, big, DZ_RR_A,
	                                     DZ_CLASS_IN, 60, &small, 1),
	                 DZ_OK);
	int len = dz_msg_render_finish(&r);
	assert_true(len > 0);

	dz_msg_t msg;
	uint8_t o[DZ_NAME_MAXLEN];
	dz_msg_init(&msg, NULL, 0);
	assert_int_equal(dz_msg_parse(&msg, out, (size_t)len, NULL, NULL),
	                 DZ_OK);
	assert_false(msg.hdr.tc);
	assert_int_equal(msg.hdr.ancount, 1);
	assert_int_equal(msg.hdr.arcount, 1);
	assert_int_equal(dz_msg_rr_owner(&msg, &msg.rr[1], o), 13);
	assert_memory_equal(o, big, 13);
}

static void msg_render_keeps_reserved_room_for_tsig(void **state)
{
	(void)state;
	uint8_t out[64], q[DZ_NAME_MAXLEN];
	dz_msg_render_t r;
	dz_msg_hdr_t h = {0};
	dz_msg_rdata_t small = {(const uint8_t *)"\1\2\3\4", 4};
	N("example.", q);
	assert_int_equal(dz_msg_render_begin(&r, out, sizeof(out), &h), DZ_OK);
	assert_int_equal(dz_msg_render_question(&r, q, DZ_RR_A, DZ_CLASS_IN),
	                 DZ_OK);
	/* 25 used, 39 free: room for two 16-octet records. */
	assert_int_equal(dz_msg_render_reserve(&r, 40), DZ_ESPACE);
	assert_int_equal(dz_msg_render_reserve(&r, 20), DZ_OK);
	assert_int_equal(dz_msg_render_rrset(&r, DZ_MSG_AN, q, DZ_RR_A,
	                                     DZ_CLASS_IN, 60, &small, 1),
	                 DZ_OK);
	assert_int_equal(dz_msg_render_rrset(&r, DZ_MSG_AN, q, DZ_RR_A,
	                                     DZ_CLASS_IN, 60, &small, 1),
	                 DZ_ESPACE);
	assert_true(r.hdr.tc);
	assert_int_equal(dz_msg_render_finish(&r), 41);
	assert_true((out[2] & 0x02) != 0);
}

static void msg_render_opt_space_is_reserved_up_front(void **state)
{
	(void)state;
	uint8_t out[40], q[DZ_NAME_MAXLEN];
	dz_msg_render_t r;
	dz_msg_hdr_t h = {0};
	dz_edns_out_t eo = {.udp_size = 1232};
	N("example.", q);
	assert_int_equal(dz_msg_render_begin(&r, out, sizeof(out), &h), DZ_OK);
	assert_int_equal(dz_msg_render_question(&r, q, DZ_RR_A, DZ_CLASS_IN),
	                 DZ_OK);
	/* 25 + 11 = 36 <= 40 */
	assert_int_equal(dz_msg_render_opt(&r, &eo), DZ_OK);
	assert_int_equal(dz_msg_render_opt(&r, &eo), DZ_EEXIST);
	dz_msg_render_t r2 = r;
	r2.opt_size = 0;
	r2.limit = r2.cap;
	eo.opts_len = 5;
	assert_int_equal(dz_msg_render_opt(&r2, &eo), DZ_ESPACE);
	assert_int_equal(dz_msg_render_finish(&r), 36);
}

static void msg_render_needs_opt_for_extended_rcode(void **state)
{
	(void)state;
	uint8_t out[64];
	dz_msg_render_t r;
	dz_msg_hdr_t h = {.rcode = DZ_RCODE_REFUSED};
	assert_int_equal(dz_msg_render_begin(&r, out, sizeof(out), &h), DZ_OK);
	dz_msg_render_rcode(&r, DZ_RCODE_BADCOOKIE);
	assert_int_equal(dz_msg_render_finish(&r), DZ_EINVAL);
	dz_msg_render_rcode(&r, DZ_RCODE_NOTAUTH);
	assert_int_equal(dz_msg_render_finish(&r), 12);
	assert_int_equal(out[3] & 0x0F, DZ_RCODE_NOTAUTH);
	assert_int_equal(dz_msg_render_begin(&r, out, 11, &h), DZ_ESPACE);
}

static void msg_render_enforces_order(void **state)
{
	(void)state;
	uint8_t out[128], q[DZ_NAME_MAXLEN];
	dz_msg_render_t r;
	dz_msg_hdr_t h = {0};
	dz_msg_rdata_t small = {(const uint8_t *)"\1\2\3\4", 4};
	N("example.", q);
	assert_int_equal(dz_msg_render_begin(&r, out, sizeof(out), &h), DZ_OK);
	assert_int_equal(dz_msg_render_rrset(&r, DZ_MSG_NS, q, DZ_RR_A,
	                                     DZ_CLASS_IN, 60, &small, 1),
	                 DZ_OK);
	assert_int_equal(dz_msg_render_rrset(&r, DZ_MSG_AN, q, DZ_RR_A,
	                                     DZ_CLASS_IN, 60, &small, 1),
	                 DZ_EINVAL);
	assert_false(r.hdr.tc);
	assert_int_equal(dz_msg_render_question(&r, q, DZ_RR_A, DZ_CLASS_IN),
	                 DZ_EINVAL);
	assert_int_equal(dz_msg_render_finish(&r), 12 + 9 + 14);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msg_parse_reads_a_plain_query),
		cmocka_unit_test(msg_parse_reads_every_header_bit),
		cmocka_unit_test(msg_parse_finds_edns_and_tsig),
		cmocka_unit_test(msg_parse_fills_record_descriptors),
		cmocka_unit_test(msg_rr_rdata_accepts_empty_meta_rdata),
		cmocka_unit_test(msg_parse_decompresses_rfc1035_example),
		cmocka_unit_test(msg_render_reproduces_rfc1035_example),
		cmocka_unit_test(msg_parse_reuses_message_struct),
		cmocka_unit_test(msg_parse_rejects_truncated_header),
		cmocka_unit_test(msg_parse_rejects_message_over_65535),
		cmocka_unit_test(msg_parse_rejects_counts_larger_than_packet),
		cmocka_unit_test(msg_parse_rejects_bad_question_names),
		cmocka_unit_test(msg_parse_rejects_truncated_question),
		cmocka_unit_test(msg_parse_rejects_bad_owner_name),
		cmocka_unit_test(msg_parse_rejects_truncated_record),
		cmocka_unit_test(msg_parse_rejects_rdlength_past_end),
		cmocka_unit_test(msg_parse_rejects_opt_outside_additional),
		cmocka_unit_test(msg_parse_rejects_opt_with_non_root_owner),
		cmocka_unit_test(msg_parse_rejects_second_opt),
		cmocka_unit_test(msg_parse_rejects_malformed_option_list),
		cmocka_unit_test(msg_parse_rejects_tsig_not_last),
		cmocka_unit_test(msg_parse_flags_qdcount_not_one),
		cmocka_unit_test(msg_parse_rejects_trailing_garbage),
		cmocka_unit_test(msg_parse_rejects_more_records_than_limit),
		cmocka_unit_test(msg_why_str_names_every_reason),
		cmocka_unit_test(msg_render_then_parse_round_trips),
		cmocka_unit_test(msg_render_drops_whole_answer_rrset_and_sets_tc),
		cmocka_unit_test(msg_render_drops_additional_without_tc),
		cmocka_unit_test(msg_render_keeps_reserved_room_for_tsig),
		cmocka_unit_test(msg_render_opt_space_is_reserved_up_front),
		cmocka_unit_test(msg_render_needs_opt_for_extended_rcode),
		cmocka_unit_test(msg_render_enforces_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
