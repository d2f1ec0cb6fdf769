/* SPDX-License-Identifier: BSD-3-Clause */
/* The journal base: a private copy of the zone file as last synced (<zone file>.jbase), so drift between file and journal is seen at start. */
#include "server/zones/zones_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "server/log/log.h"
#include "server/zones/zone_file_io.h"

#define COPY_CHUNK 65536

void zone_base_path(const zone_entry_t *e, char *out, size_t len)
{
	snprintf(out, len, "%s.jbase", e->zpath);
}

static int copy_fd(int in, int out, uint8_t *buf)
{
	for (;;) {
		ssize_t n = read(in, buf, COPY_CHUNK);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return n == 0 ? DZ_OK : dz_errno();
		}
		int ret = zone_file_write_all(out, buf, (size_t)n);
		if (ret != DZ_OK) {
			return ret;
		}
	}
}

/* Like the zone file itself: temp file, fsync, rename, fsync the folder. */
int zone_file_copy(const char *src, const char *dst)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", dst) >= (int)sizeof(tmp)) {
		return DZ_ELIMIT;
	}
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		return dz_errno();
	}
	int out = mkstemp(tmp);
	uint8_t *buf = malloc(COPY_CHUNK);
	int ret = out < 0 ? dz_errno() : buf == NULL ? DZ_ENOMEM : DZ_OK;
	if (ret == DZ_OK) {
		(void)fchmod(out, 0600); /* private: only the server reads it */
		ret = copy_fd(in, out, buf);
	}
	if (ret == DZ_OK && fsync(out) != 0) {
		ret = dz_errno();
	}
	if (out >= 0 && close(out) != 0 && ret == DZ_OK) {
		ret = dz_errno();
	}
	close(in);
	free(buf);
	if (ret == DZ_OK && rename(tmp, dst) != 0) {
		ret = dz_errno();
	}
	if (ret != DZ_OK) {
		if (out >= 0) {
			(void)unlink(tmp);
		}
		return ret;
	}
	return zone_file_fsync_dir(dst);
}

/* Read up to COPY_CHUNK octets (fewer only at the end of the file). */
static ssize_t read_chunk(int fd, uint8_t *buf)
{
	size_t got = 0;
	while (got < COPY_CHUNK) {
		ssize_t n = read(fd, buf + got, COPY_CHUNK - got);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return -1;
		}
		if (n == 0) {
			break;
		}
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int same_fds(int a, int b, uint8_t *ba, uint8_t *bb, bool *same)
{
	for (;;) {
		ssize_t na = read_chunk(a, ba), nb = read_chunk(b, bb);
		if (na < 0 || nb < 0) {
			return dz_errno();
		}
		if (na != nb || memcmp(ba, bb, (size_t)na) != 0) {
			*same = false;
			return DZ_OK;
		}
		if (na == 0) {
			*same = true;
			return DZ_OK;
		}
	}
}

int zone_file_same(const char *a, const char *b, bool *same)
{
	int fa = open(a, O_RDONLY | O_CLOEXEC);
	int fb = open(b, O_RDONLY | O_CLOEXEC);
	uint8_t *buf = malloc(2 * COPY_CHUNK);
	int ret = fa < 0 || fb < 0 ? dz_errno() : buf == NULL ? DZ_ENOMEM : DZ_OK;
	if (ret == DZ_OK) {
		ret = same_fds(fa, fb, buf, buf + COPY_CHUNK, same);
	}
	if (fa >= 0) {
		close(fa);
	}
	if (fb >= 0) {
		close(fb);
	}
	free(buf);
	return ret;
}

/*
 * After the zone file was written (sync, recovery) or re-read (reload): it
 * is now what the journal continues from. A base that cannot be written is
 * removed, so a stale one never makes the next start see drift that is not
 * there (it then falls back to the zone file's serial, docs/updates.md).
 */
void zone_base_refresh(zone_entry_t *e)
{
	char bpath[PATH_MAX + 8];
	zone_base_path(e, bpath, sizeof(bpath));
	int ret = zone_file_copy(e->zpath, bpath);
	if (ret != DZ_OK) {
		(void)unlink(bpath);
		log_event(LOG_LEVEL_ERROR, LOG_CAT_UPDATE, e->name, NULL,
		          "zone-sync-failed", "path=%s err=%s", bpath,
		          dz_strerror(ret));
	}
}
