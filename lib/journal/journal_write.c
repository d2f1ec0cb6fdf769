/* SPDX-License-Identifier: BSD-3-Clause */
/* Journal: file creation, record encoding, batched append and group commit. */
#include "lib/journal/journal.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/journal/journal_internal.h"
#include "lib/util/crc32c.h"
#include "lib/util/errcode.h"
#include "lib/zone/changeset.h"
#include "lib/zone/serial.h"

/* ------------------------------------------------------------------------
 * Files
 */

size_t dz__journal_hdr_encode(uint8_t *buf, const jnl_hdr_t *hdr)
{
	size_t olen = dz_name_len(hdr->origin);
	memcpy(buf, JNL_MAGIC, 4);
	jnl_put16(buf + 4, hdr->version);
	jnl_put16(buf + 6, hdr->rclass);
	jnl_put32(buf + 8, hdr->flags);
	jnl_put32(buf + 12, hdr->anchor);
	jnl_put32(buf + 16, (uint32_t)(hdr->created >> 32));
	jnl_put32(buf + 20, (uint32_t)hdr->created);
	jnl_put32(buf + 24, 0);
	buf[JNL_HDR_FIXED - 1] = (uint8_t)olen;
	memcpy(buf + JNL_HDR_FIXED, hdr->origin, olen);
	size_t len = JNL_HDR_FIXED + olen;
	jnl_put32(buf + len, dz_crc32c(0, buf, len));
	return len + 4;
}

int dz__journal_write_all(int fd, const uint8_t *buf, size_t len, uint64_t off)
{
	while (len > 0) {
		ssize_t w = pwrite(fd, buf, len, (off_t)off);
		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			return dz_errno();
		}
		if (w == 0) {
			return DZ_EIO;
		}
		buf += w;
		len -= (size_t)w;
		off += (uint64_t)w;
	}
	return DZ_OK;
}

/* fsync() the folder holding \p path so a rename in it is durable. */
static int fsync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? strdup(".")
	                          : strndup(path, slash == path ? 1 : (size_t)(slash - path));
	if (dir == NULL) {
		return DZ_ENOMEM;
	}
	int ret = DZ_OK;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		ret = dz_errno();
	}
	if (fd >= 0) {
		close(fd);
	}
	free(dir);
	return ret;
}

int dz__journal_tmp_begin(const char *path, const jnl_hdr_t *hdr, jnl_tmp_t *t)
{
	size_t plen = strlen(path) + sizeof(".tmp.XXXXXX");
	char *name = malloc(plen);
	if (name == NULL) {
		return DZ_ENOMEM;
	}
	snprintf(name, plen, "%s.tmp.XXXXXX", path);
	int fd = mkostemp(name, O_CLOEXEC);
	if (fd < 0) {
		int ret = dz_errno();
		free(name);
		return ret;
	}
	*t = (jnl_tmp_t){.fd = fd, .name = name};
	uint8_t buf[JNL_HDR_MAX];
	size_t len = dz__journal_hdr_encode(buf, hdr);
	int ret = dz__journal_write_all(fd, buf, len, 0);
	if (ret != DZ_OK) {
		dz__journal_tmp_abort(t);
	}
	return ret;
}

int dz__journal_tmp_commit(jnl_tmp_t *t, const char *path)
{
	int ret = DZ_OK;
	if (fsync(t->fd) != 0 || rename(t->name, path) != 0) {
		ret = dz_errno();
		dz__journal_tmp_abort(t);
		return ret;
	}
	free(t->name);
	t->name = NULL;
	/* The new file is in place; only its name's durability is pending.
	 * Report a failure, but the caller keeps the (now current) fd. */
	return fsync_dir(path);
}

void dz__journal_tmp_abort(jnl_tmp_t *t)
{
	if (t->fd >= 0) {
		close(t->fd);
		t->fd = -1;
	}
	if (t->name != NULL) {
		(void)unlink(t->name); /* best effort: a stray temp is harmless */
		free(t->name);
		t->name = NULL;
	}
}

/* ------------------------------------------------------------------------
 * Record encoding
 */

static int rec_size(const dz_changeset_t *ch, size_t *out)
{
	size_t nrem = dz_changeset_nremoved(ch), nadd = dz_changeset_nadded(ch);
	if (nrem > UINT32_MAX || nadd > UINT32_MAX) {
		return DZ_ELIMIT;
	}
	uint64_t len = JNL_REC_MIN;
	for (size_t i = 0; i < nrem + nadd; i++) {
		dz_rr_t rr;
		int ret = i < nrem ? dz_changeset_removed(ch, i, &rr)
		                   : dz_changeset_added(ch, i - nrem, &rr);
		if (ret != DZ_OK) {
			return ret;
		}
		len += dz_name_len(rr.owner) + JNL_RR_FIXED + rr.rdlen;
		if (len > DZ_JOURNAL_MAX_RECORD) {
			return DZ_ELIMIT;
		}
	}
	*out = (size_t)len;
	return DZ_OK;
}

static size_t rr_encode(uint8_t *p, const dz_rr_t *rr)
{
	size_t olen = dz_name_len(rr->owner);
	memcpy(p, rr->owner, olen);
	jnl_put16(p + olen, rr->type);
	jnl_put32(p + olen + 2, rr->ttl);
	jnl_put16(p + olen + 6, rr->rdlen);
	if (rr->rdlen > 0) {
		memcpy(p + olen + JNL_RR_FIXED, rr->rdata, rr->rdlen);
	}
	return olen + JNL_RR_FIXED + rr->rdlen;
}

