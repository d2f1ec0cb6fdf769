/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the zone journal (lib/journal/journal.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/journal/journal.h"
#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/changeset.h"

/* ------------------------------------------------------------------------
 * Fixtures
 */

typedef struct {
	char dir[64];
	char path[128];
	uint8_t origin[DZ_NAME_MAXLEN];
} fx_t;

static int fx_setup(void **state)
{
	fx_t *fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/dz-journal-test-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/example.test.jnl", fx->dir);
	assert_true(dz_name_from_str(fx->origin, "example.test.", 13, NULL) > 0);
	*state = fx;
	return 0;
}

static int fx_teardown(void **state)
{
	fx_t *fx = *state;
	DIR *d = opendir(fx->dir);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.') {
			char p[512];
			snprintf(p, sizeof(p), "%s/%s", fx->dir, e->d_name);
			unlink(p);
		}
	}
	if (d != NULL) {
		closedir(d);
	}
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void wname(uint8_t *dst, const char *str)
{
	assert_true(dz_name_from_str(dst, str, strlen(str), NULL) > 0);
}

/* SOA rdata for serial \p serial. */
static size_t soa_rdata(uint8_t *rd, uint32_t serial)
{
	uint8_t mname[DZ_NAME_MAXLEN], rname[DZ_NAME_MAXLEN];
	wname(mname, "ns1.example.test.");
	wname(rname, "hostmaster.example.test.");
	size_t pos = dz_name_copy(rd, mname);
	pos += dz_name_copy(rd + pos, rname);
	uint32_t nums[5] = {serial, 3600, 600, 86400, 300};
	for (int i = 0; i < 5; i++) {
		rd[pos++] = (uint8_t)(nums[i] >> 24);
		rd[pos++] = (uint8_t)(nums[i] >> 16);
		rd[pos++] = (uint8_t)(nums[i] >> 8);
		rd[pos++] = (uint8_t)nums[i];
	}
	return pos;
}

/* The change from -> to as an update would make it: the SOA is replaced, an
 * A record named after the old serial goes, one named after the new one
 * comes, and every third change also adds a TXT record. */
static dz_changeset_t *make_change(const fx_t *fx, uint32_t from, uint32_t to)
{
	dz_changeset_t *ch = NULL;
	assert_int_equal(dz_changeset_new(&ch), DZ_OK);
	uint8_t rd[512], owner[DZ_NAME_MAXLEN];
	size_t rdlen = soa_rdata(rd, from);
	assert_int_equal(dz_changeset_add_removed(ch, fx->origin, DZ_RR_SOA,
	                                          3600, rd, (uint16_t)rdlen),
	                 DZ_OK);
	char host[64];
	snprintf(host, sizeof(host), "h%u.example.test.", from);
	wname(owner, host);
	uint8_t a[4] = {192, 0, 2, (uint8_t)from};
	assert_int_equal(dz_changeset_add_removed(ch, owner, DZ_RR_A, 300, a, 4),
	                 DZ_OK);
	rdlen = soa_rdata(rd, to);
	assert_int_equal(dz_changeset_add_added(ch, fx->origin, DZ_RR_SOA, 3600,
	                                        rd, (uint16_t)rdlen),
	                 DZ_OK);
	snprintf(host, sizeof(host), "H%u.Example.test.", to);
	wname(owner, host);
	a[3] = (uint8_t)to;
	assert_int_equal(dz_changeset_add_added(ch, owner, DZ_RR_A, 300, a, 4),
	                 DZ_OK);
	if (to % 3 == 0) {
		uint8_t txt[] = {5, 'h', 'e', 'l', 'l', 'o'};
		assert_int_equal(dz_changeset_add_added(ch, owner, DZ_RR_TXT,
		                                        60, txt, sizeof(txt)),
		                 DZ_OK);
	}
	return ch;
}

