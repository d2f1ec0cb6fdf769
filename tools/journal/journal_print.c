/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone journal print FILE`: every change as serial from -> to, -/+ RRs. */

#include "tools/journal/journal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/journal/journal.h"
#include "lib/util/errcode.h"
#include "lib/util/hex.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/changeset.h"
#include "lib/zone/zonefile.h"
#include "tools/common/msg.h"

/* Room for any RR in text: rdata of 65535 octets is at most ~4 characters
 * an octet (\DDD escapes), plus owner, TTL, class and type. */
#define LINE_MAX_LEN (4u * 65536 + 2048)

static void journal_usage(FILE *out)
{
	fprintf(out,
		"usage: dynzone journal print FILE\n\n"
		"  print  show every record of the journal FILE: a line\n"
		"         'serial FROM -> TO', then '- RR' for each record\n"
		"         removed and '+ RR' for each record added, in zone-file\n"
		"         syntax (like BIND's named-journalprint)\n\n"
		"exit status: 0 printed, 1 unreadable or corrupt, 2 usage\n");
}

/* Zone-file text of an RR; rdata the type's codec rejects is shown in the
 * RFC 3597 generic form so that a damaged record still prints. */
static int rr_text(char *line, size_t cap, const dz_rr_t *rr)
{
	int len = dz_rr_to_str(line, cap, rr->owner, rr->type, DZ_CLASS_IN,
	                       rr->ttl, rr->rdata, rr->rdlen);
	if (len != DZ_EMALF) {
		return len;
	}
	char owner[DZ_NAME_MAXSTR], type[32];
	if (dz_name_to_str(owner, sizeof(owner), rr->owner) < 0 ||
	    dz_rrtype_to_str(rr->type, type, sizeof(type)) < 0) {
		return DZ_EMALF;
	}
	len = snprintf(line, cap, "%s\t%" PRIu32 "\tIN\t%s\t\\# %u ", owner,
	               rr->ttl, type, (unsigned)rr->rdlen);
	if (len < 0 || (size_t)len >= cap) {
		return DZ_ESPACE;
	}
	int hl = dz_hex_encode(line + len, cap - (size_t)len, rr->rdata,
	                       rr->rdlen);
	return hl < 0 ? hl : len + hl;
}

static int print_change(FILE *out, char *line, const dz_changeset_t *ch)
{
	size_t nrem = dz_changeset_nremoved(ch), nadd = dz_changeset_nadded(ch);
	for (size_t i = 0; i < nrem + nadd; i++) {
		dz_rr_t rr;
		int ret = i < nrem ? dz_changeset_removed(ch, i, &rr)
		                   : dz_changeset_added(ch, i - nrem, &rr);
		if (ret == DZ_OK) {
			ret = rr_text(line, LINE_MAX_LEN, &rr);
		}
		if (ret < 0) {
			return ret;
		}
		fprintf(out, "%c %s\n", i < nrem ? '-' : '+', line);
	}
	return DZ_OK;
}

/* Print every good record; the status says whether all of them were. */
static int print_records(const char *path, dz_journal_t *j, char *line)
{
	dz_journal_iter_t it;
	dz_journal_iter_all(j, &it);
	for (unsigned n = 0;; n++) {
		uint64_t off = dz_journal_iter_offset(&it);
		uint32_t from, to;
		dz_changeset_t *ch = NULL;
		int ret = dz_journal_iter_next(&it, &from, &to, &ch);
		if (ret == DZ_ENOENT) {
			return JOURNAL_OK;
		}
		if (ret == DZ_OK) {
			printf("serial %" PRIu32 " -> %" PRIu32 "\n", from, to);
			ret = print_change(stdout, line, ch);
			dz_changeset_free(ch);
		}
		if (ret != DZ_OK) {
			(void)fflush(stdout); /* the error follows the output */
			msg_at(path, MSG_ERROR, "record %u at offset %" PRIu64
			       ": %s", n + 1, off, dz_strerror(ret));
			return JOURNAL_FAIL;
		}
	}
}

static int print_file(const char *path)
{
	dz_journal_t *j = NULL;
	dz_journal_repair_t rep;
	int ret = dz_journal_open(path, NULL, DZ_JOURNAL_RDONLY, &rep, &j);
	if (ret != DZ_OK) {
		msg_at(path, MSG_ERROR, "cannot open journal: %s",
		       dz_strerror(ret));
		return JOURNAL_FAIL;
	}
	char *line = malloc(LINE_MAX_LEN);
	int status = JOURNAL_FAIL;
	if (line == NULL) {
		msg_error("out of memory");
		goto cleanup;
	}
	status = print_records(path, j, line);
	if (status == JOURNAL_OK && rep.reason != DZ_JOURNAL_CUT_NONE) {
		/* Where the server would cut on its next start, and why. */
		(void)fflush(stdout);
		msg_at(path, MSG_ERROR,
		       "corrupt journal at offset %" PRIu64 " after record %" PRIu32
		       ": %s (%" PRIu64 " bytes unusable)",
		       rep.good_size, rep.records,
		       dz_journal_cut_str(rep.reason), rep.cut_bytes);
		status = JOURNAL_FAIL;
	}
cleanup:
	free(line);
	dz_journal_free(j);
	return status;
}

int journal_main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	                  strcmp(argv[1], "-h") == 0)) {
		journal_usage(stdout);
		return JOURNAL_OK;
	}
	if (argc != 3 || strcmp(argv[1], "print") != 0) {
		journal_usage(stderr);
		return JOURNAL_USAGE;
	}
	int status = print_file(argv[2]);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		msg_error("cannot write the output");
		return JOURNAL_FAIL;
	}
	return status;
}
