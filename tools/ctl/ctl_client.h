/* SPDX-License-Identifier: BSD-3-Clause */
/* Blocking client of the daemon's control socket, with a deadline on every call. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/ctl/ctl_proto.h"

/*
 * Connect to the control socket at \p path. *fd on DZ_OK; -errno from
 * socket()/connect() otherwise (-ENOENT, -ECONNREFUSED: no daemon), or
 * DZ_ELIMIT for a path too long for a sockaddr_un.
 */
int ctl_client_connect(const char *path, int *fd);

/*
 * Send \p req on \p fd and wait up to \p timeout_ms for its response.
 * On DZ_OK, *frame (owned by the caller, free()) holds the response frame
 * and *resp views it. Errors: -errno of the I/O, -ETIMEDOUT when the
 * deadline passes, DZ_ETRUNC (daemon closed mid-frame or before answering),
 * or a dz_ctl_resp_from_wire() error for a malformed answer.
 */
int ctl_client_call(int fd, const dz_ctl_req_t *req, int timeout_ms,
                    uint8_t **frame, dz_ctl_resp_t *resp);
