/* SPDX-License-Identifier: BSD-3-Clause */
/* State shared by the files of server/xfrout: one transfer's request, its pinned version, its journal steps and its TSIG stream. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "lib/wire/edns.h"
#include "lib/wire/msg.h"
#include "lib/wire/tsig.h"
#include "lib/xfr/xfr.h"
#include "server/xfrout/xfrout.h"

/* Type names of the xfr-out-done event (docs/log-events.md). */
#define XFROUT_TYPE_AXFR "AXFR"
#define XFROUT_TYPE_IXFR "IXFR"
#define XFROUT_TYPE_IXFR_AXFR "IXFR-AXFR-style"
#define XFROUT_TYPE_IXFR_UDP "IXFR-UDP"

/* Journal records read for one IXFR answer (owned). */
typedef struct {
	dz_xfr_step_t *steps;
	size_t n, cap;
} xfrout_steps_t;

/*
 * One transfer from the request to its last message. Everything a stream
 * needs after the handler returned is copied here (the request, the peer,
 * the TSIG key) or referenced (the version): the zone table, the
 * configuration and the key ring may all be replaced meanwhile.
 */
typedef struct {
	uint8_t zone[DZ_NAME_MAXLEN];
	char key[DZ_NAME_MAXSTR]; /* "-": unsigned */
	struct sockaddr_storage peer;
	const dz_zone_t *version; /* pinned (dz_zone_ref) */
	uint32_t serial;          /* of version */
	uint32_t client_serial;   /* IXFR: the client's (from the query) */
	bool ixfr;
	bool signed_req;
	dz_tsig_result_t tres;  /* the request's verification; tres.key -> tkey */
	dz_tsig_key_t tkey;     /* a copy: the key ring may be replaced */
	dz_tsig_stream_t tstream;
	bool tstream_on;
	xfrout_steps_t steps;
	dz_xfr_out_t *out;
	dz_edns_out_t opt;       /* the OPT of every message (EDNS clients) */
	uint16_t payload;        /* our EDNS payload size */
	struct timespec started; /* CLOCK_MONOTONIC */
	bool done;               /* the final message was produced */
	int error;               /* why the stream stopped early, 0: client */
} xfrout_t;

/* xfrout.c: peer length for copies; monotonic milliseconds since start. */
socklen_t xfrout_peer_len(const struct sockaddr *sa);
uint64_t xfrout_elapsed_ms(const xfrout_t *x);
/* Free everything \p x holds and \p x itself. NULL is a no-op. */
void xfrout_free(xfrout_t *x);
/* Log xfr-out-done for \p x: \p type (XFROUT_TYPE_*), \p form the answer's
 * shape (dz_xfr_kind_str(), "tc"). */
void xfrout_log_done(const xfrout_t *x, const char *type, const char *form,
                     const dz_xfr_stats_t *st);

/*
 * xfrout_journal.c: the records of the journal at \p path (zone \p origin)
 * that lead from \p from to \p to, oldest first. A journal that is missing,
 * does not hold \p from or stops early gives what it has (possibly nothing):
 * lib/xfr then answers AXFR-style. DZ_OK or DZ_ENOMEM.
 */
int xfrout_steps_read(const char *path, const uint8_t *origin, uint32_t from,
                      uint32_t to, xfrout_steps_t *out);
void xfrout_steps_clear(xfrout_steps_t *s);

/* The journal of a zone configured at \p zone_path. */
int xfrout_journal_path(const char *zone_path, char *buf, size_t cap);

/* xfrout_stream.c: start the TCP stream for \p x (taken over in every
 * case). NET_STREAM, or < 0 (nothing sent; the connection closes). */
int xfrout_stream_start(net_query_t *q, const dz_msg_t *msg, xfrout_t *x);

/* xfrout_udp.c: the one-message IXFR answer over UDP (RFC 1995 §2);
 * \p x is freed. Returns the message length or < 0. */
int xfrout_udp_answer(net_query_t *q, const dz_msg_t *msg, xfrout_t *x);
