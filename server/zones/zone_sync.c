/* SPDX-License-Identifier: BSD-3-Clause */
/* zonefile-sync: the served version written to the zone file atomically, then the journal trimmed to journal-max-size. */
#include "server/zones/zones_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/changeset.h"
#include "lib/zone/zonefile.h"
#include "server/log/log.h"
#include "server/zones/zone_file_io.h"

/* Longest presentation form of one record (64 KiB of rdata, escaped). */
#define RR_STR_MAX (4 * 65536 + 1024)

static int write_rrset(FILE *f, const dz_rrset_t *rs, char *buf)
{
	dz_rdata_iter_t it;
	const uint8_t *rd;
	uint16_t len;
	dz_rrset_iter(rs, &it);
	while (dz_rrset_next(&it, &rd, &len)) {
		int n = dz_rr_to_str(buf, RR_STR_MAX, rs->owner, rs->type,
		                     DZ_CLASS_IN, rs->ttl, rd, len);
		if (n < 0) {
			return n;
		}
		if (fprintf(f, "%s\n", buf) < 0) {
			return DZ_EIO;
		}
	}
	return DZ_OK;
}

/* The SOA first (RFC 1035 §5.2: a zone file starts with it), then every
 * RRset in canonical order. */
static int write_zone(FILE *f, const dz_zone_t *zone, char *buf)
{
	dz_rrset_t rs;
	int ret = dz_zone_soa(zone, &rs);
	if (ret == DZ_OK) {
		ret = write_rrset(f, &rs, buf);
	}
	dz_zone_iter_t it;
	const dz_node_t *node;
	dz_zone_iter_init(&it, zone);
	while (ret == DZ_OK && dz_zone_iter_next(&it, &node)) {
		unsigned n = dz_node_rrset_count(node);
		for (unsigned i = 0; ret == DZ_OK && i < n; i++) {
			ret = dz_node_rrset_at(node, i, &rs);
			if (ret == DZ_OK && rs.type == DZ_RR_SOA &&
			    node == dz_zone_apex(zone)) {
				continue;
			}
			if (ret == DZ_OK) {
				ret = write_rrset(f, &rs, buf);
			}
		}
	}
	return ret;
}

static int finish_file(FILE *f, int ret)
{
	if (ret == DZ_OK && fflush(f) != 0) {
		ret = dz_errno();
	}
	if (ret == DZ_OK && fsync(fileno(f)) != 0) {
		ret = dz_errno();
	}
	if (fclose(f) != 0 && ret == DZ_OK) {
		ret = dz_errno();
	}
	return ret;
}

int zone_sync_write(const dz_zone_t *zone, const char *path)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof(tmp), "%s.tmpXXXXXX", path) >= (int)sizeof(tmp)) {
		return DZ_ELIMIT;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		return dz_errno();
	}
	(void)fchmod(fd, 0644); /* a zone file is not secret */
	FILE *f = fdopen(fd, "w");
	char *buf = malloc(RR_STR_MAX);
	if (f == NULL || buf == NULL) {
		int ret = f == NULL ? dz_errno() : DZ_ENOMEM;
		if (f != NULL) {
			fclose(f);
		} else {
			close(fd);
		}
		free(buf);
		unlink(tmp);
		return ret;
	}
	int ret = finish_file(f, write_zone(f, zone, buf));
	free(buf);
	if (ret == DZ_OK && rename(tmp, path) != 0) {
		ret = dz_errno();
	}
	if (ret != DZ_OK) {
		(void)unlink(tmp); /* the old file is untouched */
		return ret;
	}
	return zone_file_fsync_dir(path);
}

/*
 * journal-max-size: drop the oldest records (all of them are in the zone
 * file now) until the journal fits, keeping it chained from some serial
 * so IXFR can still be served from what remains.
 */
static int trim_journal(zone_entry_t *e, uint64_t max)
{
	dz_journal_t *j = e->journal;
	if (j == NULL || max == 0 || dz_journal_size(j) <= max) {
		return DZ_OK;
	}
	uint64_t size = dz_journal_size(j);
	dz_journal_iter_t it;
	dz_journal_iter_all(j, &it);
	uint32_t from, to, keep = e->file_serial;
	dz_changeset_t *ch = NULL;
	for (;;) {
		uint64_t off = dz_journal_iter_offset(&it);
		if (dz_journal_iter_next(&it, &from, &to, &ch) != DZ_OK) {
			break;
		}
		dz_changeset_free(ch);
		if (size - off <= max) {
			keep = from;
			break;
		}
	}
	return dz_journal_trim(j, keep);
}

