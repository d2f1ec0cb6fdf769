/* SPDX-License-Identifier: BSD-3-Clause */
/* Journal: open, file header, index lookups and the record iterator. */
#include "lib/journal/journal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/journal/journal_internal.h"
#include "lib/util/crc32c.h"
#include "lib/util/errcode.h"
#include "lib/zone/changeset.h"

/* Reads go through a window of at least this many octets, so the scan at
 * open costs one read() per window rather than one per record. */
#define JNL_WINDOW (1u << 20)

/* ------------------------------------------------------------------------
 * Reading octets
 */

static int window_fill(dz_journal_t *j, uint64_t off, size_t len)
{
	size_t want = len > JNL_WINDOW ? len : JNL_WINDOW;
	if (j->rcap < want) {
		uint8_t *nb = realloc(j->rbuf, want);
		if (nb == NULL) {
			return DZ_ENOMEM;
		}
		j->rbuf = nb;
		j->rcap = want;
	}
	/* Only committed octets are cached: they never change in place. */
	uint64_t avail = j->end - off;
	size_t take = avail < j->rcap ? (size_t)avail : j->rcap;
	size_t got = 0;
	j->rlen = 0;
	while (got < take) {
		ssize_t r = pread(j->fd, j->rbuf + got, take - got,
		                  (off_t)(off + got));
		if (r < 0) {
			return dz_errno();
		}
		if (r == 0) {
			break; /* the file shrank under us */
		}
		got += (size_t)r;
	}
	j->roff = off;
	j->rlen = got;
	return got >= len ? DZ_OK : DZ_ETRUNC;
}

/* Pointer to \p len committed octets at \p off, valid until the next call. */
int dz__journal_view(dz_journal_t *j, uint64_t off, size_t len,
                     const uint8_t **out)
{
	if (off > j->end || j->end - off < len) {
		return DZ_ETRUNC;
	}
	if (j->mem != NULL) {
		*out = j->mem + off;
		return DZ_OK;
	}
	if (off < j->roff || off - j->roff > j->rlen ||
	    j->rlen - (off - j->roff) < len) {
		int ret = window_fill(j, off, len);
		if (ret != DZ_OK) {
			return ret;
		}
	}
	*out = j->rbuf + (off - j->roff);
	return DZ_OK;
}

/* ------------------------------------------------------------------------
 * File header
 */

int dz__journal_hdr_decode(const uint8_t *buf, size_t len, jnl_hdr_t *hdr)
{
	if (len < JNL_HDR_FIXED || memcmp(buf, JNL_MAGIC, 4) != 0) {
		return DZ_EMALF;
	}
	jnl_hdr_t h = {0};
	h.version = jnl_get16(buf + 4);
	if (h.version != JNL_VERSION) {
		return DZ_ENOTSUP;
	}
	h.rclass = jnl_get16(buf + 6);
	h.flags = jnl_get32(buf + 8);
	h.anchor = jnl_get32(buf + 12);
	h.created = (uint64_t)jnl_get32(buf + 16) << 32 | jnl_get32(buf + 20);
	size_t olen = buf[JNL_HDR_FIXED - 1];
	h.len = (uint32_t)(JNL_HDR_FIXED + olen + 4);
	if (olen == 0 || olen > DZ_NAME_MAXLEN || len < h.len) {
		return DZ_EMALF;
	}
	if (dz_crc32c(0, buf, h.len - 4) != jnl_get32(buf + h.len - 4)) {
		return DZ_EMALF;
	}
	/* The origin must be a well-formed wire name filling its field. */
	size_t pos = 0;
	while (pos < olen && buf[JNL_HDR_FIXED + pos] != 0) {
		if (buf[JNL_HDR_FIXED + pos] > DZ_NAME_MAXLABEL) {
			return DZ_EMALF;
		}
		pos += 1u + buf[JNL_HDR_FIXED + pos];
	}
	if (pos + 1 != olen) {
		return DZ_EMALF;
	}
	memcpy(h.origin, buf + JNL_HDR_FIXED, olen);
	*hdr = h;
	return DZ_OK;
}

static int hdr_load(dz_journal_t *j, uint64_t size, const uint8_t *origin)
{
	const uint8_t *p = NULL;
	size_t len = size < JNL_HDR_MAX ? (size_t)size : JNL_HDR_MAX;
	j->end = size; /* lets the header be read through the window */
	int ret = dz__journal_view(j, 0, len, &p);
	if (ret != DZ_OK) {
		return DZ_EMALF;
	}
	ret = dz__journal_hdr_decode(p, len, &j->hdr);
	if (ret != DZ_OK) {
		return ret;
	}
	if (origin != NULL && !dz_name_equal(origin, j->hdr.origin)) {
		return DZ_EOUTZONE;
	}
	return DZ_OK;
}

/* ------------------------------------------------------------------------
 * Open and close
 */