static void assert_rr_equal(const dz_rr_t *a, const dz_rr_t *b)
{
	assert_int_equal(dz_name_len(a->owner), dz_name_len(b->owner));
	assert_memory_equal(a->owner, b->owner, dz_name_len(a->owner));
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->ttl, b->ttl);
	assert_int_equal(a->rdlen, b->rdlen);
	assert_memory_equal(a->rdata, b->rdata, a->rdlen);
}

static void assert_change_equal(const dz_changeset_t *a, const dz_changeset_t *b)
{
	assert_int_equal(dz_changeset_nremoved(a), dz_changeset_nremoved(b));
	assert_int_equal(dz_changeset_nadded(a), dz_changeset_nadded(b));
	for (size_t i = 0; i < dz_changeset_nremoved(a); i++) {
		dz_rr_t ra, rb;
		assert_int_equal(dz_changeset_removed(a, i, &ra), DZ_OK);
		assert_int_equal(dz_changeset_removed(b, i, &rb), DZ_OK);
		assert_rr_equal(&ra, &rb);
	}
	for (size_t i = 0; i < dz_changeset_nadded(a); i++) {
		dz_rr_t ra, rb;
		assert_int_equal(dz_changeset_added(a, i, &ra), DZ_OK);
		assert_int_equal(dz_changeset_added(b, i, &rb), DZ_OK);
		assert_rr_equal(&ra, &rb);
	}
}

static dz_journal_t *open_new(const fx_t *fx)
{
	dz_journal_t *j = NULL;
	assert_int_equal(dz_journal_open(fx->path, fx->origin,
	                                 DZ_JOURNAL_CREATE, NULL, &j),
	                 DZ_OK);
	return j;
}

static void append(dz_journal_t *j, const fx_t *fx, uint32_t from, uint32_t to)
{
	dz_changeset_t *ch = make_change(fx, from, to);
	assert_int_equal(dz_journal_append(j, from, to, ch), DZ_OK);
	dz_changeset_free(ch);
}

/* Journal with records first -> first+1 -> ... (n records), synced. */
static dz_journal_t *make_journal(const fx_t *fx, uint32_t first, unsigned n)
{
	dz_journal_t *j = open_new(fx);
	for (unsigned i = 0; i < n; i++) {
		append(j, fx, first + i, first + i + 1);
	}
	assert_int_equal(dz_journal_sync(j), DZ_OK);
	return j;
}

/* Read every record an iterator yields and check it against make_change. */
static unsigned check_iter(const fx_t *fx, dz_journal_iter_t *it,
                           uint32_t first)
{
	unsigned n = 0;
	uint32_t from, to;
	dz_changeset_t *ch = NULL;
	int ret;
	while ((ret = dz_journal_iter_next(it, &from, &to, &ch)) == DZ_OK) {
		assert_int_equal(from, first + n);
		assert_int_equal(to, first + n + 1);
		dz_changeset_t *want = make_change(fx, from, to);
		assert_change_equal(ch, want);
		dz_changeset_free(want);
		dz_changeset_free(ch);
		n++;
	}
	assert_int_equal(ret, DZ_ENOENT);
	return n;
}

static unsigned count_records(const fx_t *fx, uint32_t first)
{
	dz_journal_t *j = NULL;
	assert_int_equal(dz_journal_open(fx->path, fx->origin, 0, NULL, &j),
	                 DZ_OK);
	dz_journal_iter_t it;
	dz_journal_iter_all(j, &it);
	unsigned n = check_iter(fx, &it, first);
	dz_journal_free(j);
	return n;
}

static off_t file_size(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return st.st_size;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t size = (size_t)file_size(path);
	uint8_t *buf = malloc(size + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, size, f), size);
	fclose(f);
	*len = size;
	return buf;
}

