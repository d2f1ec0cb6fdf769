/* SPDX-License-Identifier: BSD-3-Clause */
/* The zone table: which zones are served, their current versions (RCU-published for lock-free readers), load state. */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lib/wire/name.h"
#include "lib/zone/zone.h"
#include "server/conf/conf.h"
#include "server/stats/stats.h"

/*
 * Threads and RCU (liburcu, QSBR flavour). The table of zones and each
 * zone's current version are published with one pointer store and read with
 * no lock and no reference count: a reader thread is registered
 * (zones_thread_register) and "online" while it answers; it goes offline
 * (zones_thread_offline) whenever it blocks, which is also how it reports a
 * quiescent state. Writers (reload, on the loop thread only) publish the new
 * object, wait for every online reader to pass a quiescent state
 * (synchronize_rcu), then release the old one. Pointers from zones_find()
 * and zone_entry_version() are valid until the reader next goes offline.
 *
 * Everything else here (configure, reload, status) runs on the loop thread.
 */

typedef struct zones zones_t;
typedef struct zone_entry zone_entry_t;

typedef enum {
	ZONE_STATE_NOT_LOADED = 0, /* never loaded: queries get SERVFAIL */
	ZONE_STATE_OK,             /* the last load succeeded */
	ZONE_STATE_FAILED,         /* the last load failed (an older version
	                              may still be served) */
} zone_state_t;

/* Why a load failed: where (line 0: not tied to a line) and what. */
typedef struct {
	char file[PATH_MAX];
	unsigned line, column;
	int code; /* DZ_E* status */
	char msg[256];
} zone_error_t;

/*
 * The journal as `status` shows it (issue 5 §5): its owner (the zone's
 * writer, or the first load before the writer runs) refreshes this copy
 * after every change, so the loop thread never touches the open journal.
 */
typedef struct {
	bool kept;       /* the zone keeps a journal (dynamic zones) */
	uint64_t size;   /* committed octets */
	bool has_serial; /* false: no record and no anchor yet */
	uint32_t oldest; /* oldest serial held: IXFR can start from it */
	uint32_t newest; /* serial the newest record leads to */
} zone_journal_stat_t;

/* A snapshot of one zone for `status` (loop thread only). */
typedef struct {
	const uint8_t *name;
	const conf_zone_t *conf;
	zone_state_t state;
	bool has_version;
	uint32_t serial;
	dz_zone_stats_t counts;
	struct timespec loaded_at; /* wall clock of the served version */
	const zone_error_t *error; /* last failure, NULL unless FAILED */
	uint64_t queries;
	zone_error_t error_copy; /* what error points to */
	zone_journal_stat_t journal;
} zone_status_t;

/* ---- reader side (any registered thread) ---------------------------- */

void zones_thread_register(void);
void zones_thread_unregister(void);
void zones_thread_online(void);
void zones_thread_offline(void);

/* The served zone at or above \p qname, deepest first; NULL if none. */
const zone_entry_t *zones_find(const zones_t *zones, const uint8_t *qname);
/* The current version of a zone, NULL if it has none (SERVFAIL). */
const dz_zone_t *zone_entry_version(const zone_entry_t *e);
/* The zone's counters (write only from thread \p id's slot). */
stats_zone_t *zone_entry_stats(const zone_entry_t *e);
/* The zone's configuration (valid while the reader stays online). */
const conf_zone_t *zone_entry_conf(const zone_entry_t *e);
/* The zone's name (wire form; lives as long as the entry). */
const uint8_t *zone_entry_name(const zone_entry_t *e);
/* The zone's writer (server/update/update_writer.h), NULL unless the zone
 * is a loaded primary of a daemon with updates (zones_set_update). */
