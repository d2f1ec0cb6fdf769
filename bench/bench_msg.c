/* SPDX-License-Identifier: BSD-3-Clause */
/* Micro-benchmark: message parse, render, and parse+render rates (messages/s) over realistic packets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"

/* Each phase runs for about this long (and at most MAX_ITERS messages). */
#define PHASE_SECONDS 1.0
#define MAX_ITERS 50000000UL
#define NQUERIES 8

typedef struct {
	const char *owner;
	uint16_t type;
	dz_msg_section_t sec;
	const char *name_rdata; /* NS/CNAME/MX target, or NULL */
	const uint8_t *raw;
	uint16_t rawlen;
} rec_t;

/* A typical authoritative answer: 10 records over three sections. */
static const rec_t answer[] = {
	{"www.example.com.", DZ_RR_CNAME, DZ_MSG_AN, "web.example.com.", NULL, 0},
	{"web.example.com.", DZ_RR_A, DZ_MSG_AN, NULL, (const uint8_t *)"\xC0\0\2\1", 4},
	{"web.example.com.", DZ_RR_A, DZ_MSG_AN, NULL, (const uint8_t *)"\xC0\0\2\2", 4},
	{"example.com.", DZ_RR_NS, DZ_MSG_NS, "ns1.example.com.", NULL, 0},
	{"example.com.", DZ_RR_NS, DZ_MSG_NS, "ns2.example.com.", NULL, 0},
	{"example.com.", DZ_RR_NS, DZ_MSG_NS, "ns.example.net.", NULL, 0},
	{"ns1.example.com.", DZ_RR_A, DZ_MSG_AR, NULL, (const uint8_t *)"\xC0\0\2\x35", 4},
	{"ns1.example.com.", DZ_RR_AAAA, DZ_MSG_AR, NULL,
	 (const uint8_t *)"\x20\1\xd\xb8\0\0\0\0\0\0\0\0\0\0\0\x35", 16},
	{"ns2.example.com.", DZ_RR_A, DZ_MSG_AR, NULL, (const uint8_t *)"\xC0\0\2\x36", 4},
	{"ns2.example.com.", DZ_RR_AAAA, DZ_MSG_AR, NULL,
	 (const uint8_t *)"\x20\1\xd\xb8\0\0\0\0\0\0\0\0\0\0\0\x36", 16},
};
#define NANSWER (sizeof(answer) / sizeof(answer[0]))

typedef struct {
	uint8_t owner[DZ_NAME_MAXLEN];
	uint8_t rdata[DZ_NAME_MAXLEN];
	uint16_t rdlen;
} prep_t;

static prep_t prepared[NANSWER];

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int ret)
{
	fprintf(stderr, "bench_msg: %s: %s\n", what, dz_strerror(ret));
	exit(1);
}

static void name_of(uint8_t *dst, const char *s)
{
	int ret = dz_name_from_str(dst, s, strlen(s), NULL);
	if (ret < 0) {
		die(s, ret);
	}
}

static void prepare(void)
{
	for (size_t i = 0; i < NANSWER; i++) {
		name_of(prepared[i].owner, answer[i].owner);
		if (answer[i].name_rdata != NULL) {
			name_of(prepared[i].rdata, answer[i].name_rdata);
			prepared[i].rdlen =
				(uint16_t)dz_name_len(prepared[i].rdata);
		} else {
			memcpy(prepared[i].rdata, answer[i].raw,
			       answer[i].rawlen);
			prepared[i].rdlen = answer[i].rawlen;
		}
	}
}

/* A query as a resolver sends it: half with EDNS (DO on some). */
static int make_query(uint8_t *buf, size_t cap, unsigned i)
{
	static const char *const names[NQUERIES] = {
		"www.example.com.", "example.com.", "mail.example.com.",
		"_sip._udp.example.com.", "a.b.c.d.example.com.",
		"WWW.EXAMPLE.COM.", "host-17.dyn.example.com.", "ns1.example.com."};
	static const uint16_t types[NQUERIES] = {
		DZ_RR_A, DZ_RR_SOA, DZ_RR_MX, DZ_RR_SRV, DZ_RR_AAAA, DZ_RR_A,
		DZ_RR_TXT, DZ_RR_AAAA};
	uint8_t qname[DZ_NAME_MAXLEN];
	dz_msg_hdr_t h = {.id = (uint16_t)(0x1000 + i), .rd = true};
	dz_edns_out_t eo = {.udp_size = 1232,
	                    .flags = (i & 2) ? DZ_EDNS_DO : 0};
	dz_msg_render_t r;
	name_of(qname, names[i]);
	dz_msg_render_begin(&r, buf, cap, &h);
	dz_msg_render_question(&r, qname, types[i], DZ_CLASS_IN);
	if (i & 1) {
		dz_msg_render_opt(&r, &eo);
	}
	return dz_msg_render_finish(&r);
}