static void write_file(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* File offset of record i (0-based) through the iterator. */
static uint64_t record_offset(dz_journal_t *j, uint32_t serial)
{
	dz_journal_iter_t it;
	assert_int_equal(dz_journal_find(j, serial, &it), DZ_OK);
	return dz_journal_iter_offset(&it);
}

/* ------------------------------------------------------------------------
 * Round trips, chaining, lookups
 */

static void journal_round_trip_after_reopen(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 1, 7);
	dz_journal_info_t info;
	dz_journal_info(j, &info);
	assert_int_equal(info.records, 7);
	assert_true(info.has_serial);
	assert_int_equal(info.first, 1);
	assert_int_equal(info.last, 8);
	assert_int_equal(info.size, (uint64_t)file_size(fx->path));
	assert_int_equal(dz_journal_size(j), info.size);
	assert_true(dz_name_equal(dz_journal_origin(j), fx->origin));
	dz_journal_free(j);
	assert_int_equal(count_records(fx, 1), 7);
}

static void journal_new_file_has_no_serial(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = open_new(fx);
	dz_journal_info_t info;
	dz_journal_info(j, &info);
	assert_int_equal(info.records, 0);
	assert_false(info.has_serial);
	dz_journal_iter_t it;
	assert_int_equal(dz_journal_find(j, 1, &it), DZ_ENOENT);
	/* Any first record is accepted; the chain starts there. */
	append(j, fx, 41, 42);
	assert_int_equal(dz_journal_sync(j), DZ_OK);
	dz_journal_free(j);
	assert_int_equal(count_records(fx, 41), 1);
}

static void journal_append_rejects_broken_chain(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 1, 1);
	dz_changeset_t *ch = make_change(fx, 2, 3);
	assert_int_equal(dz_journal_append(j, 3, 4, ch), DZ_ESERIAL);
	assert_int_equal(dz_journal_append(j, 2, 2, ch), DZ_ESERIAL);
	assert_int_equal(dz_journal_append(j, 2, 1, ch), DZ_ESERIAL);
	/* Exactly 2^31 apart: undefined in RFC 1982, so not newer. */
	assert_int_equal(dz_journal_append(j, 2, 2 + 0x80000000u, ch),
	                 DZ_ESERIAL);
	assert_int_equal(dz_journal_append(j, 2, 3, ch), DZ_OK);
	/* The batch's last record is the chain's end before the sync too. */
	assert_int_equal(dz_journal_append(j, 2, 3, ch), DZ_ESERIAL);
	dz_changeset_free(ch);
	append(j, fx, 3, 4);
	assert_int_equal(dz_journal_sync(j), DZ_OK);
	dz_journal_free(j);
	assert_int_equal(count_records(fx, 1), 3);
}

static void journal_find_from_first_middle_last_and_absent(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 100, 10);
	dz_journal_iter_t it;
	assert_int_equal(dz_journal_find(j, 100, &it), DZ_OK);
	assert_int_equal(check_iter(fx, &it, 100), 10);
	assert_int_equal(dz_journal_find(j, 105, &it), DZ_OK);
	assert_int_equal(check_iter(fx, &it, 105), 5);
	assert_int_equal(dz_journal_find(j, 109, &it), DZ_OK);
	assert_int_equal(check_iter(fx, &it, 109), 1);
	/* Up to date: found, nothing follows. */
	assert_int_equal(dz_journal_find(j, 110, &it), DZ_OK);
	assert_int_equal(check_iter(fx, &it, 110), 0);
	assert_int_equal(dz_journal_find(j, 99, &it), DZ_ENOENT);
	assert_int_equal(dz_journal_find(j, 111, &it), DZ_ENOENT);
	assert_int_equal(dz_journal_find(j, 0, &it), DZ_ENOENT);
	dz_journal_free(j);
}

static void journal_chain_wraps_across_2_32(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 0xFFFFFFFCu, 6);
	dz_journal_info_t info;
	dz_journal_info(j, &info);
	assert_int_equal(info.first, 0xFFFFFFFCu);
	assert_int_equal(info.last, 2);
	dz_journal_free(j);
	assert_int_equal(dz_journal_open(fx->path, fx->origin, 0, NULL, &j),
	                 DZ_OK);
	dz_journal_iter_t it;
	assert_int_equal(dz_journal_find(j, 0xFFFFFFFFu, &it), DZ_OK);
	assert_int_equal(check_iter(fx, &it, 0xFFFFFFFFu), 3);
	assert_int_equal(dz_journal_find(j, 0, &it), DZ_OK);
	assert_int_equal(check_iter(fx, &it, 0), 2);
	append(j, fx, 2, 3);
	assert_int_equal(dz_journal_sync(j), DZ_OK);
	dz_journal_free(j);
	assert_int_equal(count_records(fx, 0xFFFFFFFCu), 7);
}

