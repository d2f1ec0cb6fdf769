/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of server/log: line formats, escaping, filtering, files, threads, reopen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "server/log/log.h"

/* 2026-11-25T19:00:00.123Z */
#define FIXED_SEC 1795633200
#define FIXED_NSEC 123456789
#define TS "2026-11-25T19:00:00.123Z"
#define ZONE_WIRE ((const uint8_t *)"\x07" "example" "\x04" "test")

static char g_dir[64];
/* volatile: the compiler must not see the NULL passed to %s (it warns) */
static const char *volatile g_null;
static char g_path[128];

static void fixed_clock(struct timespec *now)
{
	now->tv_sec = FIXED_SEC;
	now->tv_nsec = FIXED_NSEC;
}

/* ===== Helpers ========================================================== */

static int setup(void **state)
{
	(void)state;
	strcpy(g_dir, "/tmp/dz-log-XXXXXX");
	assert_non_null(mkdtemp(g_dir));
	snprintf(g_path, sizeof(g_path), "%s/test.log", g_dir);
	log_set_clock(fixed_clock);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[160];
	log_close();
	log_set_clock(NULL);
	for (int c = 0; c < LOG_CAT_COUNT; c++) {
		log_category_set((log_category_t)c, c != LOG_CAT_QUERY);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void use_file(const char *path, log_format_t format, log_level_t level,
                     uint32_t cats)
{
	const log_target_t t = {.kind = LOG_TARGET_FILE, .path = path,
	                        .format = format, .level = level,
	                        .categories = cats};
	assert_int_equal(log_set_targets(&t, 1), DZ_OK);
}

/* Whole file as a NUL-terminated heap string (caller frees). */
static char *slurp(const char *path, size_t *len_out)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap + 1);
	assert_non_null(buf);
	size_t n;
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
			assert_non_null(buf);
		}
	}
	fclose(f);
	buf[len] = '\0';
	if (len_out != NULL) {
		*len_out = len;
	}
	return buf;
}

static void assert_file_is(const char *path, const char *expected)
{
	char *got = slurp(path, NULL);
	assert_string_equal(got, expected);
	free(got);
}

static struct sockaddr_in peer4(const char *addr, uint16_t port)
{
	struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(port)};
	assert_int_equal(inet_pton(AF_INET, addr, &in.sin_addr), 1);
	return in;
}

/* ===== Formats ========================================================== */

static void text_format_is_byte_exact(void **state)
{
	(void)state;
	struct sockaddr_in in = peer4("127.0.0.1", 53000);
	use_file(g_path, LOG_FORMAT_TEXT, LOG_LEVEL_DEBUG, LOG_CAT_ALL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_UPDATE, ZONE_WIRE,
	          (const struct sockaddr *)&in, "update-applied",
	          "serial=%u->%u added=%d removed=%d", 5u, 6u, 1, 0);
	log_event(LOG_LEVEL_NOTICE, LOG_CAT_GENERAL, NULL, NULL,
	          "server-started", NULL);
	assert_file_is(g_path,
	        TS " info update zone=example.test. peer=127.0.0.1#53000 "
	        "event=update-applied serial=5->6 added=1 removed=0\n"
	        TS " notice general event=server-started\n");
}

static void json_format_is_byte_exact(void **state)
{
	(void)state;
	struct sockaddr_in in = peer4("127.0.0.1", 53000);
	use_file(g_path, LOG_FORMAT_JSON, LOG_LEVEL_DEBUG, LOG_CAT_ALL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_UPDATE, ZONE_WIRE,
	          (const struct sockaddr *)&in, "update-applied",
	          "serial=%u->%u added=%d removed=%d", 5u, 6u, 1, 0);
	log_event(LOG_LEVEL_ERROR, LOG_CAT_XFR_IN, NULL, NULL, "x", NULL);
	assert_file_is(g_path,
	        "{\"ts\":\"" TS "\",\"level\":\"info\",\"category\":\"update\","
	        "\"zone\":\"example.test.\",\"peer\":\"127.0.0.1#53000\","
	        "\"event\":\"update-applied\",\"serial\":\"5->6\","
	        "\"added\":1,\"removed\":0}\n"
	        "{\"ts\":\"" TS "\",\"level\":\"error\",\"category\":\"xfr-in\","
	        "\"event\":\"x\"}\n");
}

