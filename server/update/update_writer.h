/* SPDX-License-Identifier: BSD-3-Clause */
/* The writer of one dynamic zone: a thread that drains the zone's queue of updates, syncs and reloads (group commit). */
#pragma once

#include <stdbool.h>

struct zone_entry;
struct update_job;

/*
 * One writer per primary zone (DESIGN.md §3): every change of the zone -
 * updates, zone-file syncs, reloads - runs on its thread, in order. The
 * thread sleeps on a condition variable; it takes every queued update at
 * once, applies them one after the other, appends their journal records,
 * fdatasyncs once (group commit), publishes the newest version and hands
 * the answers to the loop thread. A thread per zone keeps each zone's
 * fsync off every other zone's path; idle writers cost a stack only.
 */
typedef struct zone_writer zone_writer_t;

typedef enum {
	ZONE_JOB_UPDATE = 0,
	ZONE_JOB_SYNC,
	ZONE_JOB_RELOAD,
} zone_job_kind_t;

/* Start the writer of \p e (loop thread). DZ_OK, DZ_ENOMEM, -errno. */
int zone_writer_new(struct zone_entry *e, zone_writer_t **out);

/* Finish the queue, stop and join the thread (idempotent; NULL: no-op). */
void zone_writer_stop(zone_writer_t *w);

/* Stop, then free. NULL is a no-op. */
void zone_writer_free(zone_writer_t *w);

/* Queue an update (taken over; any thread). DZ_OK, or DZ_ECANCELED-like
 * DZ_ENOENT once the writer is stopping (the job is then the caller's). */
int zone_writer_submit(zone_writer_t *w, struct update_job *job);

/*
 * How a requested sync or reload ended (writer thread): \p status (DZ_OK or
 * the failure) and \p msg, one line for the operator.
 */
typedef void (*zone_writer_done_fn)(void *arg, int status, const char *msg);

/*
 * Ask for a sync or a reload (\p force: even if the file is unchanged).
 * Requests that arrive before the writer gets to them are run once and
 * every \p done (NULL: nobody waits) is called with that outcome, from the
 * writer thread. DZ_OK (done will be called), DZ_ENOMEM, or DZ_ENOENT once
 * the writer is stopping (done is then not called).
 */
int zone_writer_request(zone_writer_t *w, zone_job_kind_t kind, bool force,
                        zone_writer_done_fn done, void *arg);

/* A job of another module (server/xfrin: apply a transfer), run on the
 * writer thread after the round's updates, offline (RCU). */
typedef void (*zone_writer_fn_t)(struct zone_entry *e, void *arg);

/* Queue \p fn(e, arg) (any thread). DZ_OK, DZ_ENOMEM, or DZ_ENOENT once
 * the writer is stopping (\p fn is then never called: \p arg stays the
 * caller's). */
int zone_writer_call(zone_writer_t *w, zone_writer_fn_t fn, void *arg);
