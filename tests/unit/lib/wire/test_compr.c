/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/wire/compr: pointer targets, case-insensitive reuse, 14-bit limit, rollback by count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/util/errcode.h"
#include "lib/wire/compr.h"
#include "lib/wire/name.h"

/* A buffer big enough to test offsets past 0x3FFF. */
static uint8_t pkt[0x4400];

/* Wire form of a dotted absolute name without escapes (test input only). */
static const uint8_t *W(const char *s, uint8_t *buf)
{
	size_t w = 0;
	while (*s != '\0' && !(s[0] == '.' && s[1] == '\0')) {
		const char *dot = strchr(s, '.');
		size_t n = (size_t)(dot - s);
		buf[w++] = (uint8_t)n;
		memcpy(buf + w, s, n);
		w += n;
		s = dot + 1;
	}
	buf[w] = 0;
	return buf;
}

static int put(dz_compr_t *c, size_t pos, const char *name, bool compress)
{
	uint8_t b[DZ_NAME_MAXLEN];
	return dz_compr_put_name(c, pkt, sizeof(pkt), pos, W(name, b),
	                         compress);
}

static void compr_first_name_is_written_whole_and_remembered(void **state)
{
	(void)state;
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	assert_int_equal(put(&c, 12, "www.example.com.", true), 17);
	assert_memory_equal(pkt + 12, "\3www\7example\3com\0", 17);
	/* Every label but the root is a target. */
	assert_int_equal(c.count, 3);
	assert_int_equal(c.offset[0], 12);
	assert_int_equal(c.offset[1], 16);
	assert_int_equal(c.offset[2], 24);
}

static void compr_equal_name_becomes_pointer_to_first(void **state)
{
	(void)state;
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	assert_int_equal(put(&c, 12, "www.example.com.", true), 17);
	assert_int_equal(put(&c, 29, "www.example.com.", true), 2);
	assert_memory_equal(pkt + 29, "\xC0\x0C", 2);
	assert_int_equal(c.count, 3);
}

static void compr_uses_longest_suffix(void **state)
{
	(void)state;
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	put(&c, 12, "www.example.com.", true);
	assert_int_equal(put(&c, 29, "mail.example.com.", true), 7);
	assert_memory_equal(pkt + 29, "\4mail\xC0\x10", 7);
	/* The new literal label is a target too. */
	assert_int_equal(c.count, 4);
	assert_int_equal(c.offset[3], 29);
	assert_int_equal(put(&c, 36, "a.mail.example.com.", true), 4);
	assert_memory_equal(pkt + 36, "\1a\xC0\x1D", 4);
}

static void compr_matches_case_insensitively(void **state)
{
	(void)state;
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	put(&c, 12, "www.Example.COM.", true);
	assert_int_equal(put(&c, 29, "WWW.EXAMPLE.com.", true), 2);
	assert_memory_equal(pkt + 29, "\xC0\x0C", 2);
	assert_int_equal(put(&c, 31, "ftp.eXaMpLe.cOm.", true), 6);
	assert_memory_equal(pkt + 31, "\3ftp\xC0\x10", 6);
}

static void compr_does_not_confuse_different_labels(void **state)
{
	(void)state;
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	put(&c, 12, "example.com.", true);
	assert_int_equal(put(&c, 25, "example.org.", true), 13);
	assert_int_equal(put(&c, 38, "examplf.com.", true), 10);
	assert_memory_equal(pkt + 38, "\7examplf\xC0\x14", 10);
}

static void compr_off_writes_whole_name_and_adds_no_target(void **state)
{
	(void)state;
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	put(&c, 12, "example.com.", true);
	assert_int_equal(put(&c, 25, "www.example.com.", false), 17);
	assert_memory_equal(pkt + 25, "\3www\7example\3com\0", 17);
	assert_int_equal(c.count, 2);
	/* A NULL table writes literally too. */
	assert_int_equal(put(NULL, 42, "example.com.", true), 13);
}

