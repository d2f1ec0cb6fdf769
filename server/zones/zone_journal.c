/* SPDX-License-Identifier: BSD-3-Clause */
/* A dynamic zone's journal at load (repair, replay, drift between zone file and journal) and the reload of its edited zone file. */
#include "server/zones/zones_internal.h"

#include <errno.h>
#include <fcntl.h>
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

/* Said before any update arrives: updates will fail until it is fixed.
 * access(2) checks the real uid: the daemon has dropped privileges by
 * now only if it started as that user, so check with the effective ids
 * (eaccess semantics through faccessat AT_EACCESS). */
static bool check_writable(const zone_entry_t *e)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", e->zpath);
	const char *d = dirname(dir);
	if (faccessat(AT_FDCWD, d, W_OK, AT_EACCESS) != 0) {
		log_unwritable(e, d, dz_errno());
		return false;
	}
	if (faccessat(AT_FDCWD, e->jpath, F_OK, AT_EACCESS) == 0 &&
	    faccessat(AT_FDCWD, e->jpath, W_OK, AT_EACCESS) != 0) {
		log_unwritable(e, e->jpath, dz_errno());
		return false;
	}
	return true;
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

/* \p kept.bak: where the side not used went (DESIGN: nothing is lost). */
static void log_mismatch(const zone_entry_t *e, const char *chosen,
                         const char *reason, uint32_t file_serial,
                         uint32_t jserial, const char *kept)
{
	log_event(LOG_LEVEL_WARNING, LOG_CAT_GENERAL, e->name, NULL,
	          "journal-mismatch",
	          "chosen=%s reason=%s file-serial=%u journal-serial=%u "
	          "path=%s kept=%s.bak",
	          chosen, reason, file_serial, jserial, e->jpath, kept);
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

/* The zone file on disk is now \p zone (rewritten by us). */
static void file_is(zone_entry_t *e, const dz_zone_t *zone)
{
	(void)dz_zone_serial(zone, &e->file_serial);
	file_sig_read(e->zpath, &e->file_sig);
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
		             info.last, e->jpath);
		journal_aside(e);
		return DZ_OK;
	}
	dz_journal_iter_t it;
	if (dz_journal_find(e->journal, fs, &it) != DZ_OK) {
		log_mismatch(e, "zonefile", "journal-does-not-hold-serial", fs,
		             info.last, e->jpath);
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
	             info.last, e->zpath);
	int ret = replay(e, zone, DZ_APPLY_LENIENT);
	if (ret == DZ_OK && keep_bak(e->zpath) == DZ_OK) {
		ret = zone_sync_write(*zone, e->zpath);
		if (ret == DZ_OK) {
			file_is(e, *zone);
		}
	}
	return ret;
}

/* ===== Drift with a base (docs/updates.md) ================================ */

/* S: the base (the zone file as last synced) + every journal record that
 * follows its serial - the state the server served when it stopped. */
static int served_state(zone_entry_t *e, const char *bpath, dz_zone_t **out)
{
	zone_error_t err;
	dz_zone_t *s = NULL;
	int ret = zone_load_file(bpath, e->name, &s, &err);
	if (ret == DZ_OK) {
		ret = replay(e, &s, 0);
	}
	if (ret != DZ_OK) {
		dz_zone_unref(s);
		return ret;
	}
	*out = s;
	return DZ_OK;
}

/*
 * The file's serial is newer than S's: the file wins. Its difference from
 * S becomes a journal record (S.serial -> file serial, so IXFR and the
 * next start see one chain) and S is kept as <file>.jnl-state.bak.
 */
