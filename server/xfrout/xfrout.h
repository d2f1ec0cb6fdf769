/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone transfers out: AXFR (RFC 5936) and IXFR (RFC 1995) answers, TSIG on every message (RFC 8945 §5.3.1), ACL action transfer. */
#pragma once

#include "lib/wire/msg.h"
#include "server/dispatch.h"
#include "server/net/net.h"

/*
 * Answer an AXFR or IXFR request routed by dispatch (any receiving thread,
 * RCU read side online). \p msg is \p q's request, parsed.
 *
 * Over TCP a permitted transfer registers a stream (net_query_set_stream)
 * and returns NET_STREAM; the stream pins the zone's version (dz_zone_ref),
 * so it sees one consistent version while updates go on. Over UDP an IXFR
 * gets one message: the SOA when the client is current, the whole answer if
 * it fits, else the SOA with TC (RFC 1995 §2); a UDP AXFR is refused
 * (RFC 5936 §4.2). Refusals (no ACL with action transfer, wrong key, zone
 * not served) answer at once and log xfr-out-refused.
 *
 * Returns as a net handler: a message length, NET_STREAM, or < 0.
 */
int xfrout_handle(server_t *srv, net_query_t *q, const dz_msg_t *msg);