static void text_quotes_and_escapes_values(void **state)
{
	(void)state;
	use_file(g_path, LOG_FORMAT_TEXT, LOG_LEVEL_DEBUG, LOG_CAT_ALL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "e",
	          "a=%s b=%s c=%s d=%s e=%s", "a b\"c\\d\ne\r\t\x01\x7f\xff",
	          "x=y z=w", "", "caf\xc3\xa9", "\xc2\x85");
	assert_file_is(g_path,
	        TS " info general event=e "
	        "a=\"a b\\\"c\\\\d\\ne\\r\\t\\x01\\x7f\\xff\" b=\"x=y z=w\" "
	        "c=\"\" d=\"caf\xc3\xa9\" e=\"\\u0085\"\n");
}

static void json_escapes_controls_and_invalid_utf8(void **state)
{
	(void)state;
	use_file(g_path, LOG_FORMAT_JSON, LOG_LEVEL_DEBUG, LOG_CAT_ALL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "e",
	          "v=%s o=%s s=%s t=%s",
	          "q\"\\\n\b\f\r\t\x01\x1f\x7f\xff\xc3\xa9\xf0\x9f\x98\x80",
	          "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82");
	assert_file_is(g_path,
	        "{\"ts\":\"" TS "\",\"level\":\"info\",\"category\":\"general\","
	        "\"event\":\"e\",\"v\":\"q\\\"\\\\\\n\\b\\f\\r\\t\\u0001"
	        "\\u001f\\u007f\\u00ff\xc3\xa9\xf0\x9f\x98\x80\","
	        "\"o\":\"\\u00c0\\u00af\",\"s\":\"\\u00ed\\u00a0\\u0080\","
	        "\"t\":\"\\u00e2\\u0082\"}\n");
}

static void json_numbers_only_from_numeric_values(void **state)
{
	(void)state;
	use_file(g_path, LOG_FORMAT_JSON, LOG_LEVEL_DEBUG, LOG_CAT_ALL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "e",
	          "a=%d b=%x c=%s d=%.1f e=-3 f=007 g=%05d h=1e5 flag",
	          -1, 255, "12", 1.5, 42);
	assert_file_is(g_path,
	        "{\"ts\":\"" TS "\",\"level\":\"info\",\"category\":\"general\","
	        "\"event\":\"e\",\"a\":-1,\"b\":\"ff\",\"c\":\"12\",\"d\":1.5,"
	        "\"e\":-3,\"f\":\"007\",\"g\":\"00042\",\"h\":1e5,"
	        "\"flag\":true}\n");
}

static void printf_conversions_expand_like_printf(void **state)
{
	(void)state;
	use_file(g_path, LOG_FORMAT_TEXT, LOG_LEVEL_DEBUG, LOG_CAT_ALL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "e",
	          "a=[%5d] b=%-4s| c=%.2s d=%c e=100%% f=%zu g=%lld h=%s "
	          "i=%*d j=%hhu k=%08.3f l=%X",
	          42, "ab", "xyz", 'Q', (size_t)7, -9000000000LL,
	          g_null, 3, 7, (unsigned char)200, 3.14159,
	          0xbeefu);
	assert_file_is(g_path,
	        TS " info general event=e a=\"[   42]\" b=\"ab  |\" c=xy d=Q "
	        "e=100% f=7 g=-9000000000 h=(null) i=\"  7\" j=200 "
	        "k=0003.142 l=BEEF\n");
}

static void keys_are_sanitized_and_spaces_collapse(void **state)
{
	(void)state;
	use_file(g_path, LOG_FORMAT_TEXT, LOG_LEVEL_DEBUG, LOG_CAT_ALL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "e",
	          "  %s=1  =2 k\"=3 ", "a b");
	assert_file_is(g_path, TS " info general event=e a_b=1 _=2 k_=3\n");
}