static void journal_group_commit_100_appends_one_sync(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 1, 1);
	off_t before = file_size(fx->path);
	for (uint32_t s = 2; s < 102; s++) {
		append(j, fx, s, s + 1);
	}
	/* Nothing is visible or on disk before the sync. */
	assert_int_equal(file_size(fx->path), before);
	dz_journal_iter_t it;
	assert_int_equal(dz_journal_find(j, 50, &it), DZ_ENOENT);
	assert_int_equal(dz_journal_sync(j), DZ_OK);
	assert_int_equal(dz_journal_find(j, 50, &it), DZ_OK);
	assert_int_equal(check_iter(fx, &it, 50), 52);
	dz_journal_free(j);
	assert_int_equal(count_records(fx, 1), 101);
}

static void journal_abort_drops_batch(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 1, 2);
	append(j, fx, 3, 4);
	assert_int_equal(dz_journal_abort(j), DZ_OK);
	append(j, fx, 3, 4);
	assert_int_equal(dz_journal_sync(j), DZ_OK);
	/* An unsynced batch is gone after close. */
	append(j, fx, 4, 5);
	dz_journal_free(j);
	assert_int_equal(count_records(fx, 1), 3);
}

/* ------------------------------------------------------------------------
 * Opening
 */

static void journal_open_errors(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = NULL;
	assert_int_equal(dz_journal_open(fx->path, fx->origin, 0, NULL, &j),
	                 DZ_ENOENT);
	assert_int_equal(dz_journal_open(fx->path, fx->origin,
	                                 DZ_JOURNAL_CREATE | DZ_JOURNAL_RDONLY,
	                                 NULL, &j),
	                 DZ_ENOENT);
	j = make_journal(fx, 1, 1);
	/* One writer at a time. */
	dz_journal_t *j2 = NULL;
	assert_int_equal(dz_journal_open(fx->path, fx->origin, 0, NULL, &j2),
	                 -EWOULDBLOCK);
	dz_journal_free(j);

	uint8_t other[DZ_NAME_MAXLEN];
	wname(other, "example.org.");
	assert_int_equal(dz_journal_open(fx->path, other, 0, NULL, &j),
	                 DZ_EOUTZONE);
	/* Case does not matter for names. */
	wname(other, "EXAMPLE.test.");
	assert_int_equal(dz_journal_open(fx->path, other, 0, NULL, &j), DZ_OK);
	dz_journal_free(j);

	size_t len;
	uint8_t *buf = read_file(fx->path, &len);
	buf[0] = 'X';
	write_file(fx->path, buf, len);
	assert_int_equal(dz_journal_open(fx->path, NULL, 0, NULL, &j),
	                 DZ_EMALF);
	buf[0] = 'D';
	buf[5] = 2; /* version 2 */
	write_file(fx->path, buf, len);
	assert_int_equal(dz_journal_open(fx->path, NULL, 0, NULL, &j),
	                 DZ_ENOTSUP);
	buf[5] = 1;
	buf[12] ^= 1; /* header CRC no longer matches */
	write_file(fx->path, buf, len);
	assert_int_equal(dz_journal_open(fx->path, NULL, 0, NULL, &j),
	                 DZ_EMALF);
	free(buf);
	write_file(fx->path, (const uint8_t *)"", 0);
	assert_int_equal(dz_journal_open(fx->path, NULL, 0, NULL, &j),
	                 DZ_EMALF);
	/* An empty file (a crash before the first header) is made anew. */
	j = open_new(fx);
	dz_journal_free(j);
}