static void compr_root_is_one_octet_never_a_pointer(void **state)
{
	(void)state;
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	put(&c, 12, "example.", true);
	assert_int_equal(put(&c, 21, ".", true), 1);
	assert_int_equal(pkt[21], 0);
	assert_int_equal(c.count, 1);
}

static void compr_never_points_beyond_0x3fff(void **state)
{
	(void)state;
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	/* "\3www" at 0x3FFB fits, "\7example" at 0x3FFF fits, "\3com" at
	 * 0x4007 does not: only offsets below 0x4000 are remembered. */
	assert_int_equal(put(&c, 0x3FFB, "www.example.com.", true), 17);
	assert_int_equal(c.count, 2);
	assert_int_equal(c.offset[0], 0x3FFB);
	assert_int_equal(c.offset[1], 0x3FFF);
	assert_int_equal(put(&c, 0x4100, "example.com.", true), 2);
	assert_memory_equal(pkt + 0x4100, "\xFF\xFF", 2);
	/* "com." alone has no target: written whole. */
	assert_int_equal(put(&c, 0x4200, "com.", true), 5);
	assert_int_equal(put(&c, 0x4300, "other.net.", true), 11);
	assert_int_equal(c.count, 2);
}

static void compr_fails_with_espace_and_table_unchanged(void **state)
{
	(void)state;
	dz_compr_t c;
	uint8_t b[DZ_NAME_MAXLEN];
	dz_compr_init(&c, pkt);
	memset(pkt, 0xEE, 64);
	assert_int_equal(dz_compr_put_name(&c, pkt, 20, 12,
	                                   W("www.example.com.", b), true),
	                 DZ_ESPACE);
	assert_int_equal(c.count, 0);
	assert_int_equal(pkt[12], 0xEE);
	/* Exactly enough space works. */
	assert_int_equal(dz_compr_put_name(&c, pkt, 29, 12, b, true), 17);
	/* A pointer needs 2 octets. */
	assert_int_equal(dz_compr_put_name(&c, pkt, 30, 29, b, true),
	                 DZ_ESPACE);
	assert_int_equal(dz_compr_put_name(&c, pkt, 31, 29, b, true), 2);
	/* pos beyond cap. */
	assert_int_equal(dz_compr_put_name(&c, pkt, 10, 12, b, true),
	                 DZ_ESPACE);
}

static void compr_full_table_still_writes_names(void **state)
{
	(void)state;
	dz_compr_t c;
	char name[32];
	size_t pos = 12;
	dz_compr_init(&c, pkt);
	for (int i = 0; i < DZ_COMPR_MAX + 10; i++) {
		snprintf(name, sizeof(name), "n%04d.", i);
		int n = put(&c, pos, name, true);
		assert_int_equal(n, 7);
		pos += (size_t)n;
	}
	assert_int_equal(c.count, DZ_COMPR_MAX);
	/* An early name is still found; a late one was never remembered. */
	assert_int_equal(put(&c, pos, "n0000.", true), 2);
	snprintf(name, sizeof(name), "n%04d.", DZ_COMPR_MAX + 5);
	assert_int_equal(put(&c, pos, name, true), 7);
}

static void compr_rfc1035_example_offsets(void **state)
{
	(void)state;
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	/* RFC 1035 §4.1.4: F.ISI.ARPA at 20, FOO.F.ISI.ARPA at 40 and ARPA
	 * at 64 become a literal name, FOO + pointer to 20, pointer to 26. */
	assert_int_equal(put(&c, 20, "F.ISI.ARPA.", true), 12);
	assert_int_equal(put(&c, 40, "FOO.F.ISI.ARPA.", true), 6);
	assert_memory_equal(pkt + 40, "\3FOO\xC0\x14", 6);
	assert_int_equal(put(&c, 64, "ARPA.", true), 2);
	assert_memory_equal(pkt + 64, "\xC0\x1A", 2);
	assert_int_equal(put(&c, 92, ".", true), 1);
}

