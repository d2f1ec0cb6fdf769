/* SPDX-License-Identifier: BSD-3-Clause */
/* Durable zone file writes: whole writes, the folder fsync after a rename. */
#pragma once

#include <stddef.h>

/* Write all of \p buf[0..len) to \p fd, retrying short writes and EINTR.
 * Returns DZ_OK or -errno. */
int zone_file_write_all(int fd, const void *buf, size_t len);

/* fsync the folder holding \p path, so a rename into it (temp file, fsync,
 * rename) survives a crash. Returns DZ_OK or -errno. */
int zone_file_fsync_dir(const char *path);
