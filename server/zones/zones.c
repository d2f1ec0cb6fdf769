/* SPDX-License-Identifier: BSD-3-Clause */
/* The zone table: RCU-published immutable tables of zone entries, longest-match lookup, reload and swap. */
#include "server/zones/zones.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <urcu-qsbr.h>

#include "lib/util/errcode.h"
#include "server/log/log.h"
#include "server/notify/notify.h"
#include "server/update/update_writer.h"
#include "server/zones/zones_internal.h"

/* An immutable table: built whole, published with one pointer store. */
typedef struct {
	size_t n;
	zone_entry_t **sorted; /* canonical order */
	zone_entry_t **slots;  /* open addressing by dz_name_hash */
	size_t mask;
	unsigned min_labels, max_labels;
} zone_table_t;

struct zones {
	zone_table_t *table; /* RCU-published */
	unsigned nthreads;
	void *uctx; /* update context: primary zones get a writer */
};

/* ===== RCU wrappers (keep liburcu's macros in this file) ================ */

void zones_thread_register(void)
{
	rcu_register_thread();
}

void zones_thread_unregister(void)
{
	rcu_unregister_thread();
}

void zones_thread_online(void)
{
	rcu_thread_online();
}

void zones_thread_offline(void)
{
	rcu_thread_offline();
}

void zones_synchronize(void)
{
	synchronize_rcu();
}

const conf_zone_t *zone_entry_conf(const zone_entry_t *e)
{
	return rcu_dereference(e->conf);
}

const uint8_t *zone_entry_name(const zone_entry_t *e)
{
	return e->name;
}

struct zone_writer *zone_entry_writer(const zone_entry_t *e)
{
	return e->writer;
}

bool zone_entry_expired(const zone_entry_t *e)
{
	return __atomic_load_n(&e->expired, __ATOMIC_RELAXED);
}

void zone_entry_set_expired(const zone_entry_t *e, bool expired)
{
	/* Readers only test it: a plain flag, no ordering needed. */
	__atomic_store_n(&((zone_entry_t *)e)->expired, expired,
	                 __ATOMIC_RELAXED);
}

/* ===== Tables ============================================================= */

static void table_free(zone_table_t *t)
{
	if (t != NULL) {
		free(t->sorted);
		free(t->slots);
		free(t);
	}
}

static int cmp_entry(const void *a, const void *b)
{
	const zone_entry_t *const *x = a, *const *y = b;
	return dz_name_cmp((*x)->name, (*y)->name);
}

static void table_insert(zone_table_t *t, zone_entry_t *e)
{
	size_t i = dz_name_hash(e->name) & t->mask;
	while (t->slots[i] != NULL) {
		i = (i + 1) & t->mask;
	}
	t->slots[i] = e;
	unsigned labels = dz_name_labels(e->name);
	t->min_labels = labels < t->min_labels ? labels : t->min_labels;
	t->max_labels = labels > t->max_labels ? labels : t->max_labels;
}

/* Build a table over \p n entries (the array is taken over). */
static int table_new(zone_entry_t **entries, size_t n, zone_table_t **out)
{
	zone_table_t *t = calloc(1, sizeof(*t));
	size_t size = 8;
	while (size < 2 * n) {
		size *= 2; /* load factor <= 1/2: short probe chains */
	}
	if (t != NULL) {
		t->slots = calloc(size, sizeof(*t->slots));
	}
	if (t == NULL || t->slots == NULL) {
		free(t);
		return DZ_ENOMEM;
	}
	t->n = n;
	t->sorted = entries;
	t->mask = size - 1;
	t->min_labels = DZ_NAME_MAXLABELS;
	if (n > 0) {
		qsort(t->sorted, n, sizeof(*t->sorted), cmp_entry);
	}
	for (size_t i = 0; i < n; i++) {
		table_insert(t, t->sorted[i]);
	}
	*out = t;
	return DZ_OK;
}

static zone_entry_t *table_get(const zone_table_t *t, const uint8_t *name)
{
	size_t i = dz_name_hash(name) & t->mask;
	for (zone_entry_t *e; (e = t->slots[i]) != NULL; i = (i + 1) & t->mask) {
		if (dz_name_equal(e->name, name)) {
			return e;
		}
	}
	return NULL;
}

/* ===== Reader side ======================================================== */