static void compr_follows_pointers_of_earlier_names(void **state)
{
	(void)state;
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	put(&c, 12, "example.com.", true);
	put(&c, 25, "www.example.com.", true); /* \3www + ptr 12 */
	/* Matching "www.example.com." at 25 goes through its pointer. */
	assert_int_equal(put(&c, 31, "a.www.example.com.", true), 4);
	assert_memory_equal(pkt + 31, "\1a\xC0\x19", 4);
}

static void compr_count_restore_rolls_back_targets(void **state)
{
	(void)state;
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	put(&c, 12, "example.com.", true);
	uint16_t mark = c.count;
	put(&c, 25, "new.example.com.", true);
	c.count = mark; /* the renderer's rollback */
	memset(pkt + 25, 0, 6);
	assert_int_equal(put(&c, 25, "new.example.com.", true), 6);
	assert_memory_equal(pkt + 25, "\3new\xC0\x0C", 6);
}

static void compr_rollback_then_reuse_keeps_older_targets(void **state)
{
	(void)state;
	dz_compr_t c;
	dz_compr_init(&c, pkt);
	put(&c, 12, "a.example.com.", true);
	uint16_t mark = c.count;
	/* Targets in the same chains as the ones kept, then dropped. */
	put(&c, 27, "b.a.example.com.", true);
	put(&c, 31, "example.com.", true);
	c.count = mark;
	memset(pkt + 27, 0xEE, 16);
	/* The dropped target at 27 is never pointed to, the kept ones are. */
	assert_int_equal(put(&c, 27, "b.a.example.com.", true), 4);
	assert_memory_equal(pkt + 27, "\1b\xC0\x0C", 4);
	assert_int_equal(put(&c, 31, "x.y.", true), 5);
	assert_int_equal(put(&c, 36, "b.a.example.com.", true), 2);
	assert_memory_equal(pkt + 36, "\xC0\x1B", 2);
	assert_int_equal(put(&c, 38, "com.", true), 2);
	assert_memory_equal(pkt + 38, "\xC0\x16", 2);
}

static void compr_hash_collisions_still_compare_names(void **state)
{
	(void)state;
	dz_compr_t c;
	char name[32];
	size_t pos = 12;
	dz_compr_init(&c, pkt);
	/* More targets than buckets: chains hold several names each, and
	 * only an equal name may be pointed to. */
	for (int i = 0; i < 3 * DZ_COMPR_BUCKETS / 2; i++) {
		snprintf(name, sizeof(name), "q%04d.zone.", i);
		pos += (size_t)put(&c, pos, name, true);
	}
	/* Targets dropped by a rollback leave the chains intact. */
	uint16_t mark = c.count;
	size_t dropped = pos;
	for (int i = 0; i < DZ_COMPR_BUCKETS / 2; i++) {
		snprintf(name, sizeof(name), "r%04d.zone.", i);
		pos += (size_t)put(&c, pos, name, true);
	}
	c.count = mark;
	memset(pkt + dropped, 0xEE, pos - dropped);
	pos = dropped;
	for (int i = 0; i < 3 * DZ_COMPR_BUCKETS / 2; i++) {
		uint8_t back[DZ_NAME_MAXLEN], want[DZ_NAME_MAXLEN];
		size_t at = pos;
		snprintf(name, sizeof(name), "Q%04d.ZONE.", i);
		assert_int_equal(put(&c, pos, name, true), 2);
		assert_int_equal(dz_name_from_wire(back, pkt, pos + 2, &at),
		                 12);
		W(name, want);
		assert_true(dz_name_equal(back, want));
	}
	assert_int_equal(put(&c, pos, "q9999.zone.", true), 8);
	assert_int_equal(put(&c, pos, "r0000.zone.", true), 8);
}

/* Write "n<i>.zone." for i in [from, to) at *pos, recording each offset;
 * the first name adds two targets ("zone." too), every later one adds one. */