int dz__journal_rec_push(dz_journal_t *j, const jnl_rec_t *rec)
{
	if (j->nrecs == j->reccap) {
		size_t cap = j->reccap ? 2 * j->reccap : 64;
		jnl_rec_t *nr = realloc(j->recs, cap * sizeof(*nr));
		if (nr == NULL) {
			return DZ_ENOMEM;
		}
		j->recs = nr;
		j->reccap = cap;
	}
	j->recs[j->nrecs++] = *rec;
	return DZ_OK;
}

static int journal_alloc(const char *path, dz_journal_t **out)
{
	dz_journal_t *j = calloc(1, sizeof(*j));
	if (j == NULL) {
		return DZ_ENOMEM;
	}
	j->fd = -1;
	if (path != NULL && (j->path = strdup(path)) == NULL) {
		free(j);
		return DZ_ENOMEM;
	}
	*out = j;
	return DZ_OK;
}

/* Load the header and index the records; cut a bad tail if writable. */
static int journal_load(dz_journal_t *j, uint64_t size, const uint8_t *origin,
                        dz_journal_repair_t *repair)
{
	int ret = hdr_load(j, size, origin);
	if (ret != DZ_OK) {
		return ret;
	}
	dz_journal_repair_t rep = {0};
	ret = dz__journal_scan(j, size, &rep);
	if (ret != DZ_OK) {
		return ret;
	}
	if (rep.cut_bytes > 0 && !j->rdonly) {
		if (ftruncate(j->fd, (off_t)rep.good_size) != 0 ||
		    fdatasync(j->fd) != 0) {
			return dz_errno();
		}
		rep.truncated = true;
	}
	if (repair != NULL) {
		*repair = rep;
	}
	return DZ_OK;
}

