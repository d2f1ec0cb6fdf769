/* SPDX-License-Identifier: BSD-3-Clause */
/* A dynamic zone's journal at load (repair, replay, drift between zone file and journal) and the reload of its edited zone file. */
#include "server/zones/zones_internal.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "lib/zone/changeset.h"
#include "lib/zone/serial.h"
#include "server/log/log.h"

static void log_unwritable(const zone_entry_t *e, const char *path, int err)
{
	log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, e->name, NULL,
	          "data-dir-unwritable", "path=%s err=%s", path,
	          dz_strerror(err));
}

/* Said before any update arrives: updates will fail until it is fixed. */
static void check_writable(const zone_entry_t *e)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", e->zpath);
	const char *d = dirname(dir);
	if (access(d, W_OK) != 0) {
		log_unwritable(e, d, dz_errno());
	} else if (access(e->jpath, F_OK) == 0 && access(e->jpath, W_OK) != 0) {
		log_unwritable(e, e->jpath, dz_errno());
	}
}

static int open_journal(zone_entry_t *e)
{
	dz_journal_repair_t rep = {0};
	dz_journal_t *j = NULL;
	int ret = dz_journal_open(e->jpath, e->name, DZ_JOURNAL_CREATE, &rep, &j);
	if (ret != DZ_OK) {
		return ret;
	}
	if (rep.cut_bytes > 0) {
		log_event(LOG_LEVEL_WARNING, LOG_CAT_GENERAL, e->name, NULL,
		          "journal-truncated",
		          "path=%s bytes=%llu records=%u reason=%s", e->jpath,
		          (unsigned long long)rep.cut_bytes, rep.records,
		          dz_journal_cut_str(rep.reason));
	}
	e->journal = j;
	return DZ_OK;
}

int zone_journal_ensure(zone_entry_t *e)
{
	return e->journal != NULL ? DZ_OK : open_journal(e);
}

/* Keep the side not used (DESIGN: nothing is lost): <path>.bak. */
static int keep_bak(const char *path)
{
	char bak[PATH_MAX + 8];
	snprintf(bak, sizeof(bak), "%s.bak", path);
	return rename(path, bak) == 0 ? DZ_OK : dz_errno();
}

static void log_mismatch(const zone_entry_t *e, const char *chosen,
                         const char *reason, uint32_t file_serial,
                         uint32_t jserial)
{
	log_event(LOG_LEVEL_WARNING, LOG_CAT_GENERAL, e->name, NULL,
	          "journal-mismatch",
	          "chosen=%s reason=%s file-serial=%u journal-serial=%u "
	          "path=%s",
	          chosen, reason, file_serial, jserial, e->jpath);
}

/* The zone file wins: the journal goes aside, a new one starts. */
static void journal_aside(zone_entry_t *e)
{
	dz_journal_free(e->journal);
	e->journal = NULL;
	if (keep_bak(e->jpath) == DZ_OK) {
		(void)open_journal(e); /* a failure is retried per update */
	}
}

/* Replay the records that follow the zone file's serial. */
static int replay(zone_entry_t *e, dz_zone_t **zone, unsigned flags)
{
	dz_journal_iter_t it;
	uint32_t serial = 0, from, to;
	(void)dz_zone_serial(*zone, &serial);
	int ret = dz_journal_find(e->journal, serial, &it);
	dz_changeset_t *ch = NULL;
	while (ret == DZ_OK &&
	       (ret = dz_journal_iter_next(&it, &from, &to, &ch)) == DZ_OK) {
		dz_zone_t *next = NULL;
		ret = dz_zone_apply(*zone, ch, flags, &next);
		dz_changeset_free(ch);
		if (ret == DZ_OK) {
			dz_zone_unref(*zone);
			*zone = next;
		}
	}
	return ret == DZ_ENOENT ? DZ_OK : ret;
}

/*
 * Drift (issue 4 §3): the newest consistent state wins and the other side
 * is kept as .bak.
 * - file serial newer than the journal's last: the file wins, the journal
 *   goes aside and a new one starts at the file's serial;
 * - the journal holds the file's serial but its records do not fit the
 *   file's content (edited, serial kept): the journal wins: its changes
 *   are replayed over the file, the edited file is kept as .bak and the
 *   zone file is rewritten from the result;
 * - the journal does not reach back to the file's serial: the file wins.
 */
static int journal_reconcile(zone_entry_t *e, dz_zone_t **zone)
{
	dz_journal_info_t info;
	dz_journal_info(e->journal, &info);
	uint32_t fs = e->file_serial;
	if (!info.has_serial || info.records == 0) {
		return DZ_OK;
	}
	if (dz_serial_cmp(fs, info.last) == DZ_SERIAL_GT) {
		log_mismatch(e, "zonefile", "zonefile-serial-newer", fs,
		             info.last);
		journal_aside(e);
		return DZ_OK;
	}
	dz_journal_iter_t it;
	if (dz_journal_find(e->journal, fs, &it) != DZ_OK) {
		log_mismatch(e, "zonefile", "journal-does-not-hold-serial", fs,
		             info.last);
		journal_aside(e);
		return DZ_OK;
	}
	dz_zone_t *copy = dz_zone_ref(*zone);
	if (replay(e, &copy, 0) == DZ_OK) {
		dz_zone_unref(*zone);
		*zone = copy;
		return DZ_OK;
	}
	dz_zone_unref(copy);
	log_mismatch(e, "journal", "zonefile-edited-same-serial", fs,
	             info.last);
	int ret = replay(e, zone, DZ_APPLY_LENIENT);
	if (ret == DZ_OK && keep_bak(e->zpath) == DZ_OK) {
		ret = zone_sync_write(*zone, e->zpath);
	}
	return ret;
}

