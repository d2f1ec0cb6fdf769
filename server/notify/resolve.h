/* SPDX-License-Identifier: BSD-3-Clause */
/* A small asynchronous stub resolver on the libuv loop: A and AAAA of a host name from the configured resolvers. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct uv_loop_s;

typedef struct resolve resolve_t;

/* Most addresses one lookup returns. */
#define RESOLVE_MAX_ADDRS 8

/*
 * Outcome of a lookup: \p n addresses (port 0) when \p status is DZ_OK,
 * else \p reason says why there are none ("nxdomain", "timeout",
 * "no-address", "servfail", "refused"). Called on the loop thread, once
 * per resolve_start() that returned DZ_OK; resolve_free() calls the ones
 * still waiting with -ECANCELED (reason "canceled") so \p arg can be freed.
 */
typedef void (*resolve_cb)(void *arg, int status,
                           const struct sockaddr_storage *addrs, size_t n,
                           const char *reason);

/*
 * A resolver asking \p servers (copied; ports included) in turn. \p nservers
 * 0 reads the nameserver lines of /etc/resolv.conf. Each query is tried
 * \p tries times, \p timeout_ms apart. DZ_OK or DZ_ENOMEM.
 */
int resolve_new(struct uv_loop_s *loop, const struct sockaddr_storage *servers,
                size_t nservers, unsigned timeout_ms, unsigned tries,
                resolve_t **out);

/* Cancel every lookup (callbacks get -ECANCELED) and free once libuv closed the
 * handles. Loop thread. NULL is a no-op. */
void resolve_free(resolve_t *r);

/*
 * Look up the A and AAAA records of \p name (wire form) with recursion
 * desired. DZ_OK (the callback follows), DZ_ENOENT (no resolver to ask),
 * DZ_ENOMEM or -errno (socket).
 */
int resolve_start(resolve_t *r, const uint8_t *name, resolve_cb cb,
                  void *arg);