static void file_wins(zone_entry_t *e, const dz_zone_t *s,
                      const dz_changeset_t *ch, uint32_t ss)
{
	char kept[PATH_MAX + 16], bak[PATH_MAX + 24];
	snprintf(kept, sizeof(kept), "%s.jnl-state", e->zpath);
	snprintf(bak, sizeof(bak), "%s.bak", kept);
	int ret = zone_sync_write(s, bak);
	log_mismatch(e, "zonefile", "zonefile-serial-newer", e->file_serial,
	             ss, kept);
	if (ret != DZ_OK) {
		log_unwritable(e, bak, ret);
	}
	ret = dz_journal_append(e->journal, ss, e->file_serial, ch);
	if (ret == DZ_OK) {
		ret = dz_journal_sync(e->journal);
	}
	if (ret != DZ_OK) {
		(void)dz_journal_abort(e->journal);
		log_event(LOG_LEVEL_ERROR, LOG_CAT_UPDATE, e->name, NULL,
		          "journal-write-failed", "path=%s err=%s", e->jpath,
		          dz_strerror(ret));
		journal_aside(e); /* a new chain starts at the file */
	}
	zone_base_refresh(e);
}

/*
 * The content differs but the serial did not move forward: secondaries
 * would never see the edit, and the journal holds acknowledged updates.
 * The journal wins: S is served and written as the zone file; the edited
 * file is kept as <file>.bak.
 */
static void journal_wins(zone_entry_t *e, dz_zone_t **zone, dz_zone_t *s,
                         uint32_t ss)
{
	log_mismatch(e, "journal", "serial-not-increased", e->file_serial,
	             ss, e->zpath);
	dz_zone_unref(*zone);
	*zone = dz_zone_ref(s);
	int ret = keep_bak(e->zpath);
	if (ret == DZ_OK) {
		ret = zone_sync_write(s, e->zpath);
	}
	if (ret != DZ_OK) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_UPDATE, e->name, NULL,
		          "zone-sync-failed", "path=%s err=%s", e->zpath,
		          dz_strerror(ret));
		return; /* S is served; the journal still leads to it */
	}
	file_is(e, s);
	zone_base_refresh(e);
}

/*
 * With a base: DZ_OK when the drift rules decided (or there was no
 * drift), DZ_ENOENT when the caller must use the zone file's serial alone
 * (no base, the file is the base, or S cannot be rebuilt).
 */
static int base_reconcile(zone_entry_t *e, dz_zone_t **zone)
{
	char bpath[PATH_MAX + 8];
	bool same = false;
	zone_base_path(e, bpath, sizeof(bpath));
	if (zone_file_same(e->zpath, bpath, &same) != DZ_OK || same) {
		return DZ_ENOENT;
	}
	dz_zone_t *s = NULL;
	dz_changeset_t *ch = NULL;
	int ret = served_state(e, bpath, &s);
	if (ret == DZ_OK) {
		ret = dz_zone_diff(s, *zone, &ch);
	}
	if (ret != DZ_OK) {
		dz_zone_unref(s);
		return DZ_ENOENT;
	}
	uint32_t ss = 0;
	(void)dz_zone_serial(s, &ss);
	if (dz_changeset_is_empty(ch)) {
		/* The file is S (a stop between writing the zone file and
		 * its base): nothing drifted. */
		zone_base_refresh(e);
	} else if (dz_serial_cmp(e->file_serial, ss) == DZ_SERIAL_GT) {
		file_wins(e, s, ch, ss);
	} else {
		journal_wins(e, zone, s, ss);
	}
	dz_changeset_free(ch);
	dz_zone_unref(s);
	return DZ_OK;
}

/* The journal cannot be opened for writing: replay what it holds
 * anyway (read only), so no acknowledged update goes missing. */
static void replay_read_only(zone_entry_t *e, dz_zone_t **zone)
{
	dz_journal_repair_t rep = {0};
	if (dz_journal_open(e->jpath, e->name, DZ_JOURNAL_RDONLY, &rep,
	                    &e->journal) != DZ_OK) {
		e->journal = NULL;
		return;
	}
	dz_zone_t *copy = dz_zone_ref(*zone);
	if (replay(e, &copy, 0) == DZ_OK) {
		dz_zone_unref(*zone);
		*zone = copy;
	} else {
		dz_zone_unref(copy);
	}
	dz_journal_free(e->journal);
	e->journal = NULL; /* updates retry opening it for writing */
}

