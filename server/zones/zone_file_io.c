/* SPDX-License-Identifier: BSD-3-Clause */
/* Durable zone file writes: whole writes, the folder fsync after a rename. */
#include "server/zones/zone_file_io.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>

#include "lib/util/errcode.h"

int zone_file_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return dz_errno();
		}
		p += n;
		len -= (size_t)n;
	}
	return DZ_OK;
}

int zone_file_fsync_dir(const char *path)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", path);
	int fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return dz_errno();
	}
	int ret = fsync(fd) == 0 ? DZ_OK : dz_errno();
	close(fd);
	return ret;
}
