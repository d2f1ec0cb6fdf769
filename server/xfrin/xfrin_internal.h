/* SPDX-License-Identifier: BSD-3-Clause */
/* State shared by the files of server/xfrin: the module, one refresh machine
 * per secondary zone, the network exchanges. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include <uv.h>

#include "lib/wire/name.h"
#include "lib/wire/tsig.h"
#include "lib/xfr/xfr.h"
#include "server/dispatch.h"

/* Records one message of at most 64 KiB can hold (an 11-octet record with
 * a root owner is the smallest); lib/wire's default of 4096 is too few. */
#define XFRIN_MAX_RRS 6000
/* UDP SOA query: tries per address and the wait for each (like BIND's
 * refresh query, then the next primary). */
#define XFRIN_UDP_TRIES 2
#define XFRIN_UDP_TIMEOUT_MS 2000
/* TCP: connect, and the idle gap between two messages of a transfer. */
#define XFRIN_TCP_TIMEOUT_MS 10000
/* Addresses of a zone's primaries we try, in order. */
#define XFRIN_MAX_TARGETS 16

/* ===== xfrin_io.c: one exchange (UDP with retries, or TCP) ============== */

typedef struct xfrin_io xfrin_io_t;

/* A message arrived: > 0 waits for more, 0 ends the exchange (DZ_OK),
 * < 0 ends it with that status. */
typedef int (*xfrin_io_msg_fn)(void *ctx, const uint8_t *msg, size_t len);
/* The exchange ended (never called after xfrin_io_cancel()). */
typedef void (*xfrin_io_done_fn)(void *ctx, int status);

typedef struct {
	const struct sockaddr_storage *dst;
	const struct sockaddr_storage *via; /* NULL: any source */
	bool tcp;
	unsigned timeout_ms; /* UDP: per try; TCP: connect and idle */
	unsigned tries;      /* UDP */
	xfrin_io_msg_fn on_msg;
	xfrin_io_done_fn on_done;
	void *ctx;
} xfrin_io_opts_t;

/* Send \p q (copied) and hand every answer to on_msg. DZ_OK or -errno. */
int xfrin_io_start(uv_loop_t *loop, const xfrin_io_opts_t *o, const uint8_t *q,
                   size_t qlen, xfrin_io_t **out);
/* Stop an exchange; its callbacks are not called again. NULL: no-op. */
void xfrin_io_cancel(xfrin_io_t *io);
/* Octets received so far (TCP framing excluded). */
uint64_t xfrin_io_bytes(const xfrin_io_t *io);

/* ===== the refresh machine (xfrin_zone.c) ================================ */

/* docs/transfers.md "Transfers in" draws these states. */
typedef enum {
	XFRIN_IDLE = 0, /* waiting for the refresh or retry timer */
	XFRIN_SOA,      /* SOA query to the current primary */
	XFRIN_XFR,      /* IXFR or AXFR from the current primary */
	XFRIN_APPLY,    /* the zone's writer applies the transfer */
} xfrin_state_t;

typedef enum {
	XFRIN_EV_TIMER = 0, /* refresh or retry timer */
	XFRIN_EV_REFRESH,   /* NOTIFY, ctl refresh */
	XFRIN_EV_RETRANSFER,
	XFRIN_EV_SOA_DONE,   /* z->soa_status, z->soa_serial */
	XFRIN_EV_XFR_DONE,   /* z->xfr_status, z->result */
	XFRIN_EV_APPLY_DONE, /* z->apply_status */
} xfrin_event_t;

/* One primary address with what talking to it needs (copied from the
 * configuration at the start of each refresh: reloads free the old one). */
typedef struct {
	char remote[64];
	struct sockaddr_storage addr;
	bool has_via;
	struct sockaddr_storage via;
	bool has_key;
	dz_tsig_key_t key;
} xfrin_target_t;

/* What survives a restart (<zone file>.timers). */
typedef struct {
	int64_t last_ok;   /* wall clock of the last successful refresh, 0 */
	int64_t expire_at; /* wall clock; 0: not known */
	char last_result[48];
} xfrin_persist_t;

typedef struct xfrin xfrin_t;