int zone_sync_run(zone_entry_t *e, char *msg, size_t len)
{
	const dz_zone_t *zone = e->version; /* only the writer publishes */
	if (zone == NULL) {
		snprintf(msg, len, "zone not loaded: nothing to write");
		return DZ_ENOENT;
	}
	uint32_t serial = 0;
	(void)dz_zone_serial(zone, &serial);
	int ret = zone_sync_write(zone, e->zpath);
	if (ret != DZ_OK) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_UPDATE, e->name, NULL,
		          "zone-sync-failed", "path=%s err=%s", e->zpath,
		          dz_strerror(ret));
		snprintf(msg, len, "zone file %s not written: %s", e->zpath,
		         dz_strerror(ret));
		return ret;
	}
	e->dirty = false;
	e->file_serial = serial;
	file_sig_read(e->zpath, &e->file_sig);
	zone_base_refresh(e); /* what the journal continues from */
	zones_thread_online();
	uint64_t max = zone_entry_conf(e)->journal_max_size;
	zones_thread_offline();
	ret = trim_journal(e, max);
	zone_entry_note_journal(e); /* `status` shows the trimmed journal */
	snprintf(msg, len, "synced serial %u to %s", serial, e->zpath);
	log_event(LOG_LEVEL_INFO, LOG_CAT_UPDATE, e->name, NULL, "zone-synced",
	          "serial=%u path=%s journal-size=%llu", serial, e->zpath,
	          e->journal != NULL
	                  ? (unsigned long long)dz_journal_size(e->journal)
	                  : 0ULL);
	return ret;
}

/* ===== Stale temporary files (a kill during a write) ===================== */

/*
 * The temporary names the writers of one zone file F make before their
 * rename: zone_sync_write F.tmpXXXXXX, zone_file_copy (the base)
 * F.jbase.tmpXXXXXX, the journal (create, trim) F.jnl.tmp.XXXXXX, all from
 * mkstemp (six letters or digits), and xfrin_persist_save F.timers.tmp.
 * Nothing else in the folder is ever touched.
 */
static const struct {
	const char *suffix;
	bool random; /* followed by mkstemp's six characters */
} tmp_forms[] = {
        {".tmp", true},
        {".jbase.tmp", true},
        {".jnl.tmp.", true},
        {".timers.tmp", false},
};

#define MKSTEMP_CHARS 6

static bool is_mkstemp_tail(const char *s)
{
	size_t n = 0;
	for (; s[n] != '\0'; n++) {
		char c = s[n];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		             (c >= '0' && c <= '9');
		if (!alnum) {
			return false;
		}
	}
	return n == MKSTEMP_CHARS;
}

/* Is \p name one of the temporary names of the zone file \p base? */
bool zone_tmp_name_matches(const char *base, const char *name)
{
	size_t blen = strlen(base);
	if (blen == 0 || strncmp(name, base, blen) != 0) {
		return false;
	}
	const char *rest = name + blen;
	for (size_t i = 0; i < sizeof(tmp_forms) / sizeof(tmp_forms[0]); i++) {
		size_t slen = strlen(tmp_forms[i].suffix);
		if (strncmp(rest, tmp_forms[i].suffix, slen) != 0) {
			continue;
		}
		if (tmp_forms[i].random ? is_mkstemp_tail(rest + slen)
		                        : rest[slen] == '\0') {
			return true;
		}
	}
	return false;
}

/*
 * Another process that holds the journal's lock (a second daemon on the
 * same data folder) may be writing these files right now: leave them.
 */
static bool journal_locked_elsewhere(const char *jpath)
{
	int fd = open(jpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return false; /* no journal: nobody holds it */
	}
	bool busy = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
	close(fd); /* drops our lock, if we got it */
	return busy;
}

static void remove_tmp(const zone_entry_t *e, int dfd, const char *dir,
                       const char *name)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISREG(st.st_mode)) {
		return; /* only regular files: never a link or a folder */
	}
	char path[PATH_MAX + NAME_MAX + 2];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (unlinkat(dfd, name, 0) == 0) {
		log_event(LOG_LEVEL_WARNING, LOG_CAT_GENERAL, e->name, NULL,
		          "zone-tmp-removed", "path=%s", path);
	} else {
		log_event(LOG_LEVEL_WARNING, LOG_CAT_GENERAL, e->name, NULL,
		          "zone-tmp-remove-failed", "path=%s err=%s", path,
		          dz_strerror(dz_errno()));
	}
}

void zone_tmp_cleanup(const zone_entry_t *e, const char *zpath)
{
	char dbuf[PATH_MAX], bbuf[PATH_MAX], jpath[PATH_MAX + 8];
	snprintf(dbuf, sizeof(dbuf), "%s", zpath);
	snprintf(bbuf, sizeof(bbuf), "%s", zpath);
	snprintf(jpath, sizeof(jpath), "%s.jnl", zpath);
	const char *dir = dirname(dbuf), *base = basename(bbuf);
	if (journal_locked_elsewhere(jpath)) {
		return;
	}
	DIR *d = opendir(dir);
	if (d == NULL) {
		return; /* the load that follows reports the folder */
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (zone_tmp_name_matches(base, de->d_name)) {
			remove_tmp(e, dirfd(d), dir, de->d_name);
		}
	}
	closedir(d);
}