static void peers_ipv6_scope_and_local(void **state)
{
	(void)state;
	struct sockaddr_in6 in6 = {.sin6_family = AF_INET6,
	                           .sin6_port = htons(53)};
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::1", &in6.sin6_addr), 1);
	struct sockaddr_un un = {.sun_family = AF_UNIX};
	use_file(g_path, LOG_FORMAT_TEXT, LOG_LEVEL_DEBUG, LOG_CAT_ALL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_NOTIFY, NULL,
	          (const struct sockaddr *)&in6, "a", NULL);
	in6.sin6_scope_id = 2;
	log_event(LOG_LEVEL_INFO, LOG_CAT_NOTIFY, NULL,
	          (const struct sockaddr *)&in6, "b", NULL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_CONTROL, NULL,
	          (const struct sockaddr *)&un, "c", NULL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_XFR_OUT, (const uint8_t *)"", NULL,
	          "d", NULL);
	assert_file_is(g_path,
	        TS " info notify peer=2001:db8::1#53 event=a\n"
	        TS " info notify peer=2001:db8::1%2#53 event=b\n"
	        TS " info control peer=local event=c\n"
	        TS " info xfr-out zone=. event=d\n");
}

static void long_details_are_cut_at_a_field_and_marked(void **state)
{
	(void)state;
	char big[LOG_LINE_MAX];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	char half[LOG_LINE_MAX / 2];
	memset(half, 'y', sizeof(half) - 1);
	half[sizeof(half) - 1] = '\0';
	use_file(g_path, LOG_FORMAT_TEXT, LOG_LEVEL_DEBUG, LOG_CAT_ALL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "e",
	          "a=1 b=%s c=%s", half, half);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "e",
	          "a=1 b=%s", big);
	char *got = slurp(g_path, NULL);
	char *second = strchr(got, '\n') + 1;
	size_t first_len = (size_t)(second - got);
	assert_true(first_len <= LOG_LINE_MAX);
	char expect[LOG_LINE_MAX + 64];
	snprintf(expect, sizeof(expect),
	         TS " info general event=e a=1 b=%s truncated=yes\n", half);
	assert_int_equal(first_len, strlen(expect));
	assert_memory_equal(got, expect, first_len);
	assert_string_equal(second,
	        TS " info general event=e a=1 truncated=yes\n");
	free(got);
}

/* ===== Filtering ======================================================== */

static void level_filter_drops_less_severe(void **state)
{
	(void)state;
	use_file(g_path, LOG_FORMAT_TEXT, LOG_LEVEL_NOTICE, LOG_CAT_ALL);
	assert_true(log_enabled(LOG_CAT_GENERAL, LOG_LEVEL_ERROR));
	assert_true(log_enabled(LOG_CAT_GENERAL, LOG_LEVEL_NOTICE));
	assert_false(log_enabled(LOG_CAT_GENERAL, LOG_LEVEL_INFO));
	assert_false(log_enabled(LOG_CAT_GENERAL, LOG_LEVEL_DEBUG));
	log_event(LOG_LEVEL_DEBUG, LOG_CAT_GENERAL, NULL, NULL, "d", NULL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "i", NULL);
	log_event(LOG_LEVEL_NOTICE, LOG_CAT_GENERAL, NULL, NULL, "n", NULL);
	log_event(LOG_LEVEL_WARNING, LOG_CAT_GENERAL, NULL, NULL, "w", NULL);
	assert_file_is(g_path, TS " notice general event=n\n"
	                       TS " warning general event=w\n");
}

