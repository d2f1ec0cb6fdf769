/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone update`: build the UPDATE message, send it to the primary and explain the outcome. */
#include "tools/update/update_internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rrtype.h"

/* Our EDNS payload size (the DNS flag day 2020 value). */
#define UPDATE_EDNS_UDP 1232
/* Primaries tried in turn when located through the MNAME. */
#define UPDATE_MAX_ADDRS 16

void update_session_init(update_session_t *s)
{
	memset(s, 0, sizeof(*s));
	s->rclass = DZ_CLASS_IN;
	s->port = 53;
}

void update_session_reset_msg(update_session_t *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->rr[i].rdata);
	}
	s->count = 0;
}

void update_session_clear(update_session_t *s)
{
	update_session_reset_msg(s);
	free(s->rr);
	free(s->answer);
	s->rr = NULL;
	s->answer = NULL;
	s->cap = 0;
	s->answer_len = 0;
}

/* ---- building ------------------------------------------------------------ */

static int build_records(const update_session_t *s, dz_msg_render_t *r,
			 bool prereq)
{
	dz_msg_section_t sec = prereq ? DZ_MSG_AN : DZ_MSG_NS;
	for (size_t i = 0; i < s->count; i++) {
		const update_rr_t *rr = &s->rr[i];
		if (rr->prereq != prereq) {
			continue;
		}
		/* RFC 2136 meta forms have rdlen 0 (class ANY/NONE). */
		int ret = dz_msg_render_rr(r, sec, rr->owner, rr->type,
					   rr->rclass, rr->ttl, rr->rdata,
					   rr->rdlen);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	return DZ_OK;
}

int update_build(const update_session_t *s, const uint8_t *zone, uint16_t id,
		 uint8_t *buf, size_t cap, size_t reserve)
{
	dz_msg_hdr_t hdr = {.id = id, .opcode = DZ_OPCODE_UPDATE};
	dz_edns_out_t opt = {.udp_size = UPDATE_EDNS_UDP};
	dz_msg_render_t r;
	int ret = dz_msg_render_begin(&r, buf, cap, &hdr);
	if (ret == DZ_OK && zone != NULL) {
		/* RFC 2136 §2.3: the zone section is one SOA "question". */
		ret = dz_msg_render_question(&r, zone, DZ_RR_SOA, s->rclass);
	}
	if (ret == DZ_OK) {
		ret = dz_msg_render_opt(&r, &opt);
	}
	if (ret == DZ_OK && reserve > 0) {
		ret = dz_msg_render_reserve(&r, reserve);
	}
	if (ret == DZ_OK) {
		ret = build_records(s, &r, true);
	}
	if (ret == DZ_OK) {
		ret = build_records(s, &r, false);
	}
	return ret == DZ_OK ? dz_msg_render_finish(&r) : ret;
}

void update_show(const update_session_t *s)
{
	uint8_t *buf = malloc(DZ_MSG_MAX_SIZE);
	if (buf == NULL) {
		fprintf(stderr, "out of memory\n");
		return;
	}
	int n = update_build(s, s->has_zone ? s->zone : NULL, 0, buf,
			     DZ_MSG_MAX_SIZE, 0);
	if (n < 0) {
		fprintf(stderr, "show: cannot build the message: %s\n",
			dz_strerror(n));
	} else {
		printf("Outgoing update query:\n");
		update_print_msg(stdout, buf, (size_t)n);
	}
	free(buf);
	fflush(stdout);
}

void update_answer(const update_session_t *s)
{
	if (s->answer == NULL) {
		return;
	}
	printf("Answer:\n");
	update_print_msg(stdout, s->answer, s->answer_len);
	fflush(stdout);
}

/* ---- reporting ----------------------------------------------------------- */

static void keep_answer(update_session_t *s, const uint8_t *reply, size_t len)
{
	uint8_t *copy = malloc(len);
	if (copy == NULL) {
		return; /* `answer` then shows the previous one: not worth failing */
	}
	memcpy(copy, reply, len);
	free(s->answer);
	s->answer = copy;
	s->answer_len = len;
}

/* RFC 8914: print the EXTRA-TEXT of each Extended DNS Error as the reason. */
static void print_reasons(const dz_msg_t *m)
{
	dz_edns_iter_t it;
	uint16_t code, len;
	const uint8_t *data;
	if (!m->edns.present) {
		return;
	}
	dz_edns_iter_init(&it, &m->edns, m->pkt);
	while (dz_edns_opt_next(&it, &code, &data, &len) == DZ_OK) {
		uint16_t info;
		const char *text;
		size_t tlen;
		if (code == DZ_EDNS_OPT_EDE &&
		    dz_edns_ede_get(data, len, &info, &text, &tlen) == DZ_OK &&
		    tlen > 0) {
			fprintf(stderr, "reason: %.*s\n", (int)tlen, text);
		}
	}
}

static int report_msg(const update_session_t *s, const char *a, dz_msg_t *m,
		      const uint8_t *reply, const client_result_t *res);

/* The usual cause of each TSIG error the server reports (RFC 8945 §5.2):
 * a key name or algorithm it does not know, another secret, a skewed clock. */
static void print_tsig_hint(const update_session_t *s, uint16_t error)
{
	char name[DZ_NAME_MAXSTR];
	if (dz_name_to_str(name, sizeof(name), s->key.name) < 0) {
		snprintf(name, sizeof(name), "?");
	}
	const char *alg = dz_tsig_alg_to_str(s->key.alg);
	switch (error) {
	case DZ_TSIG_BADKEY:
		fprintf(stderr, "reason: the server has no key %s with "
			"algorithm %s\n", name, alg);
		break;
	case DZ_TSIG_BADSIG:
		fprintf(stderr, "reason: the server's secret for key %s is "
			"not ours (signature did not verify)\n", name);
		break;
	case DZ_TSIG_BADTIME:
		fprintf(stderr, "reason: our clock and the server's differ by "
			"more than the fudge (%u s)\n", DZ_TSIG_FUDGE_DEFAULT);
		break;
	default:
		break;
	}
}

static int report(const update_session_t *s, const client_addr_t *to,
		  const uint8_t *reply, const client_result_t *res)
{
	dz_msg_t m;
	char a[CLIENT_ADDR_MAXSTR];
	client_addr_to_str(to, a, sizeof(a));
	dz_msg_rr_t *rrs = calloc(DZ_MSG_DEFAULT_MAX_RRS, sizeof(*rrs));
	if (rrs == NULL) {
		fprintf(stderr, "update failed: out of memory\n");
		return 2;
	}
	dz_msg_init(&m, rrs, DZ_MSG_DEFAULT_MAX_RRS);
	int ret = report_msg(s, a, &m, reply, res);
	free(rrs);
	return ret;
}

static int report_msg(const update_session_t *s, const char *a, dz_msg_t *m,
		      const uint8_t *reply, const client_result_t *res)
{
	if (dz_msg_parse(m, reply, res->len, NULL, NULL) != DZ_OK) {
		fprintf(stderr, "update failed: malformed reply from %s\n", a);
		return 2;
	}
	uint16_t rcode = dz_msg_rcode(m);
	if (rcode == DZ_RCODE_NOERROR && res->tsig_error == 0) {
		if (s->verbose) {
			fprintf(stderr, ";; update succeeded: NOERROR from %s "
				"over %s%s\n", a, res->tcp ? "TCP" : "UDP",
				res->tsig_checked ? ", TSIG verified" : "");
		}
		return 0;
	}
	if (res->tsig_error != 0) {
		fprintf(stderr, "update failed: %s(%s)\n",
			client_rcode_str(rcode),
			client_rcode_str(res->tsig_error));
		print_tsig_hint(s, res->tsig_error);
	} else {
		fprintf(stderr, "update failed: %s\n", client_rcode_str(rcode));
	}
	print_reasons(m);
	return 2;
}

/* ---- sending ------------------------------------------------------------- */

/* Send to one address; 0 done (reported), 2 failed after a reply, -1 no
 * reply (the caller may try the next address). */
static int send_to(update_session_t *s, const client_addr_t *to,
		   const uint8_t *zone, uint8_t *buf, uint8_t *reply)
{
	uint16_t id;
	char a[CLIENT_ADDR_MAXSTR];
	client_result_t res;
	client_opts_t o = s->copts;
	o.key = s->has_key ? &s->key : NULL;
	o.local = s->has_local ? &s->local : NULL;
	if (getrandom(&id, sizeof(id), 0) != sizeof(id)) {
		id = (uint16_t)rand();
	}
	size_t reserve = o.key != NULL ? dz_tsig_wire_size(o.key, 0) : 0;
	int n = update_build(s, zone, id, buf, DZ_MSG_MAX_SIZE, reserve);
	if (n < 0) {
		fprintf(stderr, "update failed: cannot build the message: %s\n",
			dz_strerror(n));
		return 2;
	}
	client_addr_to_str(to, a, sizeof(a));
	if (s->verbose) {
		fprintf(stderr, ";; sending update to %s\n", a);
	}
	if (s->debug) {
		printf("Outgoing update query:\n");
		update_print_msg(stdout, buf, (size_t)n);
	}
	int ret = client_exchange(&o, to, buf, (size_t)n, DZ_MSG_MAX_SIZE,
				  reply, &res);
	if (ret != DZ_OK) {
		fprintf(stderr, "; communication with %s failed: %s\n", a,
			res.err);
		return ret == DZ_EACCES || ret == DZ_EMALF ? 2 : -1;
	}
	if (s->verbose && res.truncated_udp) {
		fprintf(stderr, ";; reply from %s truncated, retried over TCP\n",
			a);
	}
	keep_answer(s, reply, res.len);
	if (s->debug) {
		update_answer(s);
	}
	return report(s, to, reply, &res);
}

/* Try each address in turn until one replies (RFC 2136 §4). */
static int send_each(update_session_t *s, const client_addr_t *addrs,
		     size_t count, const uint8_t *zone, uint8_t *buf,
		     uint8_t *reply)
{
	for (size_t i = 0; i < count; i++) {
		int ret = send_to(s, &addrs[i], zone, buf, reply);
		if (ret >= 0) {
			return ret;
		}
	}
	fprintf(stderr, "update failed: no address answers\n");
	return 2;
}

static int send_located(update_session_t *s, uint8_t *buf, uint8_t *reply)
{
	uint8_t zone[DZ_NAME_MAXLEN];
	client_addr_t addrs[UPDATE_MAX_ADDRS];
	size_t count = 0;
	if (update_locate(s, zone, addrs, UPDATE_MAX_ADDRS, &count) != DZ_OK) {
		return 2;
	}
	return send_each(s, addrs, count, zone, buf, reply);
}

/* `server` given: its address, or its host name's addresses. */
static int send_direct(update_session_t *s, uint8_t *buf, uint8_t *reply)
{
	uint8_t zone[DZ_NAME_MAXLEN];
	client_addr_t addrs[UPDATE_MAX_ADDRS];
	size_t count = 1;
	addrs[0] = s->server;
	if (s->server_is_name &&
	    update_resolve_host(s, "server", s->server_name, s->server_port,
				addrs, UPDATE_MAX_ADDRS, &count) != DZ_OK) {
		return 2;
	}
	if (s->has_zone) {
		dz_name_copy(zone, s->zone);
	} else if (update_find_zone(s, &addrs[0], zone, NULL) != DZ_OK) {
		return 2;
	}
	return send_each(s, addrs, count, zone, buf, reply);
}

int update_send(update_session_t *s)
{
	uint8_t *buf = malloc(DZ_MSG_MAX_SIZE);
	uint8_t *reply = malloc(CLIENT_REPLY_MAX);
	int ret = 2;
	if (buf == NULL || reply == NULL) {
		fprintf(stderr, "update failed: out of memory\n");
	} else if (s->has_server) {
		ret = send_direct(s, buf, reply);
	} else {
		ret = send_located(s, buf, reply);
	}
	free(buf);
	free(reply);
	update_session_reset_msg(s);
	return ret;
}
