/* SPDX-License-Identifier: BSD-3-Clause */
/* Outgoing transfers: AXFR (RFC 5936) and IXFR (RFC 1995) answers rendered
 * message by message. */
#include "lib/xfr/xfr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "lib/xfr/xfr_internal.h"
#include "lib/zone/changeset.h"
#include "lib/zone/serial.h"
#include "lib/zone/zone.h"

/*
 * The answer is a stream of records produced by a cursor: load() works out
 * the next record (moving the position past it) and keeps it pending in
 * x->cur until a message took it. Records are borrowed from the zone
 * version or from the change sets, so nothing is allocated per record; a
 * record that did not fit stays pending for the next message.
 */

typedef enum phase {
	PH_FIRST_SOA = 0,
	PH_BODY,  /* the zone's other RRsets (AXFR, AXFR-style) */
	PH_STEPS, /* the difference sequences (IXFR) */
	PH_LAST_SOA,
	PH_DONE,
} phase_t;

/* Position inside one difference sequence (RFC 1995 §4). */
typedef enum sub {
	SUB_OLD_SOA = 0,
	SUB_REMOVED,
	SUB_NEW_SOA,
	SUB_ADDED,
} sub_t;

struct dz_xfr_out {
	dz_zone_t *zone; /* our reference */
	dz_xfr_kind_t kind;
	bool condensed;
	dz_changeset_t *net; /* the condensed difference, owned */
	dz_xfr_step_t one;   /* the single step wrapping net */
	const dz_xfr_step_t *steps;
	size_t nsteps;

	/* What the messages repeat from the query. */
	uint16_t id;
	bool rd;
	uint16_t qtype, qclass;
	uint8_t qname[DZ_NAME_MAXLEN];
	bool has_opt;
	dz_edns_out_t opt;

	dz_rr_t soa; /* the zone's SOA record */

	/* Cursor. */
	phase_t phase;
	const dz_node_t *apex;
	dz_zone_iter_t zit;
	const dz_node_t *node; /* NULL: take the next node */
	unsigned set_idx;
	bool set_open;
	dz_rrset_t set;
	dz_rdata_iter_t rit;
	size_t step, idx, soa_rem, soa_add;
	sub_t sub;
	bool have;
	dz_rr_t cur;

	size_t fill; /* stop adding records once a message is this long */

	dz_xfr_stats_t stats;
};

/*
 * Stream messages are filled to about 16 KiB, as Knot does, not to 64 KiB:
 * a compression pointer reaches only the first 0x4000 octets (RFC 1035
 * §4.1.4), so names further in a message can neither be pointed to nor
 * shorten later owners, and the transfer grows. The record that crosses
 * the mark still goes in (a message is never refused for it), so a record
 * of any size up to the caller's cap fits.
 */
#define XFR_MSG_FILL 16384

/* --- cursor --------------------------------------------------------------- */

/* Next record of the zone body: every RRset but the apex SOA. */
static bool load_body(dz_xfr_out_t *x)
{
	const uint8_t *rd;
	uint16_t len;

	for (;;) {
		if (x->node == NULL) {
			if (!dz_zone_iter_next(&x->zit, &x->node)) {
				return false;
			}
			x->set_idx = 0;
			x->set_open = false;
		}
		if (!x->set_open) {
			if (dz_node_rrset_at(x->node, x->set_idx, &x->set) !=
			    DZ_OK) {
				x->node = NULL;
				continue;
			}
			if (x->node == x->apex && x->set.type == DZ_RR_SOA) {
				x->set_idx++;
				continue;
			}
			dz_rrset_iter(&x->set, &x->rit);
			x->set_open = true;
		}
		if (dz_rrset_next(&x->rit, &rd, &len)) {
			x->cur = (dz_rr_t){x->set.owner, x->set.type,
			                   x->set.ttl, rd, len};
			return true;
		}
		x->set_open = false;
		x->set_idx++;
	}
}

/* The i-th removal or addition of the current step. */
static void step_rr(dz_xfr_out_t *x, bool added, size_t i)
{
	const dz_changeset_t *ch = x->steps[x->step].ch;
	(void)(added ? dz_changeset_added(ch, i, &x->cur)
	             : dz_changeset_removed(ch, i, &x->cur));
}