static void category_mask_selects_per_target(void **state)
{
	(void)state;
	char other[160];
	snprintf(other, sizeof(other), "%s/other.log", g_dir);
	const log_target_t t[] = {
		{.kind = LOG_TARGET_FILE, .path = g_path,
		 .format = LOG_FORMAT_TEXT, .level = LOG_LEVEL_INFO,
		 .categories = LOG_CAT_BIT(LOG_CAT_UPDATE)},
		{.kind = LOG_TARGET_FILE, .path = other,
		 .format = LOG_FORMAT_JSON, .level = LOG_LEVEL_DEBUG,
		 .categories = LOG_CAT_BIT(LOG_CAT_SECURITY)},
	};
	assert_int_equal(log_set_targets(t, 2), DZ_OK);
	assert_false(log_enabled(LOG_CAT_GENERAL, LOG_LEVEL_ERROR));
	assert_true(log_enabled(LOG_CAT_UPDATE, LOG_LEVEL_INFO));
	assert_false(log_enabled(LOG_CAT_UPDATE, LOG_LEVEL_DEBUG));
	assert_true(log_enabled(LOG_CAT_SECURITY, LOG_LEVEL_DEBUG));
	log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, NULL, NULL, "g", NULL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_UPDATE, NULL, NULL, "u", NULL);
	log_event(LOG_LEVEL_DEBUG, LOG_CAT_SECURITY, NULL, NULL, "s", NULL);
	assert_file_is(g_path, TS " info update event=u\n");
	assert_file_is(other, "{\"ts\":\"" TS "\",\"level\":\"debug\","
	                      "\"category\":\"security\",\"event\":\"s\"}\n");
}

static void query_category_is_off_until_switched_on(void **state)
{
	(void)state;
	use_file(g_path, LOG_FORMAT_TEXT, LOG_LEVEL_DEBUG, LOG_CAT_ALL);
	assert_false(log_category_is_on(LOG_CAT_QUERY));
	assert_false(log_enabled(LOG_CAT_QUERY, LOG_LEVEL_ERROR));
	log_event(LOG_LEVEL_INFO, LOG_CAT_QUERY, NULL, NULL, "q1", NULL);
	log_category_set(LOG_CAT_QUERY, true);
	assert_true(log_category_is_on(LOG_CAT_QUERY));
	assert_true(log_enabled(LOG_CAT_QUERY, LOG_LEVEL_DEBUG));
	log_event(LOG_LEVEL_INFO, LOG_CAT_QUERY, NULL, NULL, "q2", NULL);
	log_category_set(LOG_CAT_UPDATE, false);
	log_event(LOG_LEVEL_ERROR, LOG_CAT_UPDATE, NULL, NULL, "u1", NULL);
	log_category_set(LOG_CAT_QUERY, false);
	log_event(LOG_LEVEL_INFO, LOG_CAT_QUERY, NULL, NULL, "q3", NULL);
	assert_file_is(g_path, TS " info query event=q2\n");
}

static void disabled_log_writes_nothing(void **state)
{
	(void)state;
	assert_false(log_enabled(LOG_CAT_GENERAL, LOG_LEVEL_ERROR));
	assert_int_equal(log_set_targets(NULL, 0), DZ_OK);
	assert_false(log_enabled(LOG_CAT_GENERAL, LOG_LEVEL_ERROR));
	log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, NULL, NULL, "x", NULL);
	assert_false(log_enabled((log_category_t)99, LOG_LEVEL_ERROR));
}

/* ===== Targets ========================================================== */

static void invalid_targets_are_rejected(void **state)
{
	(void)state;
	log_target_t t = {.kind = LOG_TARGET_FILE, .path = NULL,
	                  .level = LOG_LEVEL_INFO, .categories = LOG_CAT_ALL};
	assert_int_equal(log_set_targets(&t, 1), DZ_EINVAL);
	t.path = "";
	assert_int_equal(log_set_targets(&t, 1), DZ_EINVAL);
	t = (log_target_t){.kind = LOG_TARGET_STDERR,
	                   .level = LOG_LEVEL_COUNT};
	assert_int_equal(log_set_targets(&t, 1), DZ_EINVAL);
	t.level = LOG_LEVEL_INFO;
	t.categories = 1u << LOG_CAT_COUNT;
	assert_int_equal(log_set_targets(&t, 1), DZ_EINVAL);
	t.categories = LOG_CAT_ALL;
	t.kind = (log_target_kind_t)7;
	assert_int_equal(log_set_targets(&t, 1), DZ_EINVAL);
	assert_int_equal(log_set_targets(NULL, 1), DZ_EINVAL);
}