static void put_numbered(dz_compr_t *c, size_t *pos, int from, int to,
                         uint16_t *offs)
{
	char name[32];
	for (int i = from; i < to; i++) {
		snprintf(name, sizeof(name), "n%02d.zone.", i);
		offs[i] = (uint16_t)*pos;
		int n = put(c, *pos, name, true);
		assert_true(n > 0);
		*pos += (size_t)n;
	}
}

/* "N<i>.ZONE." must become a pointer to the earlier "n<i>.zone.". */
static void assert_points_to(dz_compr_t *c, size_t pos, int i, uint16_t off)
{
	char name[32];
	snprintf(name, sizeof(name), "N%02d.ZONE.", i);
	assert_int_equal(put(c, pos, name, true), 2);
	assert_int_equal(pkt[pos], 0xC0 | (off >> 8));
	assert_int_equal(pkt[pos + 1], off & 0xFF);
}

static void compr_scans_up_to_linear_limit_then_links_every_target(void **state)
{
	(void)state;
	dz_compr_t c;
	uint16_t offs[64];
	size_t pos = 12;
	dz_compr_init(&c, pkt);
	put_numbered(&c, &pos, 0, DZ_COMPR_LINEAR - 1, offs);
	assert_int_equal(c.count, DZ_COMPR_LINEAR);
	assert_int_equal(c.linked, 0); /* scanned: nothing hashed yet */
	/* At the limit a lookup still scans, and finds any target. */
	assert_points_to(&c, pos, 0, offs[0]);
	assert_points_to(&c, pos, DZ_COMPR_LINEAR - 2, offs[DZ_COMPR_LINEAR - 2]);
	assert_int_equal(c.linked, 0);
	/* One past it: the next lookup links every earlier target. */
	put_numbered(&c, &pos, DZ_COMPR_LINEAR - 1, DZ_COMPR_LINEAR, offs);
	assert_int_equal(c.count, DZ_COMPR_LINEAR + 1);
	assert_int_equal(c.linked, 0);
	assert_points_to(&c, pos, 5, offs[5]);
	assert_int_equal(c.linked, DZ_COMPR_LINEAR + 1);
	put_numbered(&c, &pos, DZ_COMPR_LINEAR, 40, offs);
	assert_int_equal(c.linked, c.count);
	for (int i = 0; i < 40; i++) {
		assert_points_to(&c, pos, i, offs[i]);
	}
	/* "zone." itself was a target from the first name on. */
	assert_int_equal(put(&c, pos, "x.Zone.", true), 4);
	assert_memory_equal(pkt + pos, "\1x\xC0\x10", 4);
}

static void compr_rollback_below_linear_limit_and_back_keeps_targets_exact(
	void **state)
{
	(void)state;
	dz_compr_t c;
	uint16_t offs[64];
	size_t pos = 12;
	dz_compr_init(&c, pkt);
	put_numbered(&c, &pos, 0, 30, offs);
	assert_points_to(&c, pos, 3, offs[3]); /* hashed: all linked */
	assert_int_equal(c.linked, 31);
	/* Roll back to 10 names (11 targets) and scribble over the rest. */
	c.count = 11;
	pos = offs[10];
	memset(pkt + pos, 0xEE, 512);
	/* Scanning again: a dropped name is not found, a kept one is. */
	assert_int_equal(put(&c, pos, "n20.zone.", true), 6);
	assert_memory_equal(pkt + pos, "\3n20\xC0\x10", 6);
	offs[20] = (uint16_t)pos;
	pos += 6;
	assert_points_to(&c, pos, 9, offs[9]);
	/* Grow past the limit again: the chains drop the old targets and
	 * link the new ones, so every name points at its latest copy. */
	put_numbered(&c, &pos, 30, 50, offs);
	assert_true(c.count > DZ_COMPR_LINEAR);
	assert_points_to(&c, pos, 20, offs[20]);
	assert_int_equal(c.linked, c.count);
	for (int i = 30; i < 50; i++) {
		assert_points_to(&c, pos, i, offs[i]);
	}
	assert_int_equal(put(&c, pos, "n15.zone.", true), 6);
}

