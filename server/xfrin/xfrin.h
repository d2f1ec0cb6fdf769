/* SPDX-License-Identifier: BSD-3-Clause */
/* The secondary side: per-zone refresh state machine, SOA query and IXFR/AXFR
 * client. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/net/net.h"

struct server;
struct sockaddr;

/* Start the refresh machines of every secondary zone (on the loop thread,
 * after the zones are loaded); DZ_OK or a negative DZ_E* code. */
int xfrin_init(struct server *srv);
/* Stop every timer and close every connection; safe if init failed. */
void xfrin_shutdown(struct server *srv);

/* After a configuration reload (loop thread, the new configuration
 * published): start the machines of new secondary zones, stop those of
 * zones no longer secondary here. */
void xfrin_reconfigure(struct server *srv);

/* Thread-safe: ask for a refresh of secondary \p zone now (NOTIFY received,
 * ctl refresh); \p why names the cause in the log. Unknown zones are ignored.
 */
void xfrin_refresh_now(struct server *srv, const uint8_t *zone,
                       const char *why);
/* Thread-safe: force a full AXFR of \p zone, taking the primary's version
 * even when its serial is lower than ours (ctl retransfer). */
void xfrin_retransfer(struct server *srv, const uint8_t *zone);
/* True if \p zone is configured as secondary here and \p peer (port ignored)
 * is one of its primaries' addresses; when that primary has a key, the key
 * name \p key_or_null (wire form) must match it. Thread-safe. */
bool xfrin_is_primary_addr(struct server *srv, const uint8_t *zone,
                           const struct sockaddr *peer,
                           const uint8_t *key_or_null);

/* `ctl status ZONE`: the refresh fields of a secondary zone (primaries,
 * last result and time, next refresh, expire deadline, journal size) as
 * " key=value" text or ",\"key\":value" JSON members, into \p buf.
 * Returns the length written (truncated to \p cap - 1), 0 if \p zone is
 * not a secondary zone. Loop thread. */
size_t xfrin_status(struct server *srv, const uint8_t *zone, bool json,
                    char *buf, size_t cap);

/* UPDATE received for a secondary zone with `update-forwarding: true`
 * (RFC 2136 §6): relay it to the zone's first primary over TCP and send
 * the primary's answer back (any thread). Returns NET_DEFERRED when taken
 * over, DZ_ENOTSUP when the zone is not forwarded (server/update answers),
 * or another negative status (nothing sent). */
int xfrin_forward_update(struct server *srv, net_query_t *q);