static void failed_reload_keeps_old_targets(void **state)
{
	(void)state;
	char bad[160];
	snprintf(bad, sizeof(bad), "%s/missing/x.log", g_dir);
	use_file(g_path, LOG_FORMAT_TEXT, LOG_LEVEL_INFO, LOG_CAT_ALL);
	const log_target_t t[] = {
		{.kind = LOG_TARGET_STDERR, .level = LOG_LEVEL_DEBUG,
		 .categories = LOG_CAT_ALL},
		{.kind = LOG_TARGET_FILE, .path = bad,
		 .level = LOG_LEVEL_INFO, .categories = LOG_CAT_ALL},
	};
	assert_int_equal(log_set_targets(t, 2), DZ_ENOENT);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "still", NULL);
	char expect[512];
	snprintf(expect, sizeof(expect),
	         TS " error general event=log-open-failed path=%s "
	            "err=\"no such file or entry\"\n"
	         TS " info general event=still\n", bad);
	assert_file_is(g_path, expect);
}

static void failed_writes_are_counted_not_reported(void **state)
{
	(void)state;
	use_file("/dev/full", LOG_FORMAT_TEXT, LOG_LEVEL_INFO, LOG_CAT_ALL);
	uint64_t before = log_dropped();
	errno = 1234;
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "lost", NULL);
	assert_int_equal(errno, 1234);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "lost", NULL);
	assert_int_equal(log_dropped(), before + 2);
}

static void stderr_default_target_writes_text(void **state)
{
	(void)state;
	int fd = open(g_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	int saved = dup(STDERR_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	assert_int_equal(log_open_default(), DZ_OK);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "hello", "n=1");
	log_event(LOG_LEVEL_DEBUG, LOG_CAT_GENERAL, NULL, NULL, "hidden", NULL);
	log_close();
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	close(fd);
	assert_file_is(g_path, TS " info general event=hello n=1\n");
}

static void syslog_target_accepts_events(void **state)
{
	(void)state;
	const log_target_t t = {.kind = LOG_TARGET_SYSLOG,
	                        .format = LOG_FORMAT_TEXT,
	                        .level = LOG_LEVEL_INFO,
	                        .categories = LOG_CAT_BIT(LOG_CAT_GENERAL)};
	assert_int_equal(log_set_targets(&t, 1), DZ_OK);
	assert_true(log_enabled(LOG_CAT_GENERAL, LOG_LEVEL_INFO));
	/* Whether a syslogd listens is outside our control; this checks the
	 * path runs (and, under ASan, touches nothing it should not). */
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "to-syslog",
	          "k=%s", "v");
}

static void reopen_after_rename_writes_new_file(void **state)
{
	(void)state;
	char rotated[160];
	snprintf(rotated, sizeof(rotated), "%s.1", g_path);
	use_file(g_path, LOG_FORMAT_TEXT, LOG_LEVEL_INFO, LOG_CAT_ALL);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "before", NULL);
	assert_int_equal(rename(g_path, rotated), 0);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "between", NULL);
	assert_int_equal(log_reopen(), DZ_OK);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "after", NULL);
	assert_file_is(rotated, TS " info general event=before\n"
	                        TS " info general event=between\n");
	assert_file_is(g_path, TS " info general event=log-reopened files=1\n"
	                       TS " info general event=after\n");
}

static void reopen_failure_keeps_old_file(void **state)
{
	(void)state;
	char sub[160], path[192];
	snprintf(sub, sizeof(sub), "%s/sub", g_dir);
	snprintf(path, sizeof(path), "%s/x.log", sub);
	assert_int_equal(mkdir(sub, 0700), 0);
	use_file(path, LOG_FORMAT_TEXT, LOG_LEVEL_INFO, LOG_CAT_ALL);
	assert_int_equal(rename(path, g_path), 0);
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(log_reopen(), DZ_ENOENT);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "kept", NULL);
	char expect[512];
	snprintf(expect, sizeof(expect),
	         TS " error general event=log-reopen-failed path=%s "
	            "err=\"no such file or entry\"\n"
	         TS " info general event=kept\n", path);
	assert_file_is(g_path, expect);
}

/* ===== Concurrency ====================================================== */