/* Open the file, creating it (atomically) when allowed and missing/empty. */
static int journal_open_fd(dz_journal_t *j, const uint8_t *origin,
                           unsigned flags)
{
	int oflags = (j->rdonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	j->fd = open(j->path, oflags);
	if (j->fd < 0 && errno != ENOENT) {
		return dz_errno();
	}
	struct stat st;
	if (j->fd >= 0 && fstat(j->fd, &st) != 0) {
		return dz_errno();
	}
	bool fresh = j->fd < 0 || st.st_size == 0;
	if (!fresh) {
		return DZ_OK;
	}
	if (!(flags & DZ_JOURNAL_CREATE) || j->rdonly || origin == NULL) {
		return j->fd < 0 ? DZ_ENOENT : DZ_EMALF;
	}
	jnl_hdr_t hdr = {.version = JNL_VERSION, .rclass = 1};
	hdr.created = (uint64_t)time(NULL);
	dz_name_copy(hdr.origin, origin);
	jnl_tmp_t t = {.fd = -1};
	int ret = dz__journal_tmp_begin(j->path, &hdr, &t);
	if (ret == DZ_OK) {
		ret = dz__journal_tmp_commit(&t, j->path);
	}
	if (ret != DZ_OK) {
		if (t.fd >= 0) {
			close(t.fd); /* renamed, but its folder is not durable */
		}
		return ret;
	}
	if (j->fd >= 0) {
		close(j->fd);
	}
	j->fd = t.fd;
	return DZ_OK;
}

int dz_journal_open(const char *path, const uint8_t *origin, unsigned flags,
                    dz_journal_repair_t *repair, dz_journal_t **out)
{
	if (path == NULL || out == NULL) {
		return DZ_EINVAL;
	}
	dz_journal_t *j = NULL;
	int ret = journal_alloc(path, &j);
	if (ret != DZ_OK) {
		return ret;
	}
	j->rdonly = (flags & DZ_JOURNAL_RDONLY) != 0;
	ret = journal_open_fd(j, origin, flags);
	if (ret != DZ_OK) {
		goto cleanup;
	}
	/* One writer per journal: a second server on the same data folder
	 * must not interleave records with ours. */
	if (!j->rdonly && flock(j->fd, LOCK_EX | LOCK_NB) != 0) {
		ret = dz_errno();
		goto cleanup;
	}
	struct stat st;
	if (fstat(j->fd, &st) != 0) {
		ret = dz_errno();
		goto cleanup;
	}
	ret = journal_load(j, (uint64_t)st.st_size, origin, repair);
cleanup:
	if (ret != DZ_OK) {
		dz_journal_free(j);
		return ret;
	}
	*out = j;
	return DZ_OK;
}

int dz_journal_open_buf(const uint8_t *buf, size_t len, const uint8_t *origin,
                        dz_journal_repair_t *repair, dz_journal_t **out)
{
	if ((buf == NULL && len > 0) || out == NULL) {
		return DZ_EINVAL;
	}
	dz_journal_t *j = NULL;
	int ret = journal_alloc(NULL, &j);
	if (ret != DZ_OK) {
		return ret;
	}
	static const uint8_t empty[1];
	j->mem = buf != NULL ? buf : empty;
	j->memlen = len;
	j->rdonly = true;
	ret = journal_load(j, len, origin, repair);
	if (ret != DZ_OK) {
		dz_journal_free(j);
		return ret;
	}
	*out = j;
	return DZ_OK;
}

void dz_journal_free(dz_journal_t *j)
{
	if (j == NULL) {
		return;
	}
	if (j->fd >= 0) {
		/* An unsynced batch must not survive us half written. */
		if (j->wflushed > 0 || j->need_cut) {
			(void)dz_journal_abort(j);
		}
		close(j->fd);
	}
	free(j->path);
	free(j->recs);
	free(j->wbuf);
	free(j->rbuf);
	free(j);
}

/* ------------------------------------------------------------------------
 * Queries
 */

const uint8_t *dz_journal_origin(const dz_journal_t *j)
{
	return j->hdr.origin;
}

uint64_t dz_journal_size(const dz_journal_t *j)
{
	return j->end;
}

void dz_journal_info(const dz_journal_t *j, dz_journal_info_t *info)
{
	dz_journal_info_t in = {
		.records = (uint32_t)j->ncommitted,
		.size = j->end,
		.created = j->hdr.created,
	};
	if (j->ncommitted > 0) {
		in.has_serial = true;
		in.first = j->recs[0].from;
		in.last = j->recs[j->ncommitted - 1].to;
	} else if (j->hdr.flags & JNL_FLAG_ANCHORED) {
		in.has_serial = true;
		in.first = in.last = j->hdr.anchor;
	}
	*info = in;
}

int dz_journal_find(dz_journal_t *j, uint32_t serial, dz_journal_iter_t *it)
{
	size_t n = j->ncommitted;
	bool anchored = (j->hdr.flags & JNL_FLAG_ANCHORED) != 0;
	/* Up to date: the newest serial is followed by nothing. */
	if ((n > 0 && j->recs[n - 1].to == serial) ||
	    (n == 0 && anchored && j->hdr.anchor == serial)) {
		*it = (dz_journal_iter_t){.j = j, .pos = n, .end = n};
		return DZ_OK;
	}
	for (size_t i = n; i-- > 0;) {
		if (j->recs[i].from == serial) {
			*it = (dz_journal_iter_t){.j = j, .pos = i, .end = n};
			return DZ_OK;
		}
	}
	return DZ_ENOENT;
}

void dz_journal_iter_all(dz_journal_t *j, dz_journal_iter_t *it)
{
	*it = (dz_journal_iter_t){.j = j, .pos = 0, .end = j->ncommitted};
}

uint64_t dz_journal_iter_offset(const dz_journal_iter_t *it)
{
	const dz_journal_t *j = it->j;
	if (it->pos < it->end && it->pos < j->ncommitted) {
		return j->recs[it->pos].off;
	}
	return j->end;
}

/* ------------------------------------------------------------------------
 * Records
 */

static int rec_decode(const uint8_t *rec, size_t len, dz_changeset_t *ch)
{
	uint32_t nrem = jnl_get32(rec + 16);
	uint32_t nadd = jnl_get32(rec + 20);
	size_t body = len - 4, pos = JNL_REC_HEAD;
	for (uint64_t i = 0; i < (uint64_t)nrem + nadd; i++) {
		dz_rr_t rr;
		int ret = dz__journal_rr_next(rec, body, &pos, &rr);
		if (ret != DZ_OK) {
			return ret;
		}
		ret = i < nrem ? dz_changeset_add_removed(ch, rr.owner, rr.type,
		                                          rr.ttl, rr.rdata,
		                                          rr.rdlen)
		               : dz_changeset_add_added(ch, rr.owner, rr.type,
		                                        rr.ttl, rr.rdata,
		                                        rr.rdlen);
		if (ret != DZ_OK) {
			return ret == DZ_EINVAL ? DZ_EMALF : ret;
		}
	}
	return pos == body ? DZ_OK : DZ_EMALF;
}

int dz_journal_iter_next(dz_journal_iter_t *it, uint32_t *serial_from,
                         uint32_t *serial_to, dz_changeset_t **ch)
{
	dz_journal_t *j = it->j;
	if (it->pos >= it->end || it->pos >= j->ncommitted) {
		return DZ_ENOENT;
	}
	const jnl_rec_t *r = &j->recs[it->pos];
	const uint8_t *rec = NULL;
	int ret = dz__journal_view(j, r->off, r->len, &rec);
	if (ret != DZ_OK) {
		return ret == DZ_ETRUNC ? DZ_EMALF : ret;
	}
	/* Checked again: the disk may have rotted since the open. */
	if (dz__journal_rec_check(rec, r->len) != DZ_JOURNAL_CUT_NONE) {
		return DZ_EMALF;
	}
	dz_changeset_t *cs = NULL;
	ret = dz_changeset_new(&cs);
	if (ret != DZ_OK) {
		return ret;
	}
	ret = rec_decode(rec, r->len, cs);
	if (ret != DZ_OK) {
		dz_changeset_free(cs);
		return ret;
	}
	*serial_from = r->from;
	*serial_to = r->to;
	*ch = cs;
	it->pos++;
	return DZ_OK;
}