static void journal_readonly_file_refuses_write_open(void **state)
{
	fx_t *fx = *state;
	dz_journal_free(make_journal(fx, 1, 2));
	assert_int_equal(chmod(fx->path, 0400), 0);
	dz_journal_t *j = NULL;
	int ret = dz_journal_open(fx->path, fx->origin, 0, NULL, &j);
	if (geteuid() != 0) {
		/* root ignores file permissions: nothing to assert there */
		assert_int_equal(ret, DZ_EACCES);
	} else {
		assert_int_equal(ret, DZ_OK);
		dz_journal_free(j);
	}
	assert_int_equal(dz_journal_open(fx->path, fx->origin,
	                                 DZ_JOURNAL_RDONLY, NULL, &j),
	                 DZ_OK);
	dz_changeset_t *ch = make_change(fx, 3, 4);
	assert_int_equal(dz_journal_append(j, 3, 4, ch), DZ_ENOTSUP);
	assert_int_equal(dz_journal_sync(j), DZ_ENOTSUP);
	assert_int_equal(dz_journal_trim(j, 2), DZ_ENOTSUP);
	dz_changeset_free(ch);
	dz_journal_free(j);
}

/* ------------------------------------------------------------------------
 * Repair
 */

static void journal_open_cuts_torn_tail_at_every_offset(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 10, 3);
	uint64_t last = record_offset(j, 12);
	dz_journal_free(j);
	size_t len;
	uint8_t *full = read_file(fx->path, &len);
	for (size_t k = 0; k < len - last; k++) {
		write_file(fx->path, full, (size_t)last + k);
		dz_journal_repair_t rep;
		memset(&rep, 0xee, sizeof(rep));
		assert_int_equal(dz_journal_open(fx->path, fx->origin, 0, &rep,
		                                 &j),
		                 DZ_OK);
		assert_int_equal(rep.records, 2);
		assert_int_equal(rep.good_size, last);
		assert_int_equal(rep.cut_bytes, k);
		assert_int_equal(rep.truncated, k > 0);
		assert_int_equal(rep.reason, k == 0 ? DZ_JOURNAL_CUT_NONE
		                                    : DZ_JOURNAL_CUT_SHORT);
		assert_int_equal(file_size(fx->path), (off_t)last);
		/* The chain goes on from the last good record. */
		append(j, fx, 12, 13);
		assert_int_equal(dz_journal_sync(j), DZ_OK);
		dz_journal_free(j);
		assert_int_equal(count_records(fx, 10), 3);
	}
	free(full);
}

static void journal_open_cuts_from_any_flipped_bit(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 1, 5);
	uint64_t mid = record_offset(j, 3), next = record_offset(j, 4);
	dz_journal_free(j);
	size_t len;
	uint8_t *full = read_file(fx->path, &len);
	for (uint64_t byte = mid; byte < next; byte++) {
		for (int bit = 0; bit < 8; bit += 3) {
			full[byte] ^= (uint8_t)(1u << bit);
			write_file(fx->path, full, len);
			full[byte] ^= (uint8_t)(1u << bit);
			dz_journal_repair_t rep;
			assert_int_equal(dz_journal_open(fx->path, fx->origin,
			                                 0, &rep, &j),
			                 DZ_OK);
			/* Records after the bad one are dropped too. */
			assert_int_equal(rep.records, 2);
			assert_int_equal(rep.good_size, mid);
			assert_int_equal(rep.cut_bytes, len - mid);
			assert_true(rep.truncated);
			assert_int_not_equal(rep.reason, DZ_JOURNAL_CUT_NONE);
			dz_journal_iter_t it;
			assert_int_equal(dz_journal_find(j, 3, &it), DZ_OK);
			assert_int_equal(check_iter(fx, &it, 3), 0);
			assert_int_equal(dz_journal_find(j, 4, &it), DZ_ENOENT);
			dz_journal_free(j);
			assert_int_equal(file_size(fx->path), (off_t)mid);
		}
	}
	/* A CRC-valid record that does not chain (4 -> 5 right after
	 * 2 -> 3) is cut as well. */
	uint8_t *spliced = malloc(len);
	assert_non_null(spliced);
	memcpy(spliced, full, (size_t)mid);
	memcpy(spliced + mid, full + next, len - (size_t)next);
	size_t slen = (size_t)mid + len - (size_t)next;
	write_file(fx->path, spliced, slen);
	dz_journal_repair_t rep;
	assert_int_equal(dz_journal_open(fx->path, fx->origin, 0, &rep, &j),
	                 DZ_OK);
	assert_int_equal(rep.records, 2);
	assert_int_equal(rep.reason, DZ_JOURNAL_CUT_CHAIN);
	assert_int_equal(rep.cut_bytes, slen - mid);
	dz_journal_free(j);
	free(spliced);
	free(full);
}