#define THREADS 4
#define LINES 2000

static void *writer(void *arg)
{
	int id = (int)(intptr_t)arg;
	static const char pad[] = "0123456789abcdefghijklmnopqrstuvwxyz"
	                          "0123456789abcdefghijklmnopqrstuvwxyz";
	for (int i = 0; i < LINES; i++) {
		log_event(LOG_LEVEL_INFO, LOG_CAT_UPDATE, ZONE_WIRE, NULL,
		          "t", "thread=%d seq=%d pad=%.*s", id, i,
		          (i * 7 + id) % 72 + 1, pad);
	}
	return NULL;
}

/* Parse one line; returns false unless it is exactly what writer() wrote. */
static bool line_is_whole(const char *line, size_t len, int *id, int *seq)
{
	static const char head[] = TS " info update zone=example.test. "
	                           "event=t thread=";
	int used = 0, padlen = 0;
	if (len < sizeof(head) || memcmp(line, head, sizeof(head) - 1) != 0) {
		return false;
	}
	const char *p = line + sizeof(head) - 1;
	if (sscanf(p, "%d seq=%d pad=%n", id, seq, &used) != 2 || used == 0) {
		return false;
	}
	padlen = (int)(len - (size_t)(p + used - line));
	return *id >= 0 && *id < THREADS && *seq >= 0 && *seq < LINES &&
	       padlen == (*seq * 7 + *id) % 72 + 1;
}

static void concurrent_writers_produce_whole_lines(void **state)
{
	(void)state;
	static bool seen[THREADS][LINES];
	memset(seen, 0, sizeof(seen));
	use_file(g_path, LOG_FORMAT_TEXT, LOG_LEVEL_INFO, LOG_CAT_ALL);
	pthread_t th[THREADS];
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_create(&th[i], NULL, writer,
		                                (void *)(intptr_t)i), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
	}
	size_t len;
	char *all = slurp(g_path, &len);
	size_t count = 0;
	for (char *line = all; line < all + len;) {
		char *nl = memchr(line, '\n', (size_t)(all + len - line));
		assert_non_null(nl);
		int id, seq;
		assert_true(line_is_whole(line, (size_t)(nl - line), &id, &seq));
		assert_false(seen[id][seq]);
		seen[id][seq] = true;
		count++;
		line = nl + 1;
	}
	assert_int_equal(count, THREADS * LINES);
	free(all);
}

static void *slow_writer(void *arg)
{
	for (int i = 0; i < 1000; i++) {
		log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "w",
		          "thread=%d seq=%d", (int)(intptr_t)arg, i);
	}
	return NULL;
}

/* Every line in \p path is one whole event line; returns the count. */
static size_t count_whole_lines(const char *path)
{
	size_t len, count = 0;
	char *all = slurp(path, &len);
	for (char *line = all; line < all + len; count++) {
		char *nl = memchr(line, '\n', (size_t)(all + len - line));
		assert_non_null(nl);
		*nl = '\0';
		int id, seq, used = 0;
		bool ok = sscanf(line, TS " info general event=w thread=%d "
		                       "seq=%d%n", &id, &seq, &used) == 2;
		bool other = strstr(line, "event=log-reopened") != NULL;
		assert_true((ok && line + used == nl) || other);
		line = nl + 1;
	}
	free(all);
	return count;
}

static void reload_and_reopen_while_writing_keep_lines_whole(void **state)
{
	(void)state;
	char other[160];
	snprintf(other, sizeof(other), "%s/other.log", g_dir);
	use_file(g_path, LOG_FORMAT_TEXT, LOG_LEVEL_INFO, LOG_CAT_ALL);
	pthread_t th[2];
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pthread_create(&th[i], NULL, slow_writer,
		                                (void *)(intptr_t)i), 0);
	}
	for (int i = 0; i < 40; i++) {
		use_file(i % 2 ? g_path : other, LOG_FORMAT_TEXT,
		         LOG_LEVEL_INFO, LOG_CAT_ALL);
		assert_int_equal(log_reopen(), DZ_OK);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
	}
	size_t n = count_whole_lines(g_path) + count_whole_lines(other);
	assert_int_equal(n, 2 * 1000 + 40); /* + one log-reopened each */
}

