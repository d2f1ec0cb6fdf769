/* SPDX-License-Identifier: BSD-3-Clause */
/* A finished transfer applied by the zone's writer as one new version: journal
 * records (or a fresh journal), zone file, publish, NOTIFY downstream. */
#include "server/xfrin/xfrin_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "lib/zone/zone.h"
#include "server/log/log.h"
#include "server/notify/notify.h"
#include "server/update/update_writer.h"
#include "server/zones/zones_internal.h"

typedef struct {
	xfrin_t *x;
	dz_xfr_in_result_t res; /* taken over from the machine */
} apply_job_t;

static void log_write_failed(const zone_entry_t *e, const char *path, int err)
{
	log_event(LOG_LEVEL_ERROR, LOG_CAT_XFR_IN, e->name, NULL,
	          "xfr-in-write-failed", "path=%s err=%s serving=%s", path,
	          dz_strerror(err), e->version != NULL ? "previous" : "none");
}

/* The transfer's difference records, synced once (writer thread). */
static int append_steps(zone_entry_t *e, const dz_xfr_in_result_t *r)
{
	int ret = zone_journal_ensure(e);
	for (size_t i = 0; ret == DZ_OK && i < r->nsteps; i++) {
		const dz_xfr_step_t *s = &r->steps[i];
		ret = dz_journal_append(e->journal, s->from, s->to, s->ch);
	}
	if (ret == DZ_OK) {
		ret = dz_journal_sync(e->journal);
	}
	if (ret != DZ_OK && e->journal != NULL) {
		(void)dz_journal_abort(e->journal); /* the batch is dropped */
	}
	return ret;
}

/* The old history does not lead to the new version: start a new journal
 * (the zone file already holds the new version). */
static int journal_restart(zone_entry_t *e)
{
	dz_journal_free(e->journal);
	e->journal = NULL;
	if (unlink(e->jpath) != 0 && errno != ENOENT) {
		return dz_errno();
	}
	return zone_journal_ensure(e);
}

/* A whole new zone: the zone file first, so a restart finds it. */
static int apply_fresh(zone_entry_t *e, const dz_zone_t *zone)
{
	int ret = zone_sync_write(zone, e->zpath);
	if (ret != DZ_OK) {
		log_write_failed(e, e->zpath, ret);
		return ret;
	}
	(void)dz_zone_serial(zone, &e->file_serial);
	file_sig_read(e->zpath, &e->file_sig);
	e->dirty = false;
	ret = journal_restart(e);
	if (ret != DZ_OK) {
		/* The zone file is durable: serve it; IXFR out waits. */
		log_write_failed(e, e->jpath, ret);
	}
	return DZ_OK;
}

static int apply(zone_entry_t *e, const dz_xfr_in_result_t *r)
{
	bool fresh = r->journal_reset || e->version == NULL;
	if (!fresh) {
		int ret = append_steps(e, r);
		if (ret == DZ_ESERIAL) {
			fresh = true; /* our journal does not chain to it */
		} else if (ret != DZ_OK) {
			log_write_failed(e, e->jpath, ret);
			return ret;
		}
	}
	if (fresh) {
		int ret = apply_fresh(e, r->zone);
		if (ret != DZ_OK) {
			return ret;
		}
	} else if (!e->dirty) {
		e->dirty = true; /* zonefile-sync writes it (0: this round) */
		clock_gettime(CLOCK_MONOTONIC, &e->dirty_since);
	}
	zone_entry_publish(e, dz_zone_ref(r->zone));
	return DZ_OK;
}

static void apply_run(zone_entry_t *e, void *arg)
{
	apply_job_t *job = arg;
	int ret = apply(e, &job->res);
	if (ret == DZ_OK) {
		/* RFC 1996 §4: our own secondaries learn of it at once. */
		notify_zone_changed_async(job->x->srv, e->name,
		                          job->res.serial_to);
	}
	xfrin_done_post(job->x, e->name, ret);
	dz_xfr_in_result_clear(&job->res);
	free(job);
}

int xfrin_apply_start(xfrin_zone_t *z)
{
	zones_thread_online();
	const zone_entry_t *e = zones_find(z->x->srv->zones, z->name);
	zone_writer_t *w =
	        e != NULL && dz_name_equal(zone_entry_name(e), z->name)
	                ? zone_entry_writer(e)
	                : NULL;
	zones_thread_offline();
	if (w == NULL) {
		return DZ_ENOTSUP; /* no writer: the daemon runs without one */
	}
	apply_job_t *job = calloc(1, sizeof(*job));
	if (job == NULL) {
		return DZ_ENOMEM;
	}
	job->x = z->x;
	job->res = z->result;
	int ret = zone_writer_call(w, apply_run, job);
	if (ret != DZ_OK) {
		free(job); /* the result stays the machine's */
		return ret;
	}
	memset(&z->result, 0, sizeof(z->result));
	return DZ_OK;
}
