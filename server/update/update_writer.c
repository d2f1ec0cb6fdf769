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

struct zone_writer {
	zone_entry_t *e;
	pthread_t thread;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* CLOCK_MONOTONIC */
	/* Under mu. */
	update_job_t *head, *tail;
	bool stop, sync_req, reload_req, reload_force;
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
	while (w->head == NULL && !w->stop && !w->sync_req && !w->reload_req) {
		if (!sync_deadline(w->e, interval, &at)) {
			pthread_cond_wait(&w->cv, &w->mu);
		} else if (past(&at) ||
		           pthread_cond_timedwait(&w->cv, &w->mu, &at) ==
		                   ETIMEDOUT) {
			w->sync_req = true; /* the zonefile-sync timer */
		}
	}
}

static void run_round(zone_writer_t *w, update_job_t *jobs, bool reload,
                      bool force, bool sync)
{
	zone_entry_t *e = w->e;
	if (reload) {
		(void)zone_journal_reload(e, force); /* logged */
	}
	if (jobs != NULL) {
		update_batch_run(e, jobs);
	}
	/* zonefile-sync 0: the zone file follows every change. */
	if (sync || (e->dirty && sync_interval(e) == 0)) {
		(void)zone_sync_run(e); /* logged */
	}
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
		update_job_t *jobs = w->head;
		bool reload = w->reload_req, force = w->reload_force;
		bool sync = w->sync_req;
		w->head = w->tail = NULL;
		w->reload_req = w->reload_force = w->sync_req = false;
		if (jobs == NULL && !reload && !sync && w->stop) {
			break;
		}
		pthread_mutex_unlock(&w->mu);
		run_round(w, jobs, reload, force, sync);
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

int zone_writer_request(zone_writer_t *w, zone_job_kind_t kind, bool force)
{
	pthread_mutex_lock(&w->mu);
	if (kind == ZONE_JOB_SYNC) {
		w->sync_req = true;
	} else if (kind == ZONE_JOB_RELOAD) {
		w->reload_req = true;
		w->reload_force = w->reload_force || force;
	}
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return DZ_OK;
}