/* ===== JSON validity ==================================================== */

static void json_lines_parse_as_json(void **state)
{
	(void)state;
	char big[LOG_LINE_MAX];
	memset(big, '\x01', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	use_file(g_path, LOG_FORMAT_JSON, LOG_LEVEL_DEBUG, LOG_CAT_ALL);
	char bytes[256];
	for (int i = 1; i < 256; i++) {
		bytes[i - 1] = (char)i;
	}
	bytes[255] = '\0';
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "all-bytes",
	          "v=%s k%s=1", bytes, bytes);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL,
	          (const uint8_t *)"\x03" "a\"\\" "\x02" "\x01\xff", NULL, "z",
	          "n=%d f=%g", 5, 0.25);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "big",
	          "a=%s b=%s", "\xff\xfe", big);
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL, "big2",
	          "a=%s", big + LOG_LINE_MAX / 3);
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
	         "/usr/bin/python3 -c 'import json,sys\n"
	         "n=0\n"
	         "for l in open(sys.argv[1], \"rb\"):\n"
	         "    assert len(l) <= %d and l.endswith(b\"\\n\")\n"
	         "    o=json.loads(l.decode(\"utf-8\", \"strict\"))\n"
	         "    assert o[\"ts\"]==\"%s\" and \"event\" in o\n"
	         "    n+=1\n"
	         "sys.exit(0 if n==4 else 1)' '%s'",
	         LOG_LINE_MAX, TS, g_path);
	assert_int_equal(system(cmd), 0);
}

/* ===== Names ============================================================ */

static void level_and_category_names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < LOG_LEVEL_COUNT; i++) {
		log_level_t lv;
		assert_int_equal(log_level_from_str(
			log_level_to_str((log_level_t)i), &lv), DZ_OK);
		assert_int_equal(lv, i);
	}
	for (int i = 0; i < LOG_CAT_COUNT; i++) {
		log_category_t c;
		assert_int_equal(log_category_from_str(
			log_category_to_str((log_category_t)i), &c), DZ_OK);
		assert_int_equal(c, i);
	}
	log_category_t c = LOG_CAT_GENERAL;
	assert_int_equal(log_category_from_str("xfr-in", &c), DZ_OK);
	assert_int_equal(c, LOG_CAT_XFR_IN);
	assert_int_equal(log_category_from_str("xfr_in", &c), DZ_EINVAL);
	assert_int_equal(c, LOG_CAT_XFR_IN);
	log_level_t lv = LOG_LEVEL_INFO;
	assert_int_equal(log_level_from_str("warn", &lv), DZ_EINVAL);
	assert_int_equal(log_level_from_str(NULL, &lv), DZ_EINVAL);
	assert_int_equal(lv, LOG_LEVEL_INFO);
	assert_string_equal(log_level_to_str(LOG_LEVEL_COUNT), "?");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(text_format_is_byte_exact),
		T(json_format_is_byte_exact),
		T(text_quotes_and_escapes_values),
		T(json_escapes_controls_and_invalid_utf8),
		T(json_numbers_only_from_numeric_values),
		T(printf_conversions_expand_like_printf),
		T(keys_are_sanitized_and_spaces_collapse),
		T(peers_ipv6_scope_and_local),
		T(long_details_are_cut_at_a_field_and_marked),
		T(level_filter_drops_less_severe),
		T(category_mask_selects_per_target),
		T(query_category_is_off_until_switched_on),
		T(disabled_log_writes_nothing),
		T(invalid_targets_are_rejected),
		T(failed_reload_keeps_old_targets),
		T(failed_writes_are_counted_not_reported),
		T(stderr_default_target_writes_text),
		T(syslog_target_accepts_events),
		T(reopen_after_rename_writes_new_file),
		T(reopen_failure_keeps_old_file),
		T(concurrent_writers_produce_whole_lines),
		T(reload_and_reopen_while_writing_keep_lines_whole),
		T(json_lines_parse_as_json),
		T(level_and_category_names_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