static void journal_readonly_open_reports_without_cutting(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 1, 3);
	uint64_t last = record_offset(j, 3);
	dz_journal_free(j);
	size_t len;
	uint8_t *full = read_file(fx->path, &len);
	full[len - 1] ^= 0x80; /* the last record's CRC */
	write_file(fx->path, full, len);
	dz_journal_repair_t rep;
	assert_int_equal(dz_journal_open(fx->path, NULL, DZ_JOURNAL_RDONLY,
	                                 &rep, &j),
	                 DZ_OK);
	assert_int_equal(rep.records, 2);
	assert_int_equal(rep.good_size, last);
	assert_int_equal(rep.reason, DZ_JOURNAL_CUT_CRC);
	assert_false(rep.truncated);
	assert_int_equal(file_size(fx->path), (off_t)len);
	assert_string_equal(dz_journal_cut_str(rep.reason), "bad crc");
	dz_journal_free(j);

	/* The in-memory open sees the same. */
	assert_int_equal(dz_journal_open_buf(full, len, fx->origin, &rep, &j),
	                 DZ_OK);
	assert_int_equal(rep.records, 2);
	assert_int_equal(rep.reason, DZ_JOURNAL_CUT_CRC);
	dz_journal_iter_t it;
	dz_journal_iter_all(j, &it);
	assert_int_equal(check_iter(fx, &it, 1), 2);
	assert_int_equal(dz_journal_append(j, 3, 4, NULL), DZ_ENOTSUP);
	dz_journal_free(j);
	free(full);
}

static void journal_iter_detects_rot_after_open(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 1, 3);
	uint64_t mid = record_offset(j, 2);
	FILE *f = fopen(fx->path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, (long)mid + 30, SEEK_SET), 0);
	assert_int_equal(fputc('!', f), '!');
	fclose(f);
	dz_journal_iter_t it;
	uint32_t from, to;
	dz_changeset_t *ch = NULL;
	assert_int_equal(dz_journal_find(j, 2, &it), DZ_OK);
	assert_int_equal(dz_journal_iter_next(&it, &from, &to, &ch), DZ_EMALF);
	assert_null(ch);
	dz_journal_free(j);
}

/* ------------------------------------------------------------------------
 * Write failures
 */

static void set_fsize_limit(rlim_t lim)
{
	struct rlimit rl;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &rl), 0);
	rl.rlim_cur = lim;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

static void restore_fsize_limit(void)
{
	struct rlimit rl;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &rl), 0);
	rl.rlim_cur = rl.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

