/* SPDX-License-Identifier: BSD-3-Clause */
/* Journal: dropping the oldest records by an atomic rewrite (trim). */
#include "lib/journal/journal.h"

#include <stdlib.h>
#include <sys/file.h>
#include <unistd.h>

#include "lib/journal/journal_internal.h"
#include "lib/util/errcode.h"

/* Copy in pieces so a large journal does not need a large buffer. */
#define JNL_COPY_CHUNK (1u << 20)

/* Index of the first record to keep, or ncommitted to drop them all. */
static int keep_index(const dz_journal_t *j, uint32_t keep_from, size_t *out)
{
	size_t n = j->ncommitted;
	bool anchored = (j->hdr.flags & JNL_FLAG_ANCHORED) != 0;
	if ((n > 0 && j->recs[n - 1].to == keep_from) ||
	    (n == 0 && anchored && j->hdr.anchor == keep_from)) {
		*out = n;
		return DZ_OK;
	}
	/* The newest occurrence, as dz_journal_find() uses. */
	for (size_t i = n; i-- > 0;) {
		if (j->recs[i].from == keep_from) {
			*out = i;
			return DZ_OK;
		}
	}
	return DZ_ENOENT;
}

/* Copy the committed octets [from, end) to \p fd at \p dst. */
static int copy_tail(dz_journal_t *j, uint64_t from, int fd, uint64_t dst)
{
	while (from < j->end) {
		uint64_t left = j->end - from;
		size_t n = left < JNL_COPY_CHUNK ? (size_t)left : JNL_COPY_CHUNK;
		const uint8_t *p = NULL;
		int ret = dz__journal_view(j, from, n, &p);
		if (ret == DZ_OK) {
			ret = dz__journal_write_all(fd, p, n, dst);
		}
		if (ret != DZ_OK) {
			return ret;
		}
		from += n;
		dst += n;
	}
	return DZ_OK;
}

/* Point the journal at the new file whose records start at \p base. */
static void adopt(dz_journal_t *j, int fd, const jnl_hdr_t *hdr, size_t keep)
{
	uint64_t base = keep < j->ncommitted ? j->recs[keep].off : j->end;
	size_t n = j->ncommitted - keep;
	for (size_t i = 0; i < n; i++) {
		j->recs[i] = j->recs[keep + i];
		j->recs[i].off = j->recs[i].off - base + hdr->len;
	}
	j->nrecs = j->ncommitted = n;
	j->end = j->end - base + hdr->len;
	j->hdr = *hdr;
	j->rlen = 0; /* offsets changed: the window is stale */
	close(j->fd);
	j->fd = fd;
}

int dz_journal_trim(dz_journal_t *j, uint32_t keep_from)
{
	if (j->rdonly) {
		return DZ_ENOTSUP;
	}
	if (j->nrecs != j->ncommitted || j->wflushed > 0 || j->need_cut) {
		return DZ_EINVAL;
	}
	size_t keep = 0;
	int ret = keep_index(j, keep_from, &keep);
	if (ret != DZ_OK || keep == 0) {
		return ret; /* nothing older than keep_from */
	}
	jnl_hdr_t hdr = j->hdr;
	hdr.flags |= JNL_FLAG_ANCHORED;
	hdr.anchor = keep_from;
	jnl_tmp_t t = {.fd = -1};
	ret = dz__journal_tmp_begin(j->path, &hdr, &t);
	if (ret != DZ_OK) {
		return ret;
	}
	uint64_t base = keep < j->ncommitted ? j->recs[keep].off : j->end;
	ret = copy_tail(j, base, t.fd, hdr.len);
	/* Locked before it takes the journal's name. */
	if (ret == DZ_OK && flock(t.fd, LOCK_EX | LOCK_NB) != 0) {
		ret = dz_errno();
	}
	if (ret != DZ_OK) {
		dz__journal_tmp_abort(&t);
		return ret;
	}
	ret = dz__journal_tmp_commit(&t, j->path);
	if (t.fd < 0) {
		return ret; /* not renamed: the old journal is untouched */
	}
	adopt(j, t.fd, &hdr, keep);
	return ret;
}