/* Next record of a list of the current step, skipping its SOA. */
static bool step_list(dz_xfr_out_t *x, bool added)
{
	const dz_changeset_t *ch = x->steps[x->step].ch;
	size_t n = added ? dz_changeset_nadded(ch) : dz_changeset_nremoved(ch);
	size_t skip = added ? x->soa_add : x->soa_rem;

	if (x->idx == skip) {
		x->idx++;
	}
	if (x->idx >= n) {
		return false;
	}
	step_rr(x, added, x->idx++);
	return true;
}

/* Next record of the difference sequences: old SOA, removals, new SOA,
 * additions, step after step. */
static bool load_steps(dz_xfr_out_t *x)
{
	const uint8_t *origin = dz_zone_origin(x->zone);
	uint32_t s;

	while (x->step < x->nsteps) {
		const dz_changeset_t *ch = x->steps[x->step].ch;
		switch (x->sub) {
		case SUB_OLD_SOA:
			/* Checked at init: both SOAs are there. */
			(void)dz__xfr_find_soa(ch, origin, false, &x->soa_rem,
			                       &s);
			(void)dz__xfr_find_soa(ch, origin, true, &x->soa_add,
			                       &s);
			step_rr(x, false, x->soa_rem);
			x->sub = SUB_REMOVED;
			x->idx = 0;
			return true;
		case SUB_REMOVED:
			if (step_list(x, false)) {
				return true;
			}
			step_rr(x, true, x->soa_add);
			x->sub = SUB_ADDED;
			x->idx = 0;
			return true;
		default:
			if (step_list(x, true)) {
				return true;
			}
			x->step++;
			x->sub = SUB_OLD_SOA;
		}
	}
	return false;
}

/* x->cur holds a record waiting for a message. */
static bool pend(dz_xfr_out_t *x)
{
	x->have = true;
	return true;
}

/* Make x->cur the next record to send; false at the end. */
static bool load(dz_xfr_out_t *x)
{
	if (x->have) {
		return true;
	}
	for (;;) {
		switch (x->phase) {
		case PH_FIRST_SOA:
			x->cur = x->soa;
			x->phase = x->kind == DZ_XFR_UPTODATE ? PH_DONE
			           : x->kind == DZ_XFR_IXFR   ? PH_STEPS
			                                      : PH_BODY;
			return pend(x);
		case PH_BODY:
		case PH_STEPS:
			if (x->phase == PH_BODY ? load_body(x)
			                        : load_steps(x)) {
				return pend(x);
			}
			x->phase = PH_LAST_SOA;
			continue;
		case PH_LAST_SOA:
			x->cur = x->soa;
			x->phase = PH_DONE;
			return pend(x);
		default:
			return false;
		}
	}
}

/* --- construction --------------------------------------------------------- */

static int out_new(const dz_zone_t *zone, const dz_msg_t *query,
                   dz_xfr_out_t **out)
{
	dz_rrset_t soa;
	dz_rdata_iter_t it;

	if (query->qname_len == 0) {
		return DZ_EINVAL;
	}
	if (dz_zone_soa(zone, &soa) != DZ_OK || soa.count == 0) {
		return DZ_ENOSOA;
	}
	dz_xfr_out_t *x = calloc(1, sizeof(*x));
	if (x == NULL) {
		return DZ_ENOMEM;
	}
	x->zone = dz_zone_ref(zone);
	x->id = query->hdr.id;
	x->rd = query->hdr.rd;
	x->qtype = query->qtype;
	x->qclass = query->qclass;
	memcpy(x->qname, query->qname, query->qname_len);
	dz_rrset_iter(&soa, &it);
	x->soa.owner = soa.owner;
	x->soa.type = DZ_RR_SOA;
	x->soa.ttl = soa.ttl;
	(void)dz_rrset_next(&it, &x->soa.rdata, &x->soa.rdlen);
	x->apex = dz_zone_apex(zone);
	x->fill = XFR_MSG_FILL;
	dz_zone_iter_init(&x->zit, zone);
	*out = x;
	return DZ_OK;
}

int dz_xfr_out_axfr_new(const dz_zone_t *zone, const dz_msg_t *query,
                        dz_xfr_out_t **out)
{
	dz_xfr_out_t *x;
	int ret = out_new(zone, query, &x);
	if (ret != DZ_OK) {
		return ret;
	}
	x->kind = DZ_XFR_AXFR;
	*out = x;
	return DZ_OK;
}

