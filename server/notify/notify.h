/* SPDX-License-Identifier: BSD-3-Clause */
/* NOTIFY (RFC 1996) out to a zone's secondaries after each change, and NOTIFY in from a secondary zone's primaries. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/net/net.h"

typedef struct server server_t;
struct dz_msg;

/*
 * Start the NOTIFY module on the server's loop (resolver socket, timers,
 * the async hop used by notify_zone_changed_async()). Call from the loop
 * thread after the zones are loaded. Returns DZ_OK or a negative status.
 */
int notify_init(server_t *srv);

/* Cancel every outstanding NOTIFY and close the module's handles. Loop
 * thread; idempotent. */
void notify_shutdown(server_t *srv);

/*
 * A zone's served version changed (update, reload, transfer in): send NOTIFY
 * with \p serial to its targets now, replacing any older NOTIFY still being
 * retried. Called on the loop thread (writers use
 * notify_zone_changed_async()).
 */
void notify_zone_changed(server_t *srv, const uint8_t *zone, uint32_t serial);

/*
 * Thread-safe form of notify_zone_changed(): queue the change and wake the
 * loop (uv_async). Safe to call from a zone's writer thread; a no-op before
 * notify_init() and after notify_shutdown(). \p srv may be NULL (the
 * running daemon's: the zone writers have no server at hand).
 */
void notify_zone_changed_async(server_t *srv, const uint8_t *zone,
                               uint32_t serial);

/*
 * Opcode NOTIFY from dispatch (any thread, RCU read side online): validate
 * (zone served here as secondary, sender one of its primaries, TSIG),
 * write the answer into q->resp and return its length (0: nothing to
 * send); an accepted NOTIFY schedules a refresh. \p msg is the parsed
 * request, or NULL to parse q->req here: DZ_EMALF if it does not parse
 * (the caller answers FORMERR).
 */
int notify_in_handle(server_t *srv, net_query_t *q, const struct dz_msg *msg);

/*
 * `ctl status ZONE`: the NOTIFY targets of \p zone with their last result,
 * as " notify-target=ADDR name=HOST last=NOERROR ms=1 serial=N ..." text or
 * a ",\"notify\":[{...}]" JSON member, into \p buf. Returns the length
 * written (truncated to \p cap - 1), 0 if the zone has no targets. Loop
 * thread.
 */
size_t notify_status(server_t *srv, const uint8_t *zone, bool json,
                     char *buf, size_t cap);
