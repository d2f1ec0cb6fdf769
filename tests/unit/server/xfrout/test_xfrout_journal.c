/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the IXFR history reader of server/xfrout (xfrout_journal.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/journal/journal.h"
#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/changeset.h"
#include "server/xfrout/xfrout_internal.h"

typedef struct {
	char dir[64];
	char path[128];
	uint8_t origin[DZ_NAME_MAXLEN];
	dz_journal_t *j; /* the writer's handle */
} fx_t;

static int fx_setup(void **state)
{
	fx_t *fx = calloc(1, sizeof(*fx));
	assert_non_null(fx);
	strcpy(fx->dir, "/tmp/dz-xfrout-test-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/example.test.zone.jnl",
	         fx->dir);
	assert_true(dz_name_from_str(fx->origin, "example.test.", 13, NULL) > 0);
	assert_int_equal(dz_journal_open(fx->path, fx->origin,
	                                 DZ_JOURNAL_CREATE, NULL, &fx->j),
	                 DZ_OK);
	*state = fx;
	return 0;
}

static int fx_teardown(void **state)
{
	fx_t *fx = *state;
	dz_journal_free(fx->j);
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

/* A change from -> to: an A record named after the new serial is added. */
static void append(fx_t *fx, uint32_t from, uint32_t to)
{
	dz_changeset_t *ch = NULL;
	assert_int_equal(dz_changeset_new(&ch), DZ_OK);
	uint8_t a[4] = {192, 0, 2, (uint8_t)to};
	assert_int_equal(dz_changeset_add_added(ch, fx->origin, DZ_RR_A, 300,
	                                        a, 4),
	                 DZ_OK);
	assert_int_equal(dz_journal_append(fx->j, from, to, ch), DZ_OK);
	dz_changeset_free(ch);
}

/* Committed records 100 -> 101 -> 102 -> 103. */
static void three_changes(fx_t *fx)
{
	append(fx, 100, 101);
	append(fx, 101, 102);
	append(fx, 102, 103);
	assert_int_equal(dz_journal_sync(fx->j), DZ_OK);
}

static void assert_steps(const xfrout_steps_t *s, uint32_t first,
                         size_t n)
{
	assert_int_equal(s->n, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(s->steps[i].from, first + i);
		assert_int_equal(s->steps[i].to, first + i + 1);
		assert_int_equal(dz_changeset_nadded(s->steps[i].ch), 1);
	}
}

static void steps_read_gives_the_whole_chain(void **state)
{
	fx_t *fx = *state;
	three_changes(fx);
	xfrout_steps_t s = {0};
	assert_int_equal(xfrout_steps_read(fx->path, fx->origin, 100, 103, &s),
	                 DZ_OK);
	assert_steps(&s, 100, 3);
	xfrout_steps_clear(&s);
	assert_int_equal(s.n, 0);
	assert_null(s.steps);
}

static void steps_read_starts_at_the_client_serial(void **state)
{
	fx_t *fx = *state;
	three_changes(fx);
	xfrout_steps_t s = {0};
	assert_int_equal(xfrout_steps_read(fx->path, fx->origin, 102, 103, &s),
	                 DZ_OK);
	assert_steps(&s, 102, 1);
	xfrout_steps_clear(&s);
}

static void steps_read_stops_at_the_pinned_serial(void **state)
{
	fx_t *fx = *state;
	three_changes(fx);
	xfrout_steps_t s = {0};
	/* The transfer pinned version 102; 103 was published later. */
	assert_int_equal(xfrout_steps_read(fx->path, fx->origin, 100, 102, &s),
	                 DZ_OK);
	assert_steps(&s, 100, 2);
	xfrout_steps_clear(&s);
}

static void steps_read_of_a_serial_not_held_is_empty(void **state)
{
	fx_t *fx = *state;
	three_changes(fx);
	xfrout_steps_t s = {0};
	assert_int_equal(xfrout_steps_read(fx->path, fx->origin, 50, 103, &s),
	                 DZ_OK);
	assert_int_equal(s.n, 0);
	xfrout_steps_clear(&s);
}

static void steps_read_without_a_journal_is_empty(void **state)
{
	fx_t *fx = *state;
	char path[160];
	snprintf(path, sizeof(path), "%s/none.jnl", fx->dir);
	xfrout_steps_t s = {0};
	assert_int_equal(xfrout_steps_read(path, fx->origin, 100, 103, &s),
	                 DZ_OK);
	assert_int_equal(s.n, 0);
}

static void steps_read_of_another_zone_is_empty(void **state)
{
	fx_t *fx = *state;
	three_changes(fx);
	uint8_t other[DZ_NAME_MAXLEN];
	assert_true(dz_name_from_str(other, "other.test.", 11, NULL) > 0);
	xfrout_steps_t s = {0};
	assert_int_equal(xfrout_steps_read(fx->path, other, 100, 103, &s),
	                 DZ_OK);
	assert_int_equal(s.n, 0);
}

static void steps_read_ignores_the_writers_unsynced_batch(void **state)
{
	fx_t *fx = *state;
	three_changes(fx);
	append(fx, 103, 104); /* in the writer's batch, not on disk */
	xfrout_steps_t s = {0};
	assert_int_equal(xfrout_steps_read(fx->path, fx->origin, 100, 104, &s),
	                 DZ_OK);
	assert_steps(&s, 100, 3); /* does not reach 104: AXFR-style */
	xfrout_steps_clear(&s);
	assert_int_equal(dz_journal_sync(fx->j), DZ_OK);
	assert_int_equal(xfrout_steps_read(fx->path, fx->origin, 100, 104, &s),
	                 DZ_OK);
	assert_steps(&s, 100, 4);
	xfrout_steps_clear(&s);
}

static void steps_read_after_a_trim_has_only_what_was_kept(void **state)
{
	fx_t *fx = *state;
	three_changes(fx);
	xfrout_steps_t s = {0};
	assert_int_equal(dz_journal_trim(fx->j, 102), DZ_OK);
	assert_int_equal(xfrout_steps_read(fx->path, fx->origin, 100, 103, &s),
	                 DZ_OK);
	assert_int_equal(s.n, 0); /* history before 102 is gone */
	assert_int_equal(xfrout_steps_read(fx->path, fx->origin, 102, 103, &s),
	                 DZ_OK);
	assert_steps(&s, 102, 1);
	xfrout_steps_clear(&s);
}

static void journal_path_appends_jnl(void **state)
{
	(void)state;
	char buf[32];
	assert_int_equal(xfrout_journal_path("/d/z.zone", buf, sizeof(buf)),
	                 DZ_OK);
	assert_string_equal(buf, "/d/z.zone.jnl");
	assert_int_equal(xfrout_journal_path("/a/very/long/path/zone.zone",
	                                     buf, 16),
	                 DZ_ERANGE);
	assert_int_equal(xfrout_journal_path(NULL, buf, sizeof(buf)),
	                 DZ_ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(
	                steps_read_gives_the_whole_chain, fx_setup, fx_teardown),
	        cmocka_unit_test_setup_teardown(
	                steps_read_starts_at_the_client_serial, fx_setup,
	                fx_teardown),
	        cmocka_unit_test_setup_teardown(
	                steps_read_stops_at_the_pinned_serial, fx_setup,
	                fx_teardown),
	        cmocka_unit_test_setup_teardown(
	                steps_read_of_a_serial_not_held_is_empty, fx_setup,
	                fx_teardown),
	        cmocka_unit_test_setup_teardown(
	                steps_read_without_a_journal_is_empty, fx_setup,
	                fx_teardown),
	        cmocka_unit_test_setup_teardown(
	                steps_read_of_another_zone_is_empty, fx_setup,
	                fx_teardown),
	        cmocka_unit_test_setup_teardown(
	                steps_read_ignores_the_writers_unsynced_batch, fx_setup,
	                fx_teardown),
	        cmocka_unit_test_setup_teardown(
	                steps_read_after_a_trim_has_only_what_was_kept, fx_setup,
	                fx_teardown),
	        cmocka_unit_test(journal_path_appends_jnl),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
