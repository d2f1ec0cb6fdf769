/* SPDX-License-Identifier: BSD-3-Clause */
/* State shared by the files of server/notify: zones, their targets, the send and retry machinery. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <uv.h>

#include "lib/wire/name.h"
#include "lib/wire/tsig.h"
#include "server/notify/notify.h"
#include "server/notify/resolve.h"

/* Longest retry schedule (tries). */
#define NOTIFY_MAX_TRIES 16
/* Room for a NOTIFY: header, question, SOA (two names + 20), TSIG. */
#define NOTIFY_MSG_MAX 1024
/* Room for a target's label: a host name or a remote id. */
#define NOTIFY_LABEL_MAX DZ_NAME_MAXSTR

/* How a target is reached and signed (copied from the configuration, so a
 * reload does not pull it away from under an outstanding NOTIFY). */
typedef struct {
	bool has_key;
	dz_tsig_key_t key;
	bool has_via;
	struct sockaddr_storage via;
} notify_path_t;

typedef struct notify_zone notify_zone_t;

/* One address of one target of a zone, with its send state. */
typedef struct notify_target {
	struct notify_target *next;
	notify_zone_t *zone;
	char label[NOTIFY_LABEL_MAX]; /* NS host name or remote id */
	struct sockaddr_storage addr;
	notify_path_t path;
	uint64_t gen; /* zone generation that last named it */
	/* Send state (loop thread). */
	uv_udp_t sock;
	uv_timer_t timer;
	bool open;        /* sock and timer initialised */
	unsigned closing; /* handles still closing */
	bool outstanding; /* waiting for an answer */
	uint32_t serial;
	unsigned tries;
	uint16_t id;
	uint64_t sent_ms; /* monotonic, first try of this serial */
	size_t len;
	uint8_t msg[NOTIFY_MSG_MAX];
	size_t mac_len;
	uint8_t mac[DZ_TSIG_MAC_MAX];
	/* Last result, for `ctl status`. */
	char last[48];
	uint32_t last_serial;
	time_t last_at;
} notify_target_t;

/* A NOTIFY-capable zone: its newest SOA and its targets. */
struct notify_zone {
	struct notify_zone *next;
	struct notify_state *st;
	uint8_t name[DZ_NAME_MAXLEN];
	uint32_t serial;
	bool has_soa;
	uint32_t soa_ttl;
	uint16_t soa_len;
	uint8_t soa[2 * DZ_NAME_MAXLEN + 20];
	uint64_t gen;
	bool warned_disabled;
	char self_logged[512]; /* "|name|" list of notify-skipped-self names */
	notify_target_t *targets;
};

/* A change waiting for the loop (notify_zone_changed_async). */
typedef struct notify_change {
	struct notify_change *next;
	uint8_t zone[DZ_NAME_MAXLEN];
	uint32_t serial;
	bool force;
} notify_change_t;

typedef struct notify_state {
	server_t *srv;
	uv_async_t async;
	bool async_open;
	bool closing;
	pthread_mutex_t mu;
	notify_change_t *head, *tail; /* under mu */
	notify_zone_t *zones;         /* loop thread */
	resolve_t *resolver;
	unsigned schedule_ms[NOTIFY_MAX_TRIES]; /* wait after each try */
	unsigned tries;
} notify_state_t;

/* notify.c */
notify_state_t *notify_state(void);
uint64_t notify_now_ms(void);
/* Find (or create) the zone's notify state. NULL on ENOMEM. */
notify_zone_t *notify_zone_get(notify_state_t *st, const uint8_t *name,
                               bool create);

/* notify_targets.c: work out the targets of \p z from the zone's data,
 * the configuration and the resolver, and send to each; logs
 * notify-disabled once per zone (matrix 3.1). Loop thread. */
void notify_targets_run(notify_state_t *st, notify_zone_t *z, bool force);
/* True if \p addr is one of this server's listen addresses. */
bool notify_is_self_addr(const server_t *srv, const struct sockaddr *addr);

/* notify_send.c */
/* Send the zone's current serial to the target at \p addr (created if
 * new): a newer serial replaces an outstanding older one at once. */
void notify_send_to(notify_zone_t *z, const char *label,
                    const struct sockaddr *addr, const notify_path_t *path,
                    bool force);
/* Stop the target's retries and close its handles (freed on close). */
void notify_target_close(notify_target_t *t);
/* Record the last result of a target (status). */
void notify_target_result(notify_target_t *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
