/* SPDX-License-Identifier: BSD-3-Clause */
/* The writer thread of a dynamic zone: its queue, its wake-ups (updates, sync, reload, the zonefile-sync timer), stop. */
#include "server/update/update_writer.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "lib/util/errcode.h"
#include "server/update/update_internal.h"
#include "server/zones/zones_internal.h"

/* A queued zone_writer_call(). */
typedef struct writer_call {
	struct writer_call *next;
	zone_writer_fn_t fn;
	void *arg;
} writer_call_t;

/* Someone waiting for the outcome of a sync or reload (`ctl`). */
typedef struct waiter {
	struct waiter *next;
	zone_job_kind_t kind;
	zone_writer_done_fn done;
	void *arg;
} waiter_t;

struct zone_writer {
	zone_entry_t *e;
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* CLOCK_MONOTONIC */
	/* Under mu. */
	update_job_t *head, *tail;
	bool stop, sync_req, reload_req, reload_force;
	writer_call_t *calls, *calls_tail;
	waiter_t *waiters;
};

/* When the zonefile-sync timer fires next, or false if it does not run. */
static bool sync_deadline(const zone_entry_t *e, int64_t interval,
                          struct timespec *at)
{
	if (!e->dirty || interval <= 0) {
		return false;
	}
	*at = e->dirty_since;
	at->tv_sec += interval;
	return true;
}

static int64_t sync_interval(const zone_entry_t *e)
{
	zones_thread_online();
	int64_t v = zone_entry_conf(e)->zonefile_sync;
	zones_thread_offline();
	return v;
}

static bool past(const struct timespec *at)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > at->tv_sec ||
	       (now.tv_sec == at->tv_sec && now.tv_nsec >= at->tv_nsec);
}

/* Wait for work; returns with mu held. */
static void wait_work(zone_writer_t *w, int64_t interval)
{
	struct timespec at;
	while (w->head == NULL && w->calls == NULL && !w->stop &&
	       !w->sync_req && !w->reload_req) {
		if (!sync_deadline(w->e, interval, &at)) {
			pthread_cond_wait(&w->cv, &w->mu);
		} else if (past(&at) ||
		           pthread_cond_timedwait(&w->cv, &w->mu, &at) ==
		                   ETIMEDOUT) {
			w->sync_req = true; /* the zonefile-sync timer */
		}
	}
}

static void run_calls(zone_entry_t *e, writer_call_t *c)
{
	while (c != NULL) {
		writer_call_t *next = c->next;
		c->fn(e, c->arg);
		free(c);
		c = next;
	}
}

/*
 * A sync the configuration asks for now: zonefile-sync 0 (the zone file
 * follows every change), or a journal past journal-max-size (its oldest
 * records can only be dropped once the zone file holds them) - unless
 * zonefile-sync is -1: the zone file is then written on `ctl sync` only.
 */
static bool auto_sync(const zone_entry_t *e)
{
	if (!e->dirty) {
		return false;
	}
	zones_thread_online();
	int64_t interval = zone_entry_conf(e)->zonefile_sync;
	uint64_t max = zone_entry_conf(e)->journal_max_size;
	zones_thread_offline();
	if (interval == 0) {
		return true;
	}
	return interval > 0 && max > 0 && e->journal != NULL &&
	       dz_journal_size(e->journal) > max;
}

/* Tell every waiter of \p kind how it went, and free them all. */
static void notify(waiter_t *list, zone_job_kind_t kind, int status,
                   const char *msg)
{
	for (waiter_t *wt = list; wt != NULL; wt = wt->next) {
		if (wt->kind == kind) {
			wt->done(wt->arg, status, msg);
		}
	}
}

static void free_waiters(waiter_t *list)
{
	while (list != NULL) {
		waiter_t *next = list->next;
		free(list);
		list = next;
	}
}

/* The requests of one round. */
typedef struct {
	update_job_t *jobs;
	writer_call_t *calls;
	bool reload, force, sync;
	waiter_t *waiters;
} round_t;

