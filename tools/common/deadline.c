/* SPDX-License-Identifier: BSD-3-Clause */
/* Deadlines for the tool's socket I/O: a monotonic clock, a bounded poll. */
#include "tools/common/deadline.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

#include "lib/util/errcode.h"

int64_t deadline_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int deadline_wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - deadline_now_ms();
		if (left <= 0) {
			return -ETIMEDOUT;
		}
		/* poll() takes an int: wait in slices of at most a minute. */
		struct pollfd p = {.fd = fd, .events = events};
		int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0) {
			return DZ_OK;
		}
		if (n < 0 && errno != EINTR) {
			return dz_errno();
		}
	}
}
