/* SPDX-License-Identifier: BSD-3-Clause */
/* Messages as dig-like text, with RFC 2136's section names for UPDATE (what `show` and `answer` print). */
#include "tools/update/update_internal.h"

#include <stdlib.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"

static const char *opcode_str(uint8_t op)
{
	switch (op) {
	case DZ_OPCODE_QUERY:
		return "QUERY";
	case DZ_OPCODE_NOTIFY:
		return "NOTIFY";
	case DZ_OPCODE_UPDATE:
		return "UPDATE";
	default:
		return "OPCODE?";
	}
}

static void print_header(FILE *out, const dz_msg_t *m)
{
	const dz_msg_hdr_t *h = &m->hdr;
	bool upd = h->opcode == DZ_OPCODE_UPDATE;
	fprintf(out, ";; ->>HEADER<<- opcode: %s, status: %s, id: %6u\n",
		opcode_str(h->opcode), client_rcode_str(dz_msg_rcode(m)), h->id);
	fprintf(out, ";; flags:%s%s%s%s%s%s%s; %s: %u, %s: %u, %s: %u, "
		"ADDITIONAL: %u\n", h->qr ? " qr" : "", h->aa ? " aa" : "",
		h->tc ? " tc" : "", h->rd ? " rd" : "", h->ra ? " ra" : "",
		h->ad ? " ad" : "", h->cd ? " cd" : "",
		upd ? "ZONE" : "QUERY", h->qdcount,
		upd ? "PREREQ" : "ANSWER", h->ancount,
		upd ? "UPDATE" : "AUTHORITY", h->nscount, h->arcount);
}

static void print_edns(FILE *out, const dz_msg_t *m)
{
	dz_edns_iter_t it;
	uint16_t code, len;
	const uint8_t *data;
	fprintf(out, ";; OPT PSEUDOSECTION:\n; EDNS: version: %u, flags:%s; "
		"udp: %u\n", m->edns.version,
		(m->edns.flags & DZ_EDNS_DO) != 0 ? " do" : "",
		m->edns.udp_size);
	dz_edns_iter_init(&it, &m->edns, m->pkt);
	while (dz_edns_opt_next(&it, &code, &data, &len) == DZ_OK) {
		uint16_t info;
		const char *text;
		size_t tlen;
		if (code == DZ_EDNS_OPT_EDE &&
		    dz_edns_ede_get(data, len, &info, &text, &tlen) == DZ_OK) {
			fprintf(out, "; EDE: %u: (%.*s)\n", info, (int)tlen,
				text);
		} else {
			fprintf(out, "; OPT=%u: %u octets\n", code, len);
		}
	}
}

static void print_rr(FILE *out, const dz_msg_t *m, const dz_msg_rr_t *rr,
		     uint8_t *rdbuf, char *text)
{
	uint8_t owner[DZ_NAME_MAXLEN];
	char name[DZ_NAME_MAXSTR], type[DZ_RRTYPE_MAXSTR], cls[DZ_RRTYPE_MAXSTR];
	if (dz_msg_rr_owner(m, rr, owner) < 0 ||
	    dz_name_to_str(name, sizeof(name), owner) < 0) {
		snprintf(name, sizeof(name), "?");
	}
	dz_rrtype_to_str(rr->type, type, sizeof(type));
	dz_rrclass_to_str(rr->rclass, cls, sizeof(cls));
	text[0] = '\0';
	int n = dz_msg_rr_rdata(m, rr, rdbuf, DZ_RDATA_MAXLEN);
	if (n > 0 && dz_rdata_to_str(rr->type, rdbuf, (size_t)n, text,
				     8 * DZ_RDATA_MAXLEN) < 0) {
		snprintf(text, 64, "; unreadable rdata");
	}
	fprintf(out, "%s\t\t%u\t%s\t%s\t%s\n", name, rr->ttl, cls, type, text);
}

static void print_section(FILE *out, const dz_msg_t *m, dz_msg_section_t sec,
			  const char *title, uint8_t *rdbuf, char *text)
{
	uint32_t n;
	const dz_msg_rr_t *rr = dz_msg_section(m, sec, &n);
	uint32_t shown = 0;
	for (uint32_t i = 0; i < n; i++) {
		int32_t idx = (int32_t)(rr + i - m->rr);
		if (idx == m->opt_idx) {
			continue;
		}
		if (shown++ == 0) {
			fprintf(out, ";; %s SECTION:\n", title);
		}
		print_rr(out, m, &rr[i], rdbuf, text);
	}
	if (shown > 0) {
		fputc('\n', out);
	}
}

static void print_body(FILE *out, const dz_msg_t *m, uint8_t *rdbuf,
		       char *text)
{
	bool upd = m->hdr.opcode == DZ_OPCODE_UPDATE;
	if (m->edns.present) {
		print_edns(out, m);
	}
	if (m->qname_len > 0) {
		char q[DZ_NAME_MAXSTR], t[DZ_RRTYPE_MAXSTR], c[DZ_RRTYPE_MAXSTR];
		(void)dz_name_to_str(q, sizeof(q), m->qname);
		dz_rrtype_to_str(m->qtype, t, sizeof(t));
		dz_rrclass_to_str(m->qclass, c, sizeof(c));
		fprintf(out, ";; %s SECTION:\n;%s\t\t\t%s\t%s\n\n",
			upd ? "ZONE" : "QUESTION", q, c, t);
	}
	print_section(out, m, DZ_MSG_AN, upd ? "PREREQUISITE" : "ANSWER", rdbuf,
		      text);
	print_section(out, m, DZ_MSG_NS, upd ? "UPDATE" : "AUTHORITY", rdbuf,
		      text);
	print_section(out, m, DZ_MSG_AR, "ADDITIONAL", rdbuf, text);
}

void update_print_msg(FILE *out, const uint8_t *pkt, size_t len)
{
	dz_msg_t m;
	dz_msg_rr_t *rrs = calloc(DZ_MSG_DEFAULT_MAX_RRS, sizeof(*rrs));
	uint8_t *rdbuf = malloc(DZ_RDATA_MAXLEN);
	char *text = malloc(8 * DZ_RDATA_MAXLEN);
	dz_msg_diag_t diag = {0};
	if (rrs == NULL || rdbuf == NULL || text == NULL) {
		fprintf(out, ";; out of memory\n");
		goto cleanup;
	}
	dz_msg_init(&m, rrs, DZ_MSG_DEFAULT_MAX_RRS);
	int ret = dz_msg_parse(&m, pkt, len, NULL, &diag);
	if (ret != DZ_OK) {
		fprintf(out, ";; malformed message: %s at offset %zu\n",
			dz_msg_why_str(diag.why), diag.offset);
		goto cleanup;
	}
	print_header(out, &m);
	print_body(out, &m, rdbuf, text);
cleanup:
	free(rrs);
	free(rdbuf);
	free(text);
}