int zone_journal_load(zone_entry_t *e, dz_zone_t **out)
{
	const conf_zone_t *zc = e->conf;
	snprintf(e->zpath, sizeof(e->zpath), "%s", zc->path);
	snprintf(e->jpath, sizeof(e->jpath), "%s.jnl", zc->path);
	dz_zone_t *zone = NULL;
	int ret = zone_load_file(e->zpath, e->name, &zone, &e->error);
	if (ret != DZ_OK) {
		return ret;
	}
	file_sig_read(e->zpath, &e->file_sig);
	(void)dz_zone_serial(zone, &e->file_serial);
	check_writable(e);
	dz_journal_free(e->journal);
	e->journal = NULL;
	ret = open_journal(e);
	if (ret != DZ_OK) {
		log_unwritable(e, e->jpath, ret);
		*out = zone; /* served; updates retry the journal */
		return DZ_OK;
	}
	ret = journal_reconcile(e, &zone);
	if (ret != DZ_OK) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, e->name, NULL,
		          "journal-replay-failed", "path=%s err=%s", e->jpath,
		          dz_strerror(ret));
	}
	uint32_t serial = 0;
	(void)dz_zone_serial(zone, &serial);
	e->dirty = serial != e->file_serial;
	clock_gettime(CLOCK_MONOTONIC, &e->dirty_since);
	*out = zone;
	return DZ_OK;
}

/* ===== Reload of an edited zone file (writer thread) ===================== */

static int journal_diff(zone_entry_t *e, const dz_zone_t *old,
                        const dz_zone_t *zone, const dz_changeset_t *ch)
{
	uint32_t from = 0, to = 0;
	(void)dz_zone_serial(old, &from);
	(void)dz_zone_serial(zone, &to);
	int ret = zone_journal_ensure(e);
	if (ret == DZ_OK) {
		ret = dz_journal_append(e->journal, from, to, ch);
	}
	if (ret == DZ_OK) {
		ret = dz_journal_sync(e->journal);
	}
	if (ret != DZ_OK) {
		if (e->journal != NULL) {
			(void)dz_journal_abort(e->journal);
		}
		log_event(LOG_LEVEL_ERROR, LOG_CAT_UPDATE, e->name, NULL,
		          "journal-write-failed", "path=%s err=%s", e->jpath,
		          dz_strerror(ret));
	}
	return ret;
}

/* Like BIND's ixfr-from-differences: the edit becomes a journal record. */
static int reload_changed(zone_entry_t *e, dz_zone_t *zone,
                          const file_sig_t *sig)
{
	const dz_zone_t *old = e->version;
	dz_changeset_t *ch = NULL;
	int ret = dz_zone_diff(old, zone, &ch);
	uint32_t os = 0, ns = 0;
	(void)dz_zone_serial(old, &os);
	(void)dz_zone_serial(zone, &ns);
	if (ret == DZ_OK && !dz_changeset_is_empty(ch)) {
		if (dz_serial_cmp(ns, os) != DZ_SERIAL_GT) {
			log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, e->name,
			          NULL, "reload-serial-not-increased",
			          "old=%u new=%u path=%s", os, ns, e->zpath);
			ret = DZ_ESERIAL;
		} else {
			ret = journal_diff(e, old, zone, ch);
		}
		if (ret == DZ_OK) {
			log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, e->name, NULL,
			          "zone-reloaded",
			          "serial=%u->%u journaled=%zu file=%s", os, ns,
			          dz_changeset_nadded(ch) +
			                  dz_changeset_nremoved(ch),
			          e->zpath);
			zone_entry_publish(e, dz_zone_ref(zone));
		}
	}
	dz_changeset_free(ch);
	if (ret == DZ_OK) {
		e->file_sig = *sig;
		e->file_serial = ns;
	}
	return ret;
}

int zone_journal_reload(zone_entry_t *e, bool force)
{
	file_sig_t sig;
	file_sig_read(e->zpath, &sig);
	if (!force && file_sig_equal(&sig, &e->file_sig)) {
		return DZ_OK; /* our own sync, or nothing changed */
	}
	dz_zone_t *zone = NULL;
	zone_error_t err;
	int ret = zone_load_file(e->zpath, e->name, &zone, &err);
	if (ret != DZ_OK) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, e->name, NULL,
		          "zone-load-failed",
		          "file=%s line=%u column=%u err=%s msg=%s "
		          "serving=previous",
		          err.file, err.line, err.column, dz_strerror(ret),
		          err.msg);
		return ret;
	}
	ret = e->version != NULL ? reload_changed(e, zone, &sig) : DZ_OK;
	dz_zone_unref(zone);
	return ret;
}