/* Condense when that sends fewer records (RFC 1995 §5 leaves the choice to
 * the server); the two outer SOAs are the same in both forms. */
static int maybe_condense(dz_xfr_out_t *x, unsigned flags)
{
	size_t full = 0;
	dz_changeset_t *net;

	if (x->nsteps < 2 || (flags & DZ_XFR_NO_CONDENSE) != 0) {
		return DZ_OK;
	}
	int ret = dz_xfr_out_condense(x->steps, x->nsteps, &net);
	if (ret != DZ_OK) {
		return ret;
	}
	for (size_t i = 0; i < x->nsteps; i++) {
		full += dz_changeset_nremoved(x->steps[i].ch) +
		        dz_changeset_nadded(x->steps[i].ch);
	}
	if (dz_changeset_nremoved(net) + dz_changeset_nadded(net) >= full) {
		dz_changeset_free(net);
		return DZ_OK;
	}
	x->net = net;
	x->one = (dz_xfr_step_t){x->steps[0].from, x->steps[x->nsteps - 1].to,
	                         net};
	x->steps = &x->one;
	x->nsteps = 1;
	x->condensed = true;
	return DZ_OK;
}

/* Pick the form of an IXFR answer (RFC 1995 §2 and §4). */
static int ixfr_choose(dz_xfr_out_t *x, uint32_t client_serial,
                       const dz_xfr_step_t *steps, size_t nsteps,
                       unsigned flags)
{
	uint32_t serial;
	int ret = dz_zone_serial(x->zone, &serial);
	if (ret != DZ_OK) {
		return ret;
	}
	int cmp = dz_serial_cmp(client_serial, serial);
	if (cmp == DZ_SERIAL_EQ || cmp == DZ_SERIAL_GT) {
		x->kind = DZ_XFR_UPTODATE;
		return DZ_OK;
	}
	if (!dz__xfr_steps_chain(steps, nsteps, dz_zone_origin(x->zone),
	                         client_serial, serial)) {
		x->kind = DZ_XFR_AXFR_STYLE;
		return DZ_OK;
	}
	x->kind = DZ_XFR_IXFR;
	x->steps = steps;
	x->nsteps = nsteps;
	return maybe_condense(x, flags);
}

int dz_xfr_out_ixfr_new(const dz_zone_t *zone, const dz_msg_t *query,
                        uint32_t client_serial, const dz_xfr_step_t *steps,
                        size_t nsteps, unsigned flags, dz_xfr_out_t **out)
{
	dz_xfr_out_t *x;
	int ret = out_new(zone, query, &x);
	if (ret != DZ_OK) {
		return ret;
	}
	ret = ixfr_choose(x, client_serial, steps, nsteps, flags);
	if (ret != DZ_OK) {
		dz_xfr_out_free(x);
		return ret;
	}
	*out = x;
	return DZ_OK;
}

int dz_xfr_out_ixfr_serial(const dz_msg_t *query, uint32_t *serial)
{
	uint8_t owner[DZ_NAME_MAXLEN], rd[2 * DZ_NAME_MAXLEN + 20];
	uint32_t n;
	const dz_msg_rr_t *ns = dz_msg_section(query, DZ_MSG_NS, &n);

	for (uint32_t i = 0; i < n && query->qname_len > 0; i++) {
		if (ns[i].type != DZ_RR_SOA ||
		    dz_msg_rr_owner(query, &ns[i], owner) < 0 ||
		    !dz_name_equal(owner, query->qname)) {
			continue;
		}
		int len = dz_msg_rr_rdata(query, &ns[i], rd, sizeof(rd));
		if (len < 0) {
			return DZ_EMALF;
		}
		return dz__xfr_soa_serial(rd, (size_t)len, serial);
	}
	return DZ_ENOSOA;
}

int dz_xfr_out_set_opt(dz_xfr_out_t *x, const dz_edns_out_t *opt)
{
	if (x->stats.messages != 0) {
		return DZ_EINVAL;
	}
	x->opt = *opt;
	x->has_opt = true;
	return DZ_OK;
}

void dz_xfr_out_free(dz_xfr_out_t *x)
{
	if (x == NULL) {
		return;
	}
	dz_zone_unref(x->zone);
	dz_changeset_free(x->net);
	free(x);
}

dz_xfr_kind_t dz_xfr_out_kind(const dz_xfr_out_t *x)
{
	return x->kind;
}

