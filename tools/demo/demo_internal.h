/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared state and helpers of `dynzone demo` (setup, processes, DNS exchanges, the chain printout). */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/util/base64.h"
#include "lib/wire/name.h"
#include "lib/wire/tsig.h"
#include "tools/common/client.h"

#define DEMO_ZONE "demo.test."
#define DEMO_HOST "host1.demo.test."
#define DEMO_HOST_ADDR "192.0.2.1"
#define DEMO_KEY_NAME "demo-key."
#define DEMO_ADDRLEN 46

/* One dynzoned of the demo: where it listens and where its files are. */
typedef struct demo_server {
	const char *label;       /* "primary" or "secondary" */
	char addr[DEMO_ADDRLEN]; /* IPv4 or IPv6 literal */
	uint16_t port;
	client_addr_t ca;    /* addr#port, for queries */
	char dir[PATH_MAX];  /* its folder (data-dir) */
	char conf[PATH_MAX]; /* dynzoned.yaml */
	char log[PATH_MAX];  /* JSON log */
	char out[PATH_MAX];  /* the process's stdout and stderr */
	pid_t pid;           /* 0 when not running */
	bool exited;         /* it ended before it was stopped */
	int status;          /* its wait status then */
} demo_server_t;

/* The whole demo. */
typedef struct demo {
	demo_server_t srv[2];                  /* [0] primary, [1] secondary */
	char root[PATH_MAX];                   /* mkdtemp folder */
	char daemon[PATH_MAX];                 /* the dynzoned binary */
	char secret[DZ_BASE64_ENCLEN(32) + 1]; /* the TSIG secret, base64 */
	dz_tsig_key_t key;
	bool keep;           /* leave the folder in place */
	bool verbose;        /* print the full logs too */
	unsigned timeout_ms; /* each wait's deadline */
} demo_t;

#define DEMO_PRIMARY(d) (&(d)->srv[0])
#define DEMO_SECONDARY(d) (&(d)->srv[1])

/* Milliseconds on the monotonic clock (deadlines); microseconds on the wall
 * clock (comparable with the logs' timestamps). */
int64_t demo_mono_ms(void);
int64_t demo_wall_us(void);

/* demo_setup.c: addresses, files, processes. */
int demo_pick_ports(demo_t *d, uint16_t want_port);
int demo_write_files(demo_t *d);
int demo_start(demo_t *d, demo_server_t *s);
/* False (and the exit recorded) when the process has ended on its own. */
bool demo_alive(demo_server_t *s);
void demo_stop(demo_server_t *s);
void demo_remove_tree(const char *root);

/* demo_dns.c: the exchanges with the servers. */
int demo_soa_serial(const demo_server_t *s, uint32_t *serial);
int demo_has_host(const demo_server_t *s, bool *found);
int demo_send_update(const demo_t *d, uint16_t *rcode, char *err,
                     size_t errlen);

/* demo_chain.c: the logs. */
#define DEMO_CHAIN_MAX 64
#define DEMO_EVENT_MAX 40
#define DEMO_DETAILS_MAX 480

/* One log line of the chain. */
typedef struct demo_event {
	int64_t ts_ms; /* wall clock, from the line's "ts" */
	int server;    /* index in demo_t.srv */
	int rank;      /* causal order among equal timestamps */
	char event[DEMO_EVENT_MAX];
	char details[DEMO_DETAILS_MAX]; /* key=value ..., fixed fields left out
	                                 */
} demo_event_t;

/* The events of the change, from both logs, in time order. */
typedef struct demo_chain {
	demo_event_t ev[DEMO_CHAIN_MAX];
	unsigned count;
} demo_chain_t;

/* Read both logs: the chain's events at or after \p t0_ms about \p serial.
 * Returns DZ_OK or -errno (a log that cannot be read). */
int demo_chain_collect(const demo_t *d, int64_t t0_ms, uint32_t serial,
                       demo_chain_t *out);
/* True when every step of the chain is there; else names the first one
 * missing in \p missing. */
bool demo_chain_complete(const demo_chain_t *c, char *missing, size_t len);
/* One line per event, times relative to \p t0_ms. */
void demo_chain_print(const demo_t *d, const demo_chain_t *c, int64_t t0_ms);
/* The last \p lines lines of both logs and of the daemons' own output. */
void demo_tails_print(const demo_t *d, unsigned lines);
