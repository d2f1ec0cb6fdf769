/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers for the update tests: UPDATE messages from readable record lines,
 * results, change sets as text. */
#pragma once

#include "tests/unit/lib/zone/zone_test_util.h"

#include "lib/update/update.h"
#include "lib/wire/msg.h"
#include "lib/zone/serial.h"

/* An UPDATE message under construction, then parsed. */
typedef struct t_msg {
	dz_msg_render_t r;
	uint8_t buf[8192];
	dz_msg_t msg;
	dz_msg_rr_t rrs[128];
} t_msg_t;

/* Start a message with \p nq zone records (normally 1, SOA, IN). */
static inline void t_begin_q(t_msg_t *m, const char *zone, uint16_t qtype,
                             uint16_t qclass, int nq)
{
	dz_msg_hdr_t hdr = {.id = 4242, .opcode = DZ_OPCODE_UPDATE};
	assert_int_equal(
	        dz_msg_render_begin(&m->r, m->buf, sizeof(m->buf), &hdr),
	        DZ_OK);
	for (int i = 0; i < nq; i++) {
		assert_int_equal(
		        dz_msg_render_question(&m->r, N(zone), qtype, qclass),
		        DZ_OK);
	}
}

static inline void t_begin(t_msg_t *m, const char *zone)
{
	t_begin_q(m, zone, DZ_RR_SOA, DZ_CLASS_IN, 1);
}

/*
 * Add "owner ttl CLASS TYPE [rdata...]" to a section; no rdata text means
 * rdlength 0 (the RFC 2136 meta forms).
 */
static inline void t_rr(t_msg_t *m, dz_msg_section_t s, const char *line)
{
	char owner[256], cls[32], type[32];
	unsigned ttl;
	int used = 0;
	uint16_t rclass, rtype;
	uint8_t rdata[2048];
	int len = 0;
	assert_int_equal(sscanf(line, "%255s %u %31s %31s %n", owner, &ttl, cls,
	                        type, &used),
	                 4);
	assert_int_equal(dz_rrclass_from_str(cls, strlen(cls), &rclass), DZ_OK);
	assert_int_equal(dz_rrtype_from_str(type, strlen(type), &rtype), DZ_OK);
	if (used > 0 && line[used] != '\0') {
		len = dz_rdata_from_str(rtype, line + used, NULL, rdata,
		                        sizeof(rdata), NULL);
		assert_true(len >= 0);
	}
	if (len > 0) {
		assert_int_equal(dz_msg_render_rr(&m->r, s, N(owner), rtype,
		                                  rclass, ttl, rdata,
		                                  (uint16_t)len),
		                 DZ_OK);
		return;
	}
	/* The renderer encodes rdata by type and refuses empty rdata for
	 * types holding names (SOA, NS...): write it as A, then patch the
	 * type (the fixed fields end the record when rdlength is 0). */
	assert_int_equal(dz_msg_render_rr(&m->r, s, N(owner), DZ_RR_A, rclass,
	                                  ttl, rdata, 0),
	                 DZ_OK);
	m->buf[m->r.pos - 10] = (uint8_t)(rtype >> 8);
	m->buf[m->r.pos - 9] = (uint8_t)rtype;
}

#define t_pre(m, line) t_rr((m), DZ_MSG_AN, (line))
#define t_upd(m, line) t_rr((m), DZ_MSG_NS, (line))

/* Finish and parse; the result lives in \p m. */
static inline const dz_msg_t *t_end(t_msg_t *m)
{
	int len = dz_msg_render_finish(&m->r);
	assert_true(len > 0);
	dz_msg_init(&m->msg, m->rrs, 128);
	assert_int_equal(dz_msg_parse(&m->msg, m->buf, (size_t)len, NULL, NULL),
	                 DZ_OK);
	return &m->msg;
}

/* Outcome of one dz_update_apply call. */
typedef struct t_res {
	int ret;
	uint16_t rcode;
	dz_zone_t *nz;
	dz_changeset_t *ch;
	dz_update_diag_t diag;
} t_res_t;

static inline void t_apply_opts(const dz_zone_t *z, const dz_msg_t *msg,
                                const dz_update_opts_t *o, t_res_t *res)
{
	res->nz = NULL;
	res->ch = NULL;
	res->rcode = 0xffff;
	res->ret = dz_update_apply(z, msg, o, &res->nz, &res->ch, &res->rcode,
	                           &res->diag);
	if (res->ret != DZ_OK) {
		/* Failure writes nothing but rcode and diag. */
		assert_null(res->nz);
		assert_null(res->ch);
	}
}

static inline void t_apply(const dz_zone_t *z, const dz_msg_t *msg,
                           t_res_t *res)
{
	t_apply_opts(z, msg, NULL, res);
}

static inline void t_res_clear(t_res_t *res)
{
	dz_zone_unref(res->nz);
	dz_changeset_free(res->ch);
	res->nz = NULL;
	res->ch = NULL;
}

static inline uint32_t t_serial(const dz_zone_t *z)
{
	uint32_t s = 0;
	assert_int_equal(dz_zone_serial(z, &s), DZ_OK);
	return s;
}

/* A change set record as "owner ttl TYPE rdata" (rotating buffers). */
static inline const char *t_cs_line(const dz_changeset_t *ch, bool added,
                                    size_t i)
{
	static char buf[4][2048];
	static unsigned next;
	char *dst = buf[next++ % 4];
	char own[DZ_NAME_MAXSTR], type[DZ_RRTYPE_MAXSTR], rd[768];
	dz_rr_t rr;
	int ret = added ? dz_changeset_added(ch, i, &rr)
	                : dz_changeset_removed(ch, i, &rr);
	assert_int_equal(ret, DZ_OK);
	assert_true(dz_name_to_str(own, sizeof(own), rr.owner) > 0);
	assert_true(dz_rrtype_to_str(rr.type, type, sizeof(type)) > 0);
	assert_true(dz_rdata_to_str(rr.type, rr.rdata, rr.rdlen, rd,
	                            sizeof(rd)) >= 0);
	(void)snprintf(dst, 2048, "%s %u %s %s", own, rr.ttl, type, rd);
	return dst;
}
