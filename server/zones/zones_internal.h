/* SPDX-License-Identifier: BSD-3-Clause */
/* The zone entry as the files of server/zones and the zone's writer see it: journal, sync and reload state. */
#pragma once

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "lib/journal/journal.h"
#include "server/zones/zones.h"

struct zone_writer;

/* Identity of a zone file as stat(2) sees it: a change of any field means
 * the file must be read again (an editor that renames changes the inode). */
typedef struct {
	bool valid;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
} file_sig_t;

/*
 * One served zone. It lives as long as the zone stays configured: reloads
 * of the configuration carry it into the next table. Readers touch only
 * name, version, conf and stats. Of the rest, the "loop" fields belong to
 * the loop thread, the "writer" fields to the zone's writer once it runs
 * (before that, to the loop thread's first load).
 */
struct zone_entry {
	uint8_t name[DZ_NAME_MAXLEN];
	dz_zone_t *version; /* RCU-published; NULL: SERVFAIL */
	stats_zone_t *stats;
	const conf_zone_t *conf; /* RCU-published with the configuration */
	/* Written by the loop thread, or by the writer once it runs; under
	 * smu (status reads them from the loop thread). */
	pthread_mutex_t smu;
	zone_state_t state;
	zone_error_t error;
	struct timespec loaded_at;
	/* Loop thread only. */
	file_sig_t sig; /* of the last file read, loaded or not */
	bool keep;      /* scratch for zones_configure */
	/* Dynamic (primary) zones: the writer and what it owns. */
	struct zone_writer *writer;
	dz_journal_t *journal; /* NULL: could not be opened (retried) */
	char jpath[PATH_MAX];  /* <zone file>.jnl */
	char zpath[PATH_MAX];  /* zone file path as last used */
	uint32_t file_serial;  /* serial of the zone file on disk */
	file_sig_t file_sig;   /* stat of the zone file we read or wrote */
	bool dirty;            /* the version is newer than the zone file */
	struct timespec dirty_since;
	void *uctx;                /* the update context (server/update) */
	zone_journal_stat_t jstat; /* for `status`; under smu */
	bool expired; /* server/xfrin: a secondary past its expire (atomic) */
};

void file_sig_read(const char *path, file_sig_t *sig);
bool file_sig_equal(const file_sig_t *a, const file_sig_t *b);

/* Record a load outcome (under smu): ZONE_STATE_OK sets loaded_at now,
 * ZONE_STATE_FAILED copies \p err. */
void zone_entry_set_state(zone_entry_t *e, zone_state_t state,
                          const zone_error_t *err);

/* Publish \p zone (taken over) and drop the old version after a grace
 * period (the caller is offline or unregistered). The caller owns the
 * journal: its `status` copy is refreshed too. */
void zone_entry_publish(zone_entry_t *e, dz_zone_t *zone);

/* The journal's owner, after changing it without publishing (a trim):
 * refresh the copy `status` reads (zone_journal_stat_t). */
void zone_entry_note_journal(zone_entry_t *e);

/* ---- zone_journal.c: journal at load, reload of a dynamic zone -------- */

/*
 * First load of a primary zone (loop thread, before serving): the zone
 * file, then its journal (<file>.jnl; cut tail logged), replay, drift
 * rules (journal-mismatch, .bak files). DZ_OK and *out, or the zone file's
 * load error (\p err filled).
 */
int zone_journal_load(zone_entry_t *e, dz_zone_t **out, zone_error_t *err);

/* Open (create) the journal if it is not open; DZ_OK or the error. */
int zone_journal_ensure(zone_entry_t *e);

/*
 * Writer: re-read an edited zone file of a dynamic zone, journal the
 * difference and publish it (reload-serial-not-increased when the content
 * changed but not the serial). \p force re-reads an unchanged file too.
 */
int zone_journal_reload(zone_entry_t *e, bool force, char *msg, size_t len);

/* ---- zone_base.c: the zone file as last synced (drift at start) -------- */

/* <zone file>.jbase */
void zone_base_path(const zone_entry_t *e, char *out, size_t len);
/* Copy the zone file to the base (atomically); on failure the base is
 * removed and the failure logged (zone-sync-failed). */
void zone_base_refresh(zone_entry_t *e);
/* Copy \p src to \p dst: temp, fsync, rename, fsync folder. DZ_OK/-errno. */
int zone_file_copy(const char *src, const char *dst);
/* Are two files byte for byte the same? DZ_OK and *same, or -errno. */
int zone_file_same(const char *a, const char *b, bool *same);

/* ---- zone_sync.c: journal folded into the zone file ------------------- */

/* Writer: write the current version to the zone file (temp, fsync,
 * rename, fsync folder), log zone-synced, trim the journal. \p msg gets
 * one line saying what happened. */
int zone_sync_run(zone_entry_t *e, char *msg, size_t len);

/* Write \p zone to \p path atomically (temp + fsync + rename + folder
 * fsync). DZ_OK or -errno. */
int zone_sync_write(const dz_zone_t *zone, const char *path);

/* Is \p name (a folder entry) a temporary file that a writer of the zone
 * file named \p base makes before its rename (F.tmpXXXXXX,
 * F.jbase.tmpXXXXXX, F.jnl.tmp.XXXXXX, F.timers.tmp)? */
bool zone_tmp_name_matches(const char *base, const char *name);

/* At a zone's first load, before anything writes its files: remove the
 * temporary files a kill during a write left beside \p zpath (each one
 * logged, zone-tmp-removed), unless another process holds the journal. */
void zone_tmp_cleanup(const zone_entry_t *e, const char *zpath);