struct zone_writer *zone_entry_writer(const zone_entry_t *e);
/* A secondary whose expire timer ran out (server/xfrin): SERVFAIL. */
bool zone_entry_expired(const zone_entry_t *e);
/* Set or clear the expired flag (server/xfrin; any thread). */
void zone_entry_set_expired(const zone_entry_t *e, bool expired);
/* Wait until every online reader passed a quiescent state (RCU grace
 * period): then an object unpublished before the call can be freed. */
void zones_synchronize(void);

/* ---- writer side (loop thread) ---------------------------------------- */

/* A table for \p nthreads reader threads (counter slots). DZ_OK, DZ_ENOMEM. */
int zones_new(unsigned nthreads, zones_t **out);

/* Free the table and every version; no reader may be online. NULL: no-op. */
void zones_free(zones_t *zones);

/*
 * Serve the zones of \p conf (borrowed: it must stay alive until the next
 * zones_configure() or zones_free()). Zones already served keep their entry
 * and version; each zone whose file changed since its last load (or every
 * zone, with \p force) is re-read; zones no longer configured stop being
 * served. The new table is published atomically. Failures are logged per
 * zone (`zone-load-failed`) and do not fail the call: DZ_OK or DZ_ENOMEM.
 */
int zones_configure(zones_t *zones, const conf_t *conf, bool force);

/*
 * Give primary zones a writer and a journal (server/update): \p uctx is the
 * update context. Call before the first zones_configure().
 */
void zones_set_update(zones_t *zones, void *uctx);

/* Stop every writer (finishing its queue) and join it; loop thread. */
void zones_stop_writers(zones_t *zones);

/*
 * The outcome of a reload or sync of one zone: \p status (DZ_OK or the
 * failure) and \p msg, one line for the operator. Called once, from the
 * zone's writer thread (dynamic zones) or from the caller's thread.
 */
typedef void (*zones_done_fn)(void *arg, int status, const char *msg);

/* zones_reload_zone() and zones_sync_zone(): the outcome comes later. */
#define ZONES_QUEUED 1

/*
 * Fold a dynamic zone's journal into its zone file now (`dynzone ctl
 * sync`), through the zone's writer: ZONES_QUEUED (\p done is called when
 * the file is written or the write failed), or, with \p done not called,
 * DZ_ENOTFOUND, DZ_ENOTSUP (not dynamic), DZ_ENOMEM, DZ_ENOENT (stopping).
 */
int zones_sync_zone(zones_t *zones, const uint8_t *name, zones_done_fn done,
                    void *arg);

/*
 * Re-read one zone's file now. A static zone is loaded here: its status
 * (DZ_OK, or the load error, logged; the old version stays), with *msg
 * (NULL allowed) set to the reason. A dynamic zone is queued to its
 * writer: ZONES_QUEUED, \p done is called with the outcome. DZ_ENOTFOUND
 * when the zone is not configured.
 */
int zones_reload_zone(zones_t *zones, const uint8_t *name, zones_done_fn done,
                      void *arg, char *msg, size_t msglen);

/* Number of zones, and the i-th in canonical order (for status). */
size_t zones_count(const zones_t *zones);
void zones_status(const zones_t *zones, size_t i, zone_status_t *out);
/* Index of the zone named \p name, or DZ_ENOTFOUND. */
int zones_index(const zones_t *zones, const uint8_t *name, size_t *out);

const char *zone_state_str(zone_state_t state);

/* ---- loading (no logging; shared with `dynzoned --check`) -------------- */

/*
 * Parse the zone file \p path as the zone \p origin (class IN), build it and
 * run dz_zone_check. DZ_OK and *out (a new version), or the failure status
 * with \p err filled in (file:line:column when the parser found it).
 */
int zone_load_file(const char *path, const uint8_t *origin, dz_zone_t **out,
                   zone_error_t *err);

/*
 * Write the built-in example zone (DESIGN.md §1) to \p path unless a file
 * is already there; the folder is created (0755) if missing. DZ_OK (written
 * or present; *written says which), or -errno.
 */
int zones_write_example(const char *path, bool *written);
