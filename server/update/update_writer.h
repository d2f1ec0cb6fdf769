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

/* Ask for a sync or a reload (\p force: even if the file is unchanged). */
int zone_writer_request(zone_writer_t *w, zone_job_kind_t kind, bool force);
