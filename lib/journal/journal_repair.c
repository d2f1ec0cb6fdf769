/* SPDX-License-Identifier: BSD-3-Clause */
/* Journal: record validation and the scan at open that finds a torn tail. */
#include "lib/journal/journal.h"

#include "lib/journal/journal_internal.h"
#include "lib/util/crc32c.h"
#include "lib/util/errcode.h"
#include "lib/zone/serial.h"

/*
 * Every octet read here comes from disk and is untrusted: a crash can leave
 * any prefix of a record, and a bad disk any pattern. A record is used only
 * if its marker, length, CRC32C and RR framing all check out and its serials
 * continue the chain; the first record that fails ends the journal, because
 * records after a lost one no longer describe a reachable zone state.
 */

/* Bounded walk over one uncompressed wire name. */
static int name_skip(const uint8_t *p, size_t len, size_t *pos)
{
	size_t start = *pos, at = *pos;
	for (;;) {
		if (at >= len) {
			return DZ_ETRUNC;
		}
		uint8_t l = p[at];
		if (l > DZ_NAME_MAXLABEL) {
			return DZ_EMALF; /* compression or reserved label type */
		}
		if (len - at < 1u + l) {
			return DZ_ETRUNC;
		}
		at += 1u + l;
		if (at - start > DZ_NAME_MAXLEN) {
			return DZ_ENAMELEN;
		}
		if (l == 0) {
			break;
		}
	}
	*pos = at;
	return DZ_OK;
}

/* Next RR at p[*pos], within p[0, len): owner, type, ttl, rdlen, rdata. */
int dz__journal_rr_next(const uint8_t *p, size_t len, size_t *pos,
                        dz_rr_t *rr)
{
	size_t at = *pos;
	int ret = name_skip(p, len, &at);
	if (ret != DZ_OK) {
		return ret;
	}
	if (len - at < JNL_RR_FIXED) {
		return DZ_ETRUNC;
	}
	uint16_t rdlen = jnl_get16(p + at + 6);
	if (len - at - JNL_RR_FIXED < rdlen) {
		return DZ_ETRUNC;
	}
	rr->owner = p + *pos;
	rr->type = jnl_get16(p + at);
	rr->ttl = jnl_get32(p + at + 2);
	rr->rdlen = rdlen;
	rr->rdata = p + at + JNL_RR_FIXED;
	*pos = at + JNL_RR_FIXED + rdlen;
	return DZ_OK;
}

/* The RRs of a record fill its body exactly. */
static bool rrs_fill(const uint8_t *rec, size_t body)
{
	uint64_t n = (uint64_t)jnl_get32(rec + 16) + jnl_get32(rec + 20);
	size_t pos = JNL_REC_HEAD;
	/* Each RR takes at least 9 octets: a bound before looping on n. */
	if (n > (body - JNL_REC_HEAD) / (1 + JNL_RR_FIXED)) {
		return false;
	}
	for (uint64_t i = 0; i < n; i++) {
		dz_rr_t rr;
		if (dz__journal_rr_next(rec, body, &pos, &rr) != DZ_OK) {
			return false;
		}
	}
	return pos == body;
}

dz_journal_cut_t dz__journal_rec_check(const uint8_t *rec, size_t len)
{
	if (len < JNL_REC_MIN || jnl_get32(rec) != JNL_REC_MARKER) {
		return DZ_JOURNAL_CUT_MARKER;
	}
	if (jnl_get32(rec + 4) != len) {
		return DZ_JOURNAL_CUT_LENGTH;
	}
	if (dz_crc32c(0, rec, len - 4) != jnl_get32(rec + len - 4)) {
		return DZ_JOURNAL_CUT_CRC;
	}
	if (!rrs_fill(rec, len - 4)) {
		return DZ_JOURNAL_CUT_FORMAT;
	}
	return DZ_JOURNAL_CUT_NONE;
}

