/* SPDX-License-Identifier: BSD-3-Clause */
/* zonefile-sync: the served version written to the zone file atomically, then the journal trimmed to journal-max-size. */
#include "server/zones/zones_internal.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/changeset.h"
#include "lib/zone/zonefile.h"
#include "server/log/log.h"

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

static int fsync_dir_of(const char *path)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", path);
	int fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return dz_errno();
	}
	int ret = fsync(fd) == 0 ? DZ_OK : dz_errno();
	close(fd);
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
	return fsync_dir_of(path);
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
	snprintf(msg, len, "synced serial %u to %s", serial, e->zpath);
	log_event(LOG_LEVEL_INFO, LOG_CAT_UPDATE, e->name, NULL, "zone-synced",
	          "serial=%u path=%s journal-size=%llu", serial, e->zpath,
	          e->journal != NULL
	                  ? (unsigned long long)dz_journal_size(e->journal)
	                  : 0ULL);
	return ret;
}