static void journal_failed_write_leaves_file_unchanged(void **state)
{
	fx_t *fx = *state;
	/* A full disk, as far as this process can see: writes past the limit
	 * fail with EFBIG (SIGXFSZ ignored) after a partial write. */
	signal(SIGXFSZ, SIG_IGN);
	dz_journal_t *j = make_journal(fx, 1, 2);
	size_t len;
	uint8_t *before = read_file(fx->path, &len);
	set_fsize_limit((rlim_t)len + 10);
	append(j, fx, 3, 4);
	append(j, fx, 4, 5);
	assert_int_equal(dz_journal_sync(j), -EFBIG);
	size_t len2;
	uint8_t *after = read_file(fx->path, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(after, before, len);
	free(after);
	dz_journal_info_t info;
	dz_journal_info(j, &info);
	assert_int_equal(info.records, 2);
	assert_int_equal(info.last, 3);
	/* The fault persists: the next batch fails the same way. */
	append(j, fx, 3, 4);
	assert_int_equal(dz_journal_sync(j), -EFBIG);
	restore_fsize_limit();
	/* Cleared: the same serials can be written again. */
	append(j, fx, 3, 4);
	append(j, fx, 4, 5);
	assert_int_equal(dz_journal_sync(j), DZ_OK);
	dz_journal_free(j);
	assert_int_equal(count_records(fx, 1), 4);
	free(before);
	signal(SIGXFSZ, SIG_DFL);
}

static void journal_failed_create_leaves_no_file(void **state)
{
	fx_t *fx = *state;
	signal(SIGXFSZ, SIG_IGN);
	set_fsize_limit(8);
	dz_journal_t *j = NULL;
	assert_int_equal(dz_journal_open(fx->path, fx->origin,
	                                 DZ_JOURNAL_CREATE, NULL, &j),
	                 -EFBIG);
	restore_fsize_limit();
	signal(SIGXFSZ, SIG_DFL);
	struct stat st;
	assert_int_equal(stat(fx->path, &st), -1);
	DIR *d = opendir(fx->dir);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		assert_true(e->d_name[0] == '.');
	}
	closedir(d);
}

/* ------------------------------------------------------------------------
 * Trim
 */

static unsigned dir_entries(const char *dir)
{
	unsigned n = 0;
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		n += e->d_name[0] != '.';
	}
	closedir(d);
	return n;
}

static void journal_trim_keeps_newer_records(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 1, 10);
	uint64_t size = dz_journal_size(j);
	assert_int_equal(dz_journal_trim(j, 99), DZ_ENOENT);
	assert_int_equal(dz_journal_trim(j, 1), DZ_OK); /* nothing older */
	assert_int_equal(dz_journal_size(j), size);
	assert_int_equal(dz_journal_trim(j, 5), DZ_OK);
	dz_journal_info_t info;
	dz_journal_info(j, &info);
	assert_int_equal(info.records, 6);
	assert_int_equal(info.first, 5);
	assert_int_equal(info.last, 11);
	assert_true(info.size < size);
	assert_int_equal(info.size, (uint64_t)file_size(fx->path));
	dz_journal_iter_t it;
	assert_int_equal(dz_journal_find(j, 4, &it), DZ_ENOENT);
	assert_int_equal(dz_journal_find(j, 5, &it), DZ_OK);
	assert_int_equal(check_iter(fx, &it, 5), 6);
	/* Still appendable after the swap, and the anchor holds. */
	append(j, fx, 11, 12);
	assert_int_equal(dz_journal_sync(j), DZ_OK);
	dz_journal_free(j);
	assert_int_equal(count_records(fx, 5), 7);
	assert_int_equal(dir_entries(fx->dir), 1);
}

static void journal_trim_to_newest_keeps_anchor(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 1, 4);
	append(j, fx, 5, 6);
	assert_int_equal(dz_journal_trim(j, 5), DZ_EINVAL); /* batch pending */
	assert_int_equal(dz_journal_sync(j), DZ_OK);
	assert_int_equal(dz_journal_trim(j, 6), DZ_OK);
	dz_journal_free(j);

	assert_int_equal(dz_journal_open(fx->path, fx->origin, 0, NULL, &j),
	                 DZ_OK);
	dz_journal_info_t info;
	dz_journal_info(j, &info);
	assert_int_equal(info.records, 0);
	assert_true(info.has_serial);
	assert_int_equal(info.first, 6);
	assert_int_equal(info.last, 6);
	dz_journal_iter_t it;
	assert_int_equal(dz_journal_find(j, 6, &it), DZ_OK);
	assert_int_equal(check_iter(fx, &it, 6), 0);
	assert_int_equal(dz_journal_find(j, 5, &it), DZ_ENOENT);
	dz_changeset_t *ch = make_change(fx, 7, 8);
	assert_int_equal(dz_journal_append(j, 7, 8, ch), DZ_ESERIAL);
	dz_changeset_free(ch);
	append(j, fx, 6, 7);
	assert_int_equal(dz_journal_sync(j), DZ_OK);
	dz_journal_free(j);
	assert_int_equal(count_records(fx, 6), 1);
}