/* xorshift32: a fixed sequence, so a failure repeats. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* A random name under a few shared suffixes, in random case. */
static void random_name(uint32_t *s, char *out, size_t cap)
{
	static const char *const tails[] = {"example.com.", "EXAMPLE.com.",
	                                    "b.example.com.", "net.", "."};
	const char *tail = tails[rnd(s) % 5];
	size_t w = 0;
	unsigned labels = rnd(s) % 4;
	for (unsigned k = 0; k < labels; k++) {
		unsigned len = 1 + rnd(s) % 3;
		for (unsigned i = 0; i < len; i++) {
			char ch = (char)('a' + rnd(s) % 3);
			out[w++] = (rnd(s) & 1) ? (char)(ch - 'a' + 'A') : ch;
		}
		out[w++] = '.';
	}
	snprintf(out + w, cap - w, "%s", strcmp(tail, ".") == 0 && w > 0
	                                         ? ""
	                                         : tail);
}

/* Every pointer in the name written at pkt[pos] goes backwards and below
 * 0x4000. */
static void assert_pointers_backwards(size_t pos)
{
	size_t at = pos;
	for (;;) {
		uint8_t len = pkt[at];
		if ((len & 0xC0) == 0xC0) {
			size_t to = ((size_t)(len & 0x3F) << 8) | pkt[at + 1];
			assert_true(to < at);
			assert_true(to < 0x4000);
			return;
		}
		if (len == 0) {
			return;
		}
		at += (size_t)len + 1;
	}
}

static void compr_random_names_decode_equal_with_backward_pointers(void **state)
{
	(void)state;
	dz_compr_t c;
	uint32_t seed = 2026;
	/* Start near the limit so names cross 0x4000 as well. */
	size_t pos = 0x3000;
	dz_compr_init(&c, pkt);
	while (pos < sizeof(pkt) - DZ_NAME_MAXLEN) {
		char str[64];
		uint8_t want[DZ_NAME_MAXLEN], back[DZ_NAME_MAXLEN];
		random_name(&seed, str, sizeof(str));
		W(str, want);
		int n = dz_compr_put_name(&c, pkt, sizeof(pkt), pos, want,
		                          true);
		assert_true(n > 0);
		assert_pointers_backwards(pos);
		size_t at = pos;
		assert_int_equal(dz_name_from_wire(back, pkt, pos + (size_t)n,
		                                   &at),
		                 (int)dz_name_len(want));
		assert_int_equal(at, pos + (size_t)n);
		assert_true(dz_name_equal(back, want));
		pos += (size_t)n;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(compr_first_name_is_written_whole_and_remembered),
		cmocka_unit_test(compr_equal_name_becomes_pointer_to_first),
		cmocka_unit_test(compr_uses_longest_suffix),
		cmocka_unit_test(compr_matches_case_insensitively),
		cmocka_unit_test(compr_does_not_confuse_different_labels),
		cmocka_unit_test(compr_off_writes_whole_name_and_adds_no_target),
		cmocka_unit_test(compr_root_is_one_octet_never_a_pointer),
		cmocka_unit_test(compr_never_points_beyond_0x3fff),
		cmocka_unit_test(compr_fails_with_espace_and_table_unchanged),
		cmocka_unit_test(compr_full_table_still_writes_names),
		cmocka_unit_test(compr_rfc1035_example_offsets),
		cmocka_unit_test(compr_follows_pointers_of_earlier_names),
		cmocka_unit_test(compr_count_restore_rolls_back_targets),
		cmocka_unit_test(compr_rollback_then_reuse_keeps_older_targets),
		cmocka_unit_test(compr_hash_collisions_still_compare_names),
		cmocka_unit_test(
			compr_scans_up_to_linear_limit_then_links_every_target),
		cmocka_unit_test(
			compr_rollback_below_linear_limit_and_back_keeps_targets_exact),
		cmocka_unit_test(
		        compr_random_names_decode_equal_with_backward_pointers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
