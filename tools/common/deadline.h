/* SPDX-License-Identifier: BSD-3-Clause */
/* Deadlines for the tool's socket I/O: a monotonic clock, a bounded poll. */
#pragma once

#include <stdint.h>

/* Milliseconds of the monotonic clock (never jumps with the wall clock). */
int64_t deadline_now_ms(void);

/*
 * Wait until \p fd is ready for \p events (POLLIN, POLLOUT) or the monotonic
 * \p deadline (deadline_now_ms() based) passes; EINTR is retried.
 * Returns DZ_OK, -ETIMEDOUT, or -errno from poll().
 */
int deadline_wait_fd(int fd, short events, int64_t deadline);