static void journal_trim_failure_leaves_journal_intact(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 1, 10);
	size_t len;
	uint8_t *before = read_file(fx->path, &len);
	signal(SIGXFSZ, SIG_IGN);
	set_fsize_limit(200); /* the copy into the temp file fails */
	assert_int_equal(dz_journal_trim(j, 3), -EFBIG);
	restore_fsize_limit();
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(dir_entries(fx->dir), 1); /* temp file removed */
	size_t len2;
	uint8_t *after = read_file(fx->path, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(after, before, len);
	dz_journal_iter_t it;
	assert_int_equal(dz_journal_find(j, 1, &it), DZ_OK);
	assert_int_equal(check_iter(fx, &it, 1), 10);
	assert_int_equal(dz_journal_trim(j, 3), DZ_OK);
	dz_journal_free(j);
	assert_int_equal(count_records(fx, 3), 8);
	free(before);
	free(after);
}

static void journal_large_batch_is_written_early(void **state)
{
	fx_t *fx = *state;
	dz_journal_t *j = make_journal(fx, 1, 1);
	/* ~5 MiB in one record: goes out before the sync, still unsynced. */
	dz_changeset_t *ch = NULL;
	assert_int_equal(dz_changeset_new(&ch), DZ_OK);
	uint8_t rd[1000];
	memset(rd, 'x', sizeof(rd));
	rd[0] = 255;
	for (int i = 0; i < 5300; i++) {
		assert_int_equal(dz_changeset_add_added(ch, fx->origin,
		                                        DZ_RR_TXT, 60, rd, sizeof(rd)),
		                 DZ_OK);
	}
	off_t before = file_size(fx->path);
	assert_int_equal(dz_journal_append(j, 2, 3, ch), DZ_OK);
	assert_true(file_size(fx->path) > before);
	/* Aborted: the early octets are cut again. */
	assert_int_equal(dz_journal_abort(j), DZ_OK);
	assert_int_equal(file_size(fx->path), before);
	assert_int_equal(dz_journal_append(j, 2, 3, ch), DZ_OK);
	assert_int_equal(dz_journal_sync(j), DZ_OK);
	dz_journal_free(j);
	dz_changeset_free(ch);

	assert_int_equal(dz_journal_open(fx->path, fx->origin, 0, NULL, &j),
	                 DZ_OK);
	dz_journal_iter_t it;
	assert_int_equal(dz_journal_find(j, 2, &it), DZ_OK);
	uint32_t from, to;
	assert_int_equal(dz_journal_iter_next(&it, &from, &to, &ch), DZ_OK);
	assert_int_equal(dz_changeset_nadded(ch), 5300);
	dz_changeset_free(ch);
	dz_journal_free(j);
}

#define T(f) cmocka_unit_test_setup_teardown(f, fx_setup, fx_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(journal_round_trip_after_reopen),
		T(journal_new_file_has_no_serial),
		T(journal_append_rejects_broken_chain),
		T(journal_find_from_first_middle_last_and_absent),
		T(journal_chain_wraps_across_2_32),
		T(journal_group_commit_100_appends_one_sync),
		T(journal_abort_drops_batch),
		T(journal_open_errors),
		T(journal_readonly_file_refuses_write_open),
		T(journal_open_cuts_torn_tail_at_every_offset),
		T(journal_open_cuts_from_any_flipped_bit),
		T(journal_readonly_open_reports_without_cutting),
		T(journal_iter_detects_rot_after_open),
		T(journal_failed_write_leaves_file_unchanged),
		T(journal_failed_create_leaves_no_file),
		T(journal_trim_keeps_newer_records),
		T(journal_trim_to_newest_keeps_anchor),
		T(journal_trim_failure_leaves_journal_intact),
		T(journal_large_batch_is_written_early),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