const zone_entry_t *zones_find(const zones_t *zones, const uint8_t *qname)
{
	const zone_table_t *t = rcu_dereference(zones->table);
	if (t == NULL || t->n == 0) {
		return NULL;
	}
	/* Try the suffixes of qname with as many labels as some zone has,
	 * longest first: at most max-min+1 hash probes. */
	unsigned labels = dz_name_labels(qname);
	if (labels < t->min_labels) {
		return NULL;
	}
	unsigned skip = labels > t->max_labels ? labels - t->max_labels : 0;
	for (; skip <= labels - t->min_labels; skip++) {
		zone_entry_t *e = table_get(t, dz_name_skip(qname, skip));
		if (e != NULL) {
			return e;
		}
	}
	return NULL;
}

const dz_zone_t *zone_entry_version(const zone_entry_t *e)
{
	return rcu_dereference(e->version);
}

stats_zone_t *zone_entry_stats(const zone_entry_t *e)
{
	return e->stats;
}

/* ===== Entries ============================================================ */

static int entry_new(const zones_t *zones, const conf_zone_t *zc,
                     zone_entry_t **out)
{
	zone_entry_t *e = calloc(1, sizeof(*e));
	if (e == NULL) {
		return DZ_ENOMEM;
	}
	if (stats_zone_new(zones->nthreads, &e->stats) != DZ_OK) {
		free(e);
		return DZ_ENOMEM;
	}
	dz_name_copy(e->name, zc->domain);
	pthread_mutex_init(&e->smu, NULL);
	e->conf = zc;
	e->uctx = zones->uctx;
	*out = e;
	return DZ_OK;
}

/* Only once no reader can see it (after a grace period, or at exit). */
static void entry_free(zone_entry_t *e)
{
	zone_writer_free(e->writer); /* joined: nothing runs for e now */
	dz_journal_free(e->journal);
	dz_zone_unref(e->version);
	stats_zone_free(e->stats);
	pthread_mutex_destroy(&e->smu);
	free(e);
}

void zone_entry_set_state(zone_entry_t *e, zone_state_t state,
                          const zone_error_t *err)
{
	pthread_mutex_lock(&e->smu);
	e->state = state;
	if (state == ZONE_STATE_OK) {
		clock_gettime(CLOCK_REALTIME, &e->loaded_at);
	} else if (err != NULL) {
		e->error = *err;
	}
	pthread_mutex_unlock(&e->smu);
}

void file_sig_read(const char *path, file_sig_t *sig)
{
	struct stat st;
	memset(sig, 0, sizeof(*sig));
	if (stat(path, &st) == 0) {
		sig->valid = true;
		sig->dev = st.st_dev;
		sig->ino = st.st_ino;
		sig->size = st.st_size;
		sig->mtime = st.st_mtim;
	}
}

bool file_sig_equal(const file_sig_t *a, const file_sig_t *b)
{
	return a->valid == b->valid && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* ===== Loading one zone ================================================== */

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void log_failed(const zone_entry_t *e, const zone_error_t *err)
{
	log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, e->name, NULL,
	          "zone-load-failed",
	          "file=%s line=%u column=%u err=%s msg=%s serving=%s",
	          err->file, err->line, err->column, dz_strerror(err->code),
	          err->msg, e->version != NULL ? "previous" : "none");
}

static void log_loaded(const zone_entry_t *e, const dz_zone_t *old,
                       const dz_zone_t *zone, double ms)
{
	uint32_t serial = 0, old_serial = 0;
	(void)dz_zone_serial(zone, &serial); /* checked: the zone has an SOA */
	dz_zone_stats_t st;
	dz_zone_stats(zone, &st);
	if (old == NULL) {
		log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, e->name, NULL,
		          "zone-loaded", "serial=%u records=%zu ms=%.1f file=%s",
		          serial, st.records, ms, e->conf->path);
		return;
	}
	(void)dz_zone_serial(old, &old_serial);
	/*
	 * A primary whose file changed but kept its serial: secondaries will
	 * not see the change. Once dynamic updates exist (the update issue),
	 * a primary with a journal refuses this reload and logs
	 * `reload-serial-not-increased` here; until then it is loaded as is.
	 */
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, e->name, NULL,
	          "zone-reloaded", "serial=%u->%u records=%zu ms=%.1f file=%s",
	          old_serial, serial, st.records, ms, e->conf->path);
}