/* Write the record into \p p (exactly \p len octets, from rec_size). */
static void rec_encode(uint8_t *p, size_t len, uint32_t from, uint32_t to,
                       const dz_changeset_t *ch)
{
	size_t nrem = dz_changeset_nremoved(ch), nadd = dz_changeset_nadded(ch);
	jnl_put32(p, JNL_REC_MARKER);
	jnl_put32(p + 4, (uint32_t)len);
	jnl_put32(p + 8, from);
	jnl_put32(p + 12, to);
	jnl_put32(p + 16, (uint32_t)nrem);
	jnl_put32(p + 20, (uint32_t)nadd);
	size_t pos = JNL_REC_HEAD;
	for (size_t i = 0; i < nrem + nadd; i++) {
		dz_rr_t rr;
		/* Cannot fail: rec_size() fetched the same indexes. */
		(void)(i < nrem ? dz_changeset_removed(ch, i, &rr)
		                : dz_changeset_added(ch, i - nrem, &rr));
		pos += rr_encode(p + pos, &rr);
	}
	jnl_put32(p + pos, dz_crc32c(0, p, pos));
}

/* ------------------------------------------------------------------------
 * Batches
 */

/* Forget the batch and put the file back to its committed size. */
static int batch_rollback(dz_journal_t *j)
{
	j->nrecs = j->ncommitted;
	j->wlen = 0;
	j->wflushed = 0;
	if (ftruncate(j->fd, (off_t)j->end) != 0) {
		/* Keep the journal refusing writes until the cut succeeds:
		 * otherwise a shorter batch could leave an old, valid-looking
		 * record of the failed batch after it. */
		j->need_cut = true;
		return dz_errno();
	}
	j->need_cut = false;
	return DZ_OK;
}

/* Write the batch octets buffered so far after those already written. */
static int batch_write(dz_journal_t *j)
{
	if (j->wlen == 0) {
		return DZ_OK;
	}
	int ret = dz__journal_write_all(j->fd, j->wbuf, j->wlen,
	                                j->end + j->wflushed);
	if (ret != DZ_OK) {
		return ret;
	}
	j->wflushed += j->wlen;
	j->wlen = 0;
	return DZ_OK;
}

static uint32_t last_serial(const dz_journal_t *j, bool *have)
{
	*have = true;
	if (j->nrecs > 0) {
		return j->recs[j->nrecs - 1].to;
	}
	*have = (j->hdr.flags & JNL_FLAG_ANCHORED) != 0;
	return j->hdr.anchor;
}

static int wbuf_reserve(dz_journal_t *j, size_t more)
{
	if (j->wcap - j->wlen >= more) {
		return DZ_OK;
	}
	size_t cap = j->wcap ? j->wcap : 4096;
	while (cap - j->wlen < more) {
		cap *= 2;
	}
	uint8_t *nb = realloc(j->wbuf, cap);
	if (nb == NULL) {
		return DZ_ENOMEM;
	}
	j->wbuf = nb;
	j->wcap = cap;
	return DZ_OK;
}

int dz_journal_append(dz_journal_t *j, uint32_t serial_from,
                      uint32_t serial_to, const dz_changeset_t *ch)
{
	if (j->rdonly) {
		return DZ_ENOTSUP;
	}
	bool have = false;
	uint32_t last = last_serial(j, &have);
	if ((have && last != serial_from) ||
	    dz_serial_cmp(serial_to, serial_from) != DZ_SERIAL_GT) {
		return DZ_ESERIAL;
	}
	size_t len = 0;
	int ret = rec_size(ch, &len);
	if (ret == DZ_OK) {
		ret = wbuf_reserve(j, len);
	}
	jnl_rec_t rec = {.off = j->end + j->wflushed + j->wlen,
	                 .len = (uint32_t)len,
	                 .from = serial_from,
	                 .to = serial_to};
	if (ret == DZ_OK) {
		ret = dz__journal_rec_push(j, &rec);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	rec_encode(j->wbuf + j->wlen, len, serial_from, serial_to, ch);
	j->wlen += len;
	if (j->wlen >= JNL_EARLY_WRITE && (ret = batch_write(j)) != DZ_OK) {
		(void)batch_rollback(j); /* need_cut records a failed cut */
		return ret;
	}
	return DZ_OK;
}

int dz_journal_sync(dz_journal_t *j)
{
	if (j->rdonly) {
		return DZ_ENOTSUP;
	}
	if (j->need_cut && ftruncate(j->fd, (off_t)j->end) != 0) {
		int ret = dz_errno();
		j->nrecs = j->ncommitted;
		j->wlen = 0;
		j->wflushed = 0;
		return ret;
	}
	j->need_cut = false;
	if (j->wlen == 0 && j->wflushed == 0) {
		return DZ_OK;
	}
	int ret = batch_write(j);
	if (ret == DZ_OK && fdatasync(j->fd) != 0) {
		ret = dz_errno();
	}
	if (ret != DZ_OK) {
		(void)batch_rollback(j); /* need_cut records a failed cut */
		return ret;
	}
	j->end += j->wflushed;
	j->wflushed = 0;
	j->ncommitted = j->nrecs;
	return DZ_OK;
}

int dz_journal_abort(dz_journal_t *j)
{
	if (j->rdonly) {
		return DZ_ENOTSUP;
	}
	if (j->wflushed == 0 && !j->need_cut) {
		j->nrecs = j->ncommitted;
		j->wlen = 0;
		return DZ_OK;
	}
	return batch_rollback(j);
}