/* Render the 10-record answer to the query in \p q. */
static int render_answer(const dz_msg_t *q, uint8_t *buf, size_t cap)
{
	dz_msg_hdr_t h = q->hdr;
	dz_msg_render_t r;
	dz_edns_out_t eo = {.udp_size = 1232};
	int ret;

	h.qr = true;
	h.aa = true;
	if ((ret = dz_msg_render_begin(&r, buf, cap, &h)) != DZ_OK ||
	    (ret = dz_msg_render_question(&r, q->qname, q->qtype,
	                                  q->qclass)) != DZ_OK) {
		return ret;
	}
	if (q->edns.present && (ret = dz_msg_render_opt(&r, &eo)) != DZ_OK) {
		return ret;
	}
	for (size_t i = 0; i < NANSWER; i++) {
		dz_msg_rdata_t rd = {prepared[i].rdata, prepared[i].rdlen};
		ret = dz_msg_render_rrset(&r, answer[i].sec, prepared[i].owner,
		                          answer[i].type, DZ_CLASS_IN, 3600,
		                          &rd, 1);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return dz_msg_render_finish(&r);
}

/* Records of an AXFR message: as many as fit 64 KiB (RFC 5936 §2.2),
 * distinct owners under one origin, MX targets among them. */
#define AXFR_NAMES 2000
static uint8_t axfr_owner[AXFR_NAMES][DZ_NAME_MAXLEN];

static void prepare_axfr(void)
{
	char s[64];
	for (unsigned i = 0; i < AXFR_NAMES; i++) {
		snprintf(s, sizeof(s), "h%u.sub%u.bench.test.", i * 7919 % 100000,
		         i % 7);
		name_of(axfr_owner[i], s);
	}
}

/* One AXFR message: A and MX records until the buffer is full. */
static int render_axfr(uint8_t *buf, size_t cap)
{
	dz_msg_hdr_t h = {.id = 1, .qr = true, .aa = true};
	dz_msg_render_t r;
	uint8_t mx[2 + DZ_NAME_MAXLEN] = {0, 10};
	int ret = dz_msg_render_begin(&r, buf, cap, &h);
	if (ret == DZ_OK) {
		ret = dz_msg_render_question(&r, axfr_owner[0], DZ_RR_AXFR,
		                             DZ_CLASS_IN);
	}
	for (unsigned i = 0; ret == DZ_OK && i < AXFR_NAMES; i++) {
		const uint8_t *o = axfr_owner[i];
		ret = dz_msg_render_rr(&r, DZ_MSG_AN, o, DZ_RR_A, DZ_CLASS_IN,
		                       3600, (const uint8_t *)"\12\0\0\1", 4);
		if (ret == DZ_OK && i % 4 == 0) {
			const uint8_t *t = axfr_owner[(i * 31) % AXFR_NAMES];
			size_t tl = dz_name_copy(mx + 2, t);
			ret = dz_msg_render_rr(&r, DZ_MSG_AN, o, DZ_RR_MX,
			                       DZ_CLASS_IN, 3600, mx,
			                       (uint16_t)(tl + 2));
		}
	}
	if (ret != DZ_OK && ret != DZ_ESPACE) {
		return ret;
	}
	return dz_msg_render_finish(&r);
}

typedef struct {
	uint8_t pkt[NQUERIES + 1][1232];
	size_t len[NQUERIES + 1]; /* queries, then one response */
	dz_msg_t msg;
	dz_msg_rr_t rr[64];
	uint8_t out[1232];
	uint8_t axfr[DZ_MSG_MAX_SIZE];
} bench_t;

/* Run \p step until PHASE_SECONDS pass; print and return messages/s. */
static double phase(const char *label, bench_t *b,
                    int (*step)(bench_t *b, unsigned long i))
{
	unsigned long n = 0;
	double start = now(), end = start;

	while (n < MAX_ITERS) {
		for (unsigned k = 0; k < 1024; k++, n++) {
			int ret = step(b, n);
			if (ret < 0) {
				die(label, ret);
			}
		}
		end = now();
		if (end - start >= PHASE_SECONDS) {
			break;
		}
	}
	double rate = (double)n / (end - start);
	printf("%-14s %12.0f messages/s\n", label, rate);
	return rate;
}

/* Parse: the queries plus the response, one in three a response. */
static int step_parse(bench_t *b, unsigned long i)
{
	unsigned k = (i % 3 == 2) ? NQUERIES : (unsigned)(i % NQUERIES);
	return dz_msg_parse(&b->msg, b->pkt[k], b->len[k], NULL, NULL);
}

static int step_render(bench_t *b, unsigned long i)
{
	(void)i;
	return render_answer(&b->msg, b->out, sizeof(b->out));
}

static int step_both(bench_t *b, unsigned long i)
{
	unsigned k = (unsigned)(i % NQUERIES);
	int ret = dz_msg_parse(&b->msg, b->pkt[k], b->len[k], NULL, NULL);
	return ret < 0 ? ret : render_answer(&b->msg, b->out, sizeof(b->out));
}

static int step_axfr(bench_t *b, unsigned long i)
{
	(void)i;
	return render_axfr(b->axfr, sizeof(b->axfr));
}

int main(void)
{
	static bench_t b;
	int ret;

	prepare();
	prepare_axfr();
	dz_msg_init(&b.msg, b.rr, 64);
	for (unsigned i = 0; i < NQUERIES; i++) {
		ret = make_query(b.pkt[i], sizeof(b.pkt[i]), i);
		if (ret < 0) {
			die("query", ret);
		}
		b.len[i] = (size_t)ret;
	}
	if ((ret = dz_msg_parse(&b.msg, b.pkt[1], b.len[1], NULL, NULL)) < 0 ||
	    (ret = render_answer(&b.msg, b.pkt[NQUERIES], 1232)) < 0) {
		die("response", ret);
	}
	b.len[NQUERIES] = (size_t)ret;
	printf("response: %d octets, %zu records\n", ret, NANSWER + 1);

	phase("parse", &b, step_parse);
	phase("render", &b, step_render);
	phase("parse+render", &b, step_both);
	if ((ret = render_axfr(b.axfr, sizeof(b.axfr))) < 0) {
		die("axfr", ret);
	}
	printf("axfr message: %d octets\n", ret);
	phase("axfr-render", &b, step_axfr);
	return 0;
}