/*
 * Only the journal's owner calls this (the writer, or the first load before
 * the writer exists), so reading the open journal is safe here; `status`
 * on the loop thread reads the copy under smu. A journal that could not be
 * opened (replayed read only, or not written yet) shows its file's size.
 */
void zone_entry_note_journal(zone_entry_t *e)
{
	zone_journal_stat_t st = {.kept = e->uctx != NULL};
	if (e->journal != NULL) {
		dz_journal_info_t info;
		dz_journal_info(e->journal, &info);
		st.size = info.size;
		st.has_serial = info.has_serial;
		st.oldest = info.first;
		st.newest = info.last;
	} else if (st.kept && e->jpath[0] != '\0') {
		struct stat sb;
		st.size = stat(e->jpath, &sb) == 0 ? (uint64_t)sb.st_size : 0;
	}
	pthread_mutex_lock(&e->smu);
	e->jstat = st;
	pthread_mutex_unlock(&e->smu);
}

/* Publish \p zone (taken over) as the entry's version, free the old one
 * after every reader has moved on. */
void zone_entry_publish(zone_entry_t *e, dz_zone_t *zone)
{
	zone_entry_note_journal(e); /* written before the version it leads to */
	uint32_t serial = 0;
	bool has_serial = zone != NULL && dz_zone_serial(zone, &serial) == DZ_OK;
	dz_zone_t *old = rcu_xchg_pointer(&e->version, zone);
	if (has_serial) {
		/* RFC 1996: every new version is announced (from any thread). */
		notify_zone_changed_async(NULL, e->name, serial);
	}
	if (old != NULL) {
		synchronize_rcu();
		dz_zone_unref(old);
	}
}

/*
 * Read the entry's file into a new version, off the query path: readers
 * keep answering from the old version until the one-pointer swap.
 */
