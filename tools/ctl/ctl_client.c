/* SPDX-License-Identifier: BSD-3-Clause */
/* Blocking client of the daemon's control socket, with a deadline on every call. */
#include "tools/ctl/ctl_client.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "tools/common/deadline.h"

int ctl_client_connect(const char *path, int *fd)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = strlen(path);
	if (len >= sizeof(sa.sun_path)) {
		return DZ_ELIMIT;
	}
	memcpy(sa.sun_path, path, len + 1);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		return dz_errno();
	}
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int ret = dz_errno();
		close(s);
		return ret;
	}
	*fd = s;
	return DZ_OK;
}

static int send_all(int fd, const uint8_t *buf, size_t len, int64_t deadline)
{
	while (len > 0) {
		int ret = deadline_wait_fd(fd, POLLOUT, deadline);
		if (ret != DZ_OK) {
			return ret;
		}
		/* MSG_NOSIGNAL: a daemon that went away is an error, not a
		 * SIGPIPE that kills the tool without a message. */
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EINTR && errno != EAGAIN) {
			return dz_errno();
		}
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		}
	}
	return DZ_OK;
}

static int recv_all(int fd, uint8_t *buf, size_t len, int64_t deadline)
{
	while (len > 0) {
		int ret = deadline_wait_fd(fd, POLLIN, deadline);
		if (ret != DZ_OK) {
			return ret;
		}
		ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);
		if (n == 0) {
			return DZ_ETRUNC;
		}
		if (n < 0 && errno != EINTR && errno != EAGAIN) {
			return dz_errno();
		}
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		}
	}
	return DZ_OK;
}

static int recv_frame(int fd, int64_t deadline, uint8_t **frame, size_t *len)
{
	uint8_t hdr[DZ_CTL_FRAME_HDR];
	int ret = recv_all(fd, hdr, sizeof(hdr), deadline);
	size_t flen = 0;
	if (ret == DZ_OK) {
		ret = dz_ctl_frame_len(hdr, sizeof(hdr), DZ_CTL_FRAME_MAX, &flen);
	}
	if (ret != DZ_OK) {
		return ret;
	}
	uint8_t *buf = malloc(flen);
	if (buf == NULL) {
		return DZ_ENOMEM;
	}
	memcpy(buf, hdr, sizeof(hdr));
	ret = recv_all(fd, buf + sizeof(hdr), flen - sizeof(hdr), deadline);
	if (ret != DZ_OK) {
		free(buf);
		return ret;
	}
	*frame = buf;
	*len = flen;
	return DZ_OK;
}

int ctl_client_call(int fd, const dz_ctl_req_t *req, int timeout_ms,
                    uint8_t **frame, dz_ctl_resp_t *resp)
{
	int64_t deadline =
	        deadline_now_ms() + (timeout_ms > 0 ? timeout_ms : 1);
	uint8_t out[DZ_CTL_REQ_MAX];
	int n = dz_ctl_req_to_wire(req, out, sizeof(out));
	if (n < 0) {
		return n;
	}
	int ret = send_all(fd, out, (size_t)n, deadline);
	uint8_t *buf = NULL;
	size_t len = 0;
	/* A daemon that refuses us answers and closes at once; its answer
	 * explains more than the EPIPE our send then gets. */
	if (ret == DZ_OK || ret == -EPIPE || ret == -ECONNRESET) {
		ret = recv_frame(fd, deadline, &buf, &len);
	}
	dz_ctl_resp_t view;
	if (ret == DZ_OK) {
		ret = dz_ctl_resp_from_wire(buf, len, &view);
	}
	if (ret != DZ_OK) {
		free(buf);
		return ret;
	}
	*frame = buf;
	*resp = view;
	return DZ_OK;
}