/* Check the record at \p off; on success \p *len is its length. */
static int scan_one(dz_journal_t *j, uint64_t off, uint64_t size,
                    uint32_t *len, dz_journal_cut_t *cut)
{
	const uint8_t *p = NULL;
	uint64_t remain = size - off;
	int ret = dz__journal_view(j, off, remain < 8 ? (size_t)remain : 8, &p);
	if (ret != DZ_OK) {
		return ret;
	}
	if (remain < 4) {
		*cut = DZ_JOURNAL_CUT_SHORT;
		return DZ_OK;
	}
	if (jnl_get32(p) != JNL_REC_MARKER) {
		*cut = DZ_JOURNAL_CUT_MARKER;
		return DZ_OK;
	}
	if (remain < 8) {
		*cut = DZ_JOURNAL_CUT_SHORT;
		return DZ_OK;
	}
	uint32_t l = jnl_get32(p + 4);
	if (l < JNL_REC_MIN || l > DZ_JOURNAL_MAX_RECORD) {
		*cut = DZ_JOURNAL_CUT_LENGTH;
		return DZ_OK;
	}
	if (l > remain) {
		*cut = DZ_JOURNAL_CUT_SHORT;
		return DZ_OK;
	}
	ret = dz__journal_view(j, off, l, &p);
	if (ret != DZ_OK) {
		return ret;
	}
	*cut = dz__journal_rec_check(p, l);
	*len = l;
	return DZ_OK;
}

/* Serials of the record at \p off, checked against the chain so far. */
static dz_journal_cut_t scan_chain(dz_journal_t *j, uint64_t off,
                                   jnl_rec_t *rec)
{
	const uint8_t *p = NULL;
	if (dz__journal_view(j, off, 16, &p) != DZ_OK) {
		return DZ_JOURNAL_CUT_SHORT;
	}
	rec->from = jnl_get32(p + 8);
	rec->to = jnl_get32(p + 12);
	bool anchored = (j->hdr.flags & JNL_FLAG_ANCHORED) != 0;
	if ((j->nrecs > 0 && j->recs[j->nrecs - 1].to != rec->from) ||
	    (j->nrecs == 0 && anchored && j->hdr.anchor != rec->from) ||
	    dz_serial_cmp(rec->to, rec->from) != DZ_SERIAL_GT) {
		return DZ_JOURNAL_CUT_CHAIN;
	}
	return DZ_JOURNAL_CUT_NONE;
}

int dz__journal_scan(dz_journal_t *j, uint64_t size, dz_journal_repair_t *rep)
{
	uint64_t off = j->hdr.len;
	dz_journal_cut_t cut = DZ_JOURNAL_CUT_NONE;
	j->end = size;
	while (off < size && cut == DZ_JOURNAL_CUT_NONE) {
		uint32_t len = 0;
		int ret = scan_one(j, off, size, &len, &cut);
		if (ret != DZ_OK) {
			return ret;
		}
		jnl_rec_t rec = {.off = off, .len = len};
		if (cut == DZ_JOURNAL_CUT_NONE) {
			cut = scan_chain(j, off, &rec);
		}
		if (cut == DZ_JOURNAL_CUT_NONE) {
			ret = dz__journal_rec_push(j, &rec);
			if (ret != DZ_OK) {
				return ret;
			}
			off += len;
		}
	}
	j->ncommitted = j->nrecs;
	j->end = off;
	j->rlen = 0; /* the window may hold octets past the new end */
	*rep = (dz_journal_repair_t){
		.records = (uint32_t)j->nrecs,
		.good_size = off,
		.cut_bytes = size - off,
		.reason = cut,
	};
	return DZ_OK;
}

const char *dz_journal_cut_str(dz_journal_cut_t reason)
{
	switch (reason) {
	case DZ_JOURNAL_CUT_NONE:
		return "intact";
	case DZ_JOURNAL_CUT_SHORT:
		return "file ends inside a record";
	case DZ_JOURNAL_CUT_MARKER:
		return "bad record marker";
	case DZ_JOURNAL_CUT_LENGTH:
		return "bad record length";
	case DZ_JOURNAL_CUT_CRC:
		return "bad crc";
	case DZ_JOURNAL_CUT_FORMAT:
		return "malformed records";
	case DZ_JOURNAL_CUT_CHAIN:
		return "serials do not chain";
	}
	return "unknown";
}