static void reconcile(zone_entry_t *e, dz_zone_t **zone, bool writable)
{
	char bpath[PATH_MAX + 8];
	zone_base_path(e, bpath, sizeof(bpath));
	bool had_base = access(bpath, F_OK) == 0;
	if (had_base && base_reconcile(e, zone) == DZ_OK) {
		return;
	}
	int ret = journal_reconcile(e, zone);
	if (ret != DZ_OK) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, e->name, NULL,
		          "journal-replay-failed", "path=%s err=%s", e->jpath,
		          dz_strerror(ret));
	}
	file_sig_read(e->zpath, &e->file_sig);
	if (writable) {
		/* First start (or data from before bases): from now on the
		 * zone file as it is now is what the journal continues. */
		zone_base_refresh(e);
	}
}

int zone_journal_load(zone_entry_t *e, dz_zone_t **out, zone_error_t *err)
{
	const conf_zone_t *zc = e->conf;
	snprintf(e->zpath, sizeof(e->zpath), "%s", zc->path);
	snprintf(e->jpath, sizeof(e->jpath), "%s.jnl", zc->path);
	dz_zone_t *zone = NULL;
	int ret = zone_load_file(e->zpath, e->name, &zone, err);
	if (ret != DZ_OK) {
		return ret;
	}
	file_is(e, zone);
	bool writable = check_writable(e);
	dz_journal_free(e->journal);
	e->journal = NULL;
	ret = open_journal(e);
	if (ret != DZ_OK) {
		log_unwritable(e, e->jpath, ret);
		replay_read_only(e, &zone);
	} else {
		reconcile(e, &zone, writable);
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

/* Like BIND's ixfr-from-differences: the edit becomes a journal record.
 * DZ_ESERIAL when the content changed but the serial did not increase. */
static int reload_changed(zone_entry_t *e, dz_zone_t *zone,
                          const file_sig_t *sig, char *msg, size_t len)
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
			snprintf(msg, len,
			         "%s: content changed but serial %u is not "
			         "newer than %u: reload refused, serial %u "
			         "still served",
			         e->zpath, ns, os, os);
			ret = DZ_ESERIAL;
		} else {
			ret = journal_diff(e, old, zone, ch);
			if (ret != DZ_OK) {
				snprintf(msg, len, "journal %s not written: %s",
				         e->jpath, dz_strerror(ret));
			}
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
	} else if (ret != DZ_OK) {
		snprintf(msg, len, "difference not computed: %s",
		         dz_strerror(ret));
	}
	dz_changeset_free(ch);
	if (ret == DZ_OK) {
		e->file_sig = *sig;
		e->file_serial = ns;
		zone_base_refresh(e); /* the journal continues from this file */
	}
	return ret;
}

/* A refused reload as a load error for `status` (the old data serves). */
static void reload_refused(zone_entry_t *e, int ret, const char *msg)
{
	zone_error_t err = {.code = ret};
	snprintf(err.file, sizeof(err.file), "%s", e->zpath);
	snprintf(err.msg, sizeof(err.msg), "%s", msg);
	zone_entry_set_state(e, ZONE_STATE_FAILED, &err);
}

int zone_journal_reload(zone_entry_t *e, bool force, char *msg, size_t len)
{
	file_sig_t sig;
	file_sig_read(e->zpath, &sig);
	if (!force && file_sig_equal(&sig, &e->file_sig)) {
		snprintf(msg, len, "zone file unchanged");
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
		snprintf(msg, len, "%s:%u:%u: %s", err.file, err.line,
		         err.column, err.msg);
		zone_entry_set_state(e, ZONE_STATE_FAILED, &err);
		return ret;
	}
	ret = e->version != NULL ? reload_changed(e, zone, &sig, msg, len)
	                         : DZ_OK;
	dz_zone_unref(zone);
	if (ret != DZ_OK) {
		reload_refused(e, ret, msg);
	} else {
		zone_entry_set_state(e, ZONE_STATE_OK, NULL);
	}
	return ret;
}
