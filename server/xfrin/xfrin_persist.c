/* SPDX-License-Identifier: BSD-3-Clause */
/* The refresh state that survives a restart: <zone file>.timers, a few "key
 * value" lines written atomically. */
#include "server/xfrin/xfrin_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/errcode.h"

static void timers_path(const char *zpath, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s.timers", zpath);
}

int xfrin_persist_load(const char *zpath, xfrin_persist_t *p)
{
	char path[PATH_MAX + 16];
	timers_path(zpath, path, sizeof(path));
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return dz_errno();
	}
	xfrin_persist_t v = {0};
	char line[128], word[48];
	int64_t n;
	while (fgets(line, sizeof(line), f) != NULL) {
		/* Unknown or damaged lines are skipped: the worst case is an
		 * early refresh. */
		if (sscanf(line, "last-ok %" SCNd64, &n) == 1) {
			v.last_ok = n;
		} else if (sscanf(line, "expire-at %" SCNd64, &n) == 1) {
			v.expire_at = n;
		} else if (sscanf(line, "last-result %47s", word) == 1) {
			snprintf(v.last_result, sizeof(v.last_result), "%s",
			         word);
		}
	}
	fclose(f);
	*p = v;
	return DZ_OK;
}

int xfrin_persist_save(const char *zpath, const xfrin_persist_t *p)
{
	char path[PATH_MAX + 16], tmp[PATH_MAX + 24];
	timers_path(zpath, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (f == NULL) {
		return dz_errno();
	}
	int w = fprintf(f,
	                "last-ok %" PRId64 "\nexpire-at %" PRId64
	                "\nlast-result %s\n",
	                p->last_ok, p->expire_at,
	                p->last_result[0] != '\0' ? p->last_result : "-");
	/* No fsync: losing the file costs one early refresh, and the loop
	 * thread must not wait for the disk. */
	int closed = fclose(f);
	int ret = (w < 0 || closed != 0) ? DZ_EIO : DZ_OK;
	if (ret == DZ_OK && rename(tmp, path) != 0) {
		ret = dz_errno();
	}
	if (ret != DZ_OK) {
		(void)unlink(tmp);
	}
	return ret;
}