static void run_round(zone_writer_t *w, const round_t *r)
{
	zone_entry_t *e = w->e;
	char msg[512];
	if (r->reload) {
		msg[0] = '\0';
		int ret = zone_journal_reload(e, r->force, msg, sizeof(msg));
		notify(r->waiters, ZONE_JOB_RELOAD, ret, msg); /* logged */
	}
	if (r->jobs != NULL) {
		update_batch_run(e, r->jobs);
	}
	run_calls(e, r->calls);
	if (r->sync || auto_sync(e)) {
		msg[0] = '\0';
		int ret = zone_sync_run(e, msg, sizeof(msg)); /* logged */
		notify(r->waiters, ZONE_JOB_SYNC, ret, msg);
	}
	free_waiters(r->waiters);
}

static void *writer_main(void *arg)
{
	zone_writer_t *w = arg;
	zones_thread_register();
	zones_thread_offline();
	pthread_mutex_lock(&w->mu);
	for (;;) {
		pthread_mutex_unlock(&w->mu);
		int64_t interval = sync_interval(w->e);
		pthread_mutex_lock(&w->mu);
		wait_work(w, interval);
		round_t r = {.jobs = w->head, .calls = w->calls,
		             .reload = w->reload_req, .force = w->reload_force,
		             .sync = w->sync_req, .waiters = w->waiters};
		w->head = w->tail = NULL;
		w->calls = w->calls_tail = NULL;
		w->reload_req = w->reload_force = w->sync_req = false;
		w->waiters = NULL;
		if (r.jobs == NULL && r.calls == NULL && !r.reload && !r.sync &&
		    w->stop) {
			break;
		}
		pthread_mutex_unlock(&w->mu);
		run_round(w, &r);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	zones_thread_unregister();
	return NULL;
}

int zone_writer_new(zone_entry_t *e, zone_writer_t **out)
{
	zone_writer_t *w = calloc(1, sizeof(*w));
	if (w == NULL) {
		return DZ_ENOMEM;
	}
	w->e = e;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&w->mu, NULL);
	/* Signals belong to the loop thread. */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int err = pthread_create(&w->thread, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return -err;
	}
	w->started = true;
	*out = w;
	return DZ_OK;
}

void zone_writer_stop(zone_writer_t *w)
{
	if (w == NULL || !w->started) {
		return;
	}
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	w->started = false;
}

void zone_writer_free(zone_writer_t *w)
{
	if (w == NULL) {
		return;
	}
	zone_writer_stop(w);
	free_waiters(w->waiters); /* none: the last round took them */
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

int zone_writer_submit(zone_writer_t *w, update_job_t *job)
{
	pthread_mutex_lock(&w->mu);
	if (w->stop) {
		pthread_mutex_unlock(&w->mu);
		return DZ_ENOENT;
	}
	job->next = NULL;
	if (w->tail != NULL) {
		w->tail->next = job;
	} else {
		w->head = job;
	}
	w->tail = job;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return DZ_OK;
}

int zone_writer_request(zone_writer_t *w, zone_job_kind_t kind, bool force,
                        zone_writer_done_fn done, void *arg)
{
	waiter_t *wt = NULL;
	if (done != NULL) {
		wt = calloc(1, sizeof(*wt));
		if (wt == NULL) {
			return DZ_ENOMEM;
		}
		*wt = (waiter_t){.kind = kind, .done = done, .arg = arg};
	}
	pthread_mutex_lock(&w->mu);
	if (w->stop) {
		/* The last round may have run: nobody would answer. */
		pthread_mutex_unlock(&w->mu);
		free(wt);
		return DZ_ENOENT;
	}
	if (kind == ZONE_JOB_SYNC) {
		w->sync_req = true;
	} else if (kind == ZONE_JOB_RELOAD) {
		w->reload_req = true;
		w->reload_force = w->reload_force || force;
	}
	if (wt != NULL) {
		wt->next = w->waiters;
		w->waiters = wt;
	}
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return DZ_OK;
}

int zone_writer_call(zone_writer_t *w, zone_writer_fn_t fn, void *arg)
{
	writer_call_t *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return DZ_ENOMEM;
	}
	c->fn = fn;
	c->arg = arg;
	pthread_mutex_lock(&w->mu);
	if (w->stop) {
		pthread_mutex_unlock(&w->mu);
		free(c);
		return DZ_ENOENT;
	}
	if (w->calls_tail != NULL) {
		w->calls_tail->next = c;
	} else {
		w->calls = c;
	}
	w->calls_tail = c;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return DZ_OK;
}