typedef struct xfrin_zone {
	xfrin_t *x;
	uint8_t name[DZ_NAME_MAXLEN];
	char zname[DZ_NAME_MAXSTR];
	xfrin_state_t state;
	uv_timer_t timer;  /* refresh / retry */
	uv_timer_t expire; /* expire deadline */
	bool removed;      /* no longer a secondary here */
	/* SOA timers of our version, clamped (seconds). */
	uint32_t refresh, retry, expire_s;
	xfrin_persist_t p;
	int64_t next_refresh; /* wall clock */
	bool expired;
	/* The refresh in progress. */
	xfrin_target_t targets[XFRIN_MAX_TARGETS];
	size_t ntargets, cur;
	bool force_axfr; /* ctl retransfer: AXFR, take a lower serial */
	bool pending;    /* a refresh was asked for meanwhile */
	bool pending_axfr;
	char why[32];          /* what started it (timer, notify, ctl) */
	const char *timer_why; /* static: why the timer runs */
	xfrin_io_t *io;
	uint16_t qid;
	uint8_t qmac[DZ_TSIG_MAC_MAX];
	size_t qmac_len;
	/* SOA query result. */
	int soa_status;
	char soa_reason[64];
	uint32_t soa_serial;
	bool soa_tcp; /* the query in flight went over TCP */
	uint32_t our_serial;
	bool have_version;
	/* Transfer in progress and its result. */
	uint16_t xfr_qtype;
	dz_xfr_in_t *in;
	dz_tsig_stream_t ts;
	bool ts_on;
	int xfr_status;
	uint16_t xfr_rcode; /* the primary's error rcode, 0 */
	char xfr_reason[DZ_XFR_DIAG_MAX];
	dz_xfr_in_result_t result;
	struct timespec xfr_t0;
	uint64_t xfr_bytes;
	dz_xfr_in_result_t done_result; /* counters only, for xfr-in-done */
	int apply_status;
	int open; /* timers not yet closed */
} xfrin_zone_t;

/* A finished writer job on its way back to the loop. */
typedef struct xfrin_done {
	struct xfrin_done *next;
	uint8_t name[DZ_NAME_MAXLEN];
	int status;
} xfrin_done_t;

/* A thread-safe request (refresh, retransfer) on its way to the loop. */
typedef struct xfrin_req {
	struct xfrin_req *next;
	uint8_t name[DZ_NAME_MAXLEN];
	bool axfr;
	char why[32];
} xfrin_req_t;

struct xfrin_fwd;

struct xfrin {
	server_t *srv;
	uv_async_t async;
	bool async_open;
	pthread_mutex_t mu; /* reqs, dones, closed */
	xfrin_req_t *reqs;
	xfrin_done_t *dones;
	bool closed;
	xfrin_zone_t **zones;
	size_t nzones;
	struct xfrin_fwd *fwds;     /* under mu: forwarded updates queued */
	struct xfrin_fwd *fwd_live; /* loop: waiting for the primary */
};

/* xfrin.c */
xfrin_zone_t *xfrin_zone_get(xfrin_t *x, const uint8_t *name);
void xfrin_done_post(xfrin_t *x, const uint8_t *name, int status);
int64_t xfrin_wall_now(void);

/* xfrin.c: start machines of new secondary zones, stop removed ones. */
int xfrin_sync_zones(xfrin_t *x);

/* xfrin_forward.c (loop thread): send the queued updates on; answer
 * nothing to every pending one (shutdown). */
void xfrin_forward_run(xfrin_t *x, struct xfrin_fwd *list);
void xfrin_forward_drop(xfrin_t *x);

/* xfrin_zone.c */
/* The zone's first primary address, from the current configuration. */
int xfrin_zone_targets(xfrin_zone_t *z, xfrin_target_t *first);
int xfrin_zone_start(xfrin_t *x, const uint8_t *name, xfrin_zone_t **out);
void xfrin_zone_stop(xfrin_zone_t *z);
void xfrin_zone_event(xfrin_zone_t *z, xfrin_event_t ev);
void xfrin_zone_refresh_timers(xfrin_zone_t *z, const dz_zone_t *zone);
void xfrin_zone_set_expired(xfrin_zone_t *z, bool expired);

/* xfrin_soa.c: query the current target's SOA; ends with SOA_DONE. */
int xfrin_soa_start(xfrin_zone_t *z);
const char *xfrin_rcode_str(uint16_t rcode);
/* "timeout", "connection-refused"... for a failed exchange. */
const char *xfrin_io_reason(int status);
/* xfrin_xfr.c: transfer from the current target; ends with XFR_DONE. */
int xfrin_xfr_start(xfrin_zone_t *z, uint16_t qtype);
/* xfrin_query.c: build a query (\p soa: our SOA for IXFR), sign it. */
int xfrin_query_build(xfrin_zone_t *z, uint16_t qtype, const dz_zone_t *cur,
                      uint8_t *buf, size_t cap, size_t *len);
/* Verify a reply's TSIG against the query (single message); \p res is
 * filled when the reply had to be signed. */
int xfrin_query_verify(xfrin_zone_t *z, const uint8_t *msg, size_t len,
                       const dz_msg_t *parsed, dz_tsig_result_t *res);

/* xfrin_apply.c: hand the transfer to the zone's writer (loop thread);
 * ends with APPLY_DONE. */
int xfrin_apply_start(xfrin_zone_t *z);

/* xfrin_persist.c: <zone file>.timers */
int xfrin_persist_load(const char *zpath, xfrin_persist_t *p);
int xfrin_persist_save(const char *zpath, const xfrin_persist_t *p);