static int entry_load(zone_entry_t *e)
{
	const conf_zone_t *zc = e->conf;
	file_sig_read(zc->path, &e->sig);
	if (!e->sig.valid && zc->role == CONF_ROLE_SECONDARY) {
		/* No copy yet: replication (a later issue) will fetch one. */
		return DZ_OK;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dz_zone_t *zone = NULL;
	zone_error_t err;
	int ret = zone_load_file(zc->path, zc->domain, &zone, &err);
	if (ret != DZ_OK) {
		zone_entry_set_state(e, ZONE_STATE_FAILED, &err);
		log_failed(e, &err);
		return ret;
	}
	log_loaded(e, e->version, zone, ms_since(&t0));
	zone_entry_set_state(e, ZONE_STATE_OK, NULL);
	zone_entry_publish(e, zone);
	return DZ_OK;
}

/* Primaries and secondaries alike: a secondary's writer applies its
 * incoming transfers and keeps its own journal (server/xfrin). */
static bool entry_is_dynamic(const zone_entry_t *e)
{
	return e->uctx != NULL;
}

/* A secondary without a copy (or with a broken one) still gets its writer
 * and paths: server/xfrin transfers the zone through it. */
static int entry_secondary_start(zone_entry_t *e)
{
	snprintf(e->zpath, sizeof(e->zpath), "%s", e->conf->path);
	snprintf(e->jpath, sizeof(e->jpath), "%s.jnl", e->conf->path);
	if (e->writer != NULL) {
		return DZ_OK;
	}
	zone_entry_note_journal(e); /* no writer yet: ours to read */
	return zone_writer_new(e, &e->writer);
}

/*
 * A dynamic zone's first load reads its journal too (zone_journal.c); a
 * later one goes through its writer, like every change of the zone
 * (DESIGN.md §3: one writer per zone), so it is queued, not done here.
 */
static int entry_load_dynamic(zone_entry_t *e, bool force)
{
	bool secondary = e->conf->role == CONF_ROLE_SECONDARY;
	if (e->writer != NULL &&
	    (e->state != ZONE_STATE_NOT_LOADED || secondary)) {
		return zone_writer_request(e->writer, ZONE_JOB_RELOAD, force,
		                           NULL, NULL);
	}
	/* Nothing writes this zone's files yet: a write killed last time
	 * may have left its temporary file. */
	zone_tmp_cleanup(e, e->conf->path);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	file_sig_read(e->conf->path, &e->sig);
	if (secondary && !e->sig.valid) {
		return entry_secondary_start(e); /* no copy yet */
	}
	dz_zone_t *zone = NULL;
	zone_error_t err;
	int ret = zone_journal_load(e, &zone, &err);
	if (ret != DZ_OK) {
		zone_entry_set_state(e, ZONE_STATE_FAILED, &err);
		log_failed(e, &err);
		if (secondary) {
			(void)entry_secondary_start(e); /* a transfer repairs it */
		}
		return ret;
	}
	log_loaded(e, e->version, zone, ms_since(&t0));
	zone_entry_set_state(e, ZONE_STATE_OK, NULL);
	zone_entry_publish(e, zone);
	if (e->writer == NULL) {
		ret = zone_writer_new(e, &e->writer);
	}
	return ret;
}

static int entry_load_any(zone_entry_t *e, bool force)
{
	return entry_is_dynamic(e) ? entry_load_dynamic(e, force)
	                           : entry_load(e);
}

/* ===== Writer side ======================================================== */

int zones_new(unsigned nthreads, zones_t **out)
{
	zones_t *z = calloc(1, sizeof(*z));
	if (z == NULL) {
		return DZ_ENOMEM;
	}
	z->nthreads = nthreads;
	int ret = table_new(NULL, 0, &z->table);
	if (ret != DZ_OK) {
		free(z);
		return ret;
	}
	*out = z;
	return DZ_OK;
}

void zones_free(zones_t *zones)
{
	if (zones == NULL) {
		return;
	}
	zone_table_t *t = zones->table;
	for (size_t i = 0; i < t->n; i++) {
		entry_free(t->sorted[i]);
	}
	table_free(t);
	free(zones);
}

/* The entries of the new table: old ones carried over, new ones made. */
static int collect_entries(zones_t *zones, const conf_t *conf,
                           zone_entry_t ***out)
{
	const zone_table_t *old = zones->table;
	zone_entry_t **v = calloc(conf->nzones + 1, sizeof(*v));
	if (v == NULL) {
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < conf->nzones; i++) {
		const conf_zone_t *zc = &conf->zones[i];
		zone_entry_t *e = table_get(old, zc->domain);
		if (e == NULL) {
			int ret = entry_new(zones, zc, &e);
			if (ret != DZ_OK) {
				for (size_t j = 0; j < i; j++) {
					if (table_get(old, v[j]->name) == NULL) {
						entry_free(v[j]);
					}
				}
				free(v);
				return ret;
			}
		}
		v[i] = e;
	}
	*out = v;
	return DZ_OK;
}

static bool entry_needs_load(const zone_entry_t *e, const conf_zone_t *zc,
                             bool force)
{
	if (force || e->state == ZONE_STATE_NOT_LOADED ||
	    e->conf == NULL || strcmp(e->conf->path, zc->path) != 0) {
		return true;
	}
	file_sig_t now;
	file_sig_read(zc->path, &now);
	return !file_sig_equal(&now, &e->sig);
}

int zones_configure(zones_t *zones, const conf_t *conf, bool force)
{
	zone_entry_t **v = NULL;
	int ret = collect_entries(zones, conf, &v);
	if (ret != DZ_OK) {
		return ret;
	}
	zone_table_t *old = zones->table;
	for (size_t i = 0; i < old->n; i++) {
		old->sorted[i]->keep = false;
	}
	/* Load before publishing the table, so a new zone appears with its
	 * data; a known zone swaps its own version inside entry_load(). */
	for (size_t i = 0; i < conf->nzones; i++) {
		zone_entry_t *e = v[i];
		bool load = entry_needs_load(e, &conf->zones[i], force);
		/* Readers load it online; the old configuration is freed
		 * after a grace period (server_reload). */
		__atomic_store_n(&e->conf, &conf->zones[i], __ATOMIC_RELEASE);
		e->keep = true;
		if (load) {
			/* logged; the zone keeps its state */
			(void)entry_load_any(e, force);
		}
	}
	zone_table_t *t = NULL;
	ret = table_new(v, conf->nzones, &t);
	if (ret != DZ_OK) {
		/* Out of memory: keep serving the old table. New entries
		 * would leak here; it is the rarest of failures. */
		free(v);
		return ret;
	}
	rcu_assign_pointer(zones->table, t);
	synchronize_rcu();
	for (size_t i = 0; i < old->n; i++) {
		if (!old->sorted[i]->keep) {
			entry_free(old->sorted[i]);
		}
	}
	table_free(old);
	return DZ_OK;
}

/* A static zone's load error as one line for the operator. */
static void error_line(zone_entry_t *e, int ret, char *msg, size_t len)
{
	pthread_mutex_lock(&e->smu);
	const zone_error_t *err = &e->error;
	if (e->state == ZONE_STATE_FAILED) {
		snprintf(msg, len, "%s:%u:%u: %s", err->file, err->line,
		         err->column, err->msg);
	} else {
		snprintf(msg, len, "%s", dz_strerror(ret));
	}
	pthread_mutex_unlock(&e->smu);
}

int zones_reload_zone(zones_t *zones, const uint8_t *name, zones_done_fn done,
                      void *arg, char *msg, size_t msglen)
{
	zone_entry_t *e = table_get(zones->table, name);
	if (e == NULL) {
		return DZ_ENOTFOUND;
	}
	if (entry_is_dynamic(e) && e->writer != NULL &&
	    (e->state != ZONE_STATE_NOT_LOADED ||
	     e->conf->role == CONF_ROLE_SECONDARY)) {
		/* Through the writer (DESIGN.md §3): the outcome comes from
		 * its thread once the file was read and journaled. */
		int ret = zone_writer_request(e->writer, ZONE_JOB_RELOAD, true,
		                              done, arg);
		return ret == DZ_OK ? ZONES_QUEUED : ret;
	}
	int ret = entry_load_any(e, true);
	if (ret != DZ_OK && msg != NULL) {
		error_line(e, ret, msg, msglen);
	}
	return ret;
}

void zones_set_update(zones_t *zones, void *uctx)
{
	zones->uctx = uctx;
}

void zones_stop_writers(zones_t *zones)
{
	const zone_table_t *t = zones->table;
	for (size_t i = 0; i < t->n; i++) {
		zone_writer_stop(t->sorted[i]->writer);
	}
}

int zones_sync_zone(zones_t *zones, const uint8_t *name, zones_done_fn done,
                    void *arg)
{
	zone_entry_t *e = table_get(zones->table, name);
	if (e == NULL) {
		return DZ_ENOTFOUND;
	}
	if (e->writer == NULL) {
		return DZ_ENOTSUP; /* not a dynamic zone */
	}
	int ret = zone_writer_request(e->writer, ZONE_JOB_SYNC, true, done,
	                              arg);
	return ret == DZ_OK ? ZONES_QUEUED : ret;
}

size_t zones_count(const zones_t *zones)
{
	return zones->table->n;
}

int zones_index(const zones_t *zones, const uint8_t *name, size_t *out)
{
	const zone_table_t *t = zones->table;
	for (size_t i = 0; i < t->n; i++) {
		if (dz_name_equal(t->sorted[i]->name, name)) {
			*out = i;
			return DZ_OK;
		}
	}
	return DZ_ENOTFOUND;
}

void zones_status(const zones_t *zones, size_t i, zone_status_t *out)
{
	const zone_entry_t *e = zones->table->sorted[i];
	memset(out, 0, sizeof(*out));
	out->name = e->name;
	out->conf = e->conf;
	pthread_mutex_lock((pthread_mutex_t *)&e->smu);
	out->state = e->state;
	out->loaded_at = e->loaded_at;
	out->journal = e->jstat;
	if (e->state == ZONE_STATE_FAILED) {
		out->error_copy = e->error;
		out->error = &out->error_copy;
	}
	pthread_mutex_unlock((pthread_mutex_t *)&e->smu);
	out->has_version = e->version != NULL;
	if (e->version != NULL) {
		(void)dz_zone_serial(e->version, &out->serial);
		dz_zone_stats(e->version, &out->counts);
	}
	out->queries = stats_zone_get(e->stats, STATS_ZONE_QUERIES);
}

const char *zone_state_str(zone_state_t state)
{
	switch (state) {
	case ZONE_STATE_OK:
		return "loaded";
	case ZONE_STATE_FAILED:
		return "failed";
	case ZONE_STATE_NOT_LOADED:
		break;
	}
	return "not-loaded";
}