bool dz_xfr_out_condensed(const dz_xfr_out_t *x)
{
	return x->condensed;
}

void dz_xfr_out_stats(const dz_xfr_out_t *x, dz_xfr_stats_t *stats)
{
	*stats = x->stats;
}

/* --- rendering ------------------------------------------------------------ */

/* Header, question (first message only, as BIND does), OPT, TSIG room. */
static int begin_msg(const dz_xfr_out_t *x, dz_msg_render_t *r, uint8_t *buf,
                     size_t cap, size_t reserve, bool question)
{
	dz_msg_hdr_t hdr = {.id = x->id,
	                    .qr = true,
	                    .aa = true,
	                    .rd = x->rd,
	                    .opcode = DZ_OPCODE_QUERY};
	int ret = dz_msg_render_begin(r, buf, cap, &hdr);
	if (ret == DZ_OK && question) {
		ret = dz_msg_render_question(r, x->qname, x->qtype, x->qclass);
	}
	if (ret == DZ_OK && x->has_opt) {
		ret = dz_msg_render_opt(r, &x->opt);
	}
	if (ret == DZ_OK && reserve > 0) {
		ret = dz_msg_render_reserve(r, reserve);
	}
	return ret == DZ_OK ? DZ_OK : DZ_ESPACE;
}

static int put_cur(dz_msg_render_t *r, const dz_rr_t *rr)
{
	return dz_msg_render_rr(r, DZ_MSG_AN, rr->owner, rr->type, DZ_CLASS_IN,
	                        rr->ttl, rr->rdata, rr->rdlen);
}

int dz_xfr_out_next(dz_xfr_out_t *x, uint8_t *buf, size_t cap, size_t reserve)
{
	dz_msg_render_t r;
	uint32_t n = 0;

	if (!load(x)) {
		return 0;
	}
	int ret = begin_msg(x, &r, buf, cap, reserve, x->stats.messages == 0);
	while (ret == DZ_OK && r.pos < x->fill && load(x)) {
		ret = put_cur(&r, &x->cur);
		if (ret == DZ_OK) {
			x->have = false;
			n++;
		}
	}
	/* A record that does not fit waits for the next message; the message
	 * is full (or at 65535 records). */
	if (ret != DZ_OK &&
	    !(n > 0 && (ret == DZ_ESPACE || ret == DZ_ELIMIT))) {
		return ret == DZ_ELIMIT ? DZ_ESPACE : ret;
	}
	int len = dz_msg_render_finish(&r);
	if (len > 0) {
		x->stats.messages++;
		x->stats.records += n;
		x->stats.bytes += (uint64_t)len;
	}
	return len;
}

int dz_xfr_out_ixfr_udp(const dz_zone_t *zone, const dz_msg_t *query,
                        uint32_t client_serial, const dz_xfr_step_t *steps,
                        size_t nsteps, uint8_t *buf, size_t cap, size_t reserve,
                        dz_xfr_kind_t *kind)
{
	dz_xfr_out_t *x;
	int ret = dz_xfr_out_ixfr_new(zone, query, client_serial, steps, nsteps,
	                              0, &x);
	if (ret != DZ_OK) {
		return ret;
	}
	x->fill = SIZE_MAX; /* one datagram: as full as the client allows */
	int len = dz_xfr_out_next(x, buf, cap, reserve);
	/* RFC 1995 §2: the whole answer in one datagram, or not at all. */
	if (len > 0 && load(x)) {
		len = DZ_ESPACE;
	}
	if (len > 0 && kind != NULL) {
		*kind = x->kind;
	}
	dz_xfr_out_free(x);
	return len;
}

int dz_xfr_out_soa(const dz_zone_t *zone, const dz_msg_t *query, bool tc,
                   uint8_t *buf, size_t cap, size_t reserve)
{
	dz_xfr_out_t *x;
	dz_msg_render_t r;
	int ret = out_new(zone, query, &x);
	if (ret != DZ_OK) {
		return ret;
	}
	ret = begin_msg(x, &r, buf, cap, reserve, true);
	if (ret == DZ_OK) {
		ret = put_cur(&r, &x->soa);
	}
	if (ret == DZ_OK) {
		r.hdr.tc = tc;
		ret = dz_msg_render_finish(&r);
	}
	dz_xfr_out_free(x);
	return ret;
}
