/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of server/xfrin's network exchanges (UDP retries and timeout, TCP
 * framing) and of the <zone file>.timers persistence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "server/xfrin/xfrin_internal.h"

/* ===== persistence =========================================================
 */

static void tmp_zone_path(char *buf, size_t cap)
{
	snprintf(buf, cap, "/tmp/dz-xfrin-unit-%ld.zone", (long)getpid());
}

static void persist_save_then_load_roundtrips(void **state)
{
	(void)state;
	char zpath[128], tpath[160];
	tmp_zone_path(zpath, sizeof(zpath));
	xfrin_persist_t p = {.last_ok = 1700000000, .expire_at = 1701209600};
	snprintf(p.last_result, sizeof(p.last_result), "transferred");
	assert_int_equal(xfrin_persist_save(zpath, &p), DZ_OK);
	xfrin_persist_t q;
	memset(&q, 0xff, sizeof(q));
	assert_int_equal(xfrin_persist_load(zpath, &q), DZ_OK);
	assert_int_equal(q.last_ok, 1700000000);
	assert_int_equal(q.expire_at, 1701209600);
	assert_string_equal(q.last_result, "transferred");
	snprintf(tpath, sizeof(tpath), "%s.timers", zpath);
	unlink(tpath);
}

static void persist_load_missing_file_leaves_output(void **state)
{
	(void)state;
	xfrin_persist_t q = {.last_ok = 42};
	assert_int_equal(xfrin_persist_load("/nonexistent/dir/z.zone", &q),
	                 DZ_ENOENT);
	assert_int_equal(q.last_ok, 42);
}

static void persist_load_skips_damaged_lines(void **state)
{
	(void)state;
	char zpath[128], tpath[160];
	tmp_zone_path(zpath, sizeof(zpath));
	snprintf(tpath, sizeof(tpath), "%s.timers", zpath);
	FILE *f = fopen(tpath, "w");
	assert_non_null(f);
	fputs("garbage\nexpire-at x\nlast-ok 7\n\x01\x02\n", f);
	fclose(f);
	xfrin_persist_t q;
	assert_int_equal(xfrin_persist_load(zpath, &q), DZ_OK);
	assert_int_equal(q.last_ok, 7);
	assert_int_equal(q.expire_at, 0);
	assert_string_equal(q.last_result, "");
	unlink(tpath);
}

/* ===== exchanges ===========================================================
 */

typedef struct {
	int done_status;
	bool done;
	int msgs;
	size_t lens[8];
	int stop_after; /* on_msg returns 0 at this message */
} probe_t;

static int probe_msg(void *ctx, const uint8_t *msg, size_t len)
{
	probe_t *p = ctx;
	(void)msg;
	if (p->msgs < 8) {
		p->lens[p->msgs] = len;
	}
	p->msgs++;
	return p->msgs >= p->stop_after ? 0 : 1;
}

static void probe_done(void *ctx, int status)
{
	probe_t *p = ctx;
	p->done = true;
	p->done_status = status;
}

/* A socket on 127.0.0.1 with a kernel-chosen port. */
static int bound_socket(int type, struct sockaddr_storage *ss)
{
	int fd = socket(AF_INET, type, 0);
	assert_true(fd >= 0);
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof(*ss));
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)sin, sizeof(*sin)), 0);
	socklen_t sl = sizeof(*sin);
	assert_int_equal(getsockname(fd, (struct sockaddr *)sin, &sl), 0);
	return fd;
}

static void run_until_done(uv_loop_t *loop, const probe_t *p)
{
	while (!p->done) {
		uv_run(loop, UV_RUN_ONCE);
	}
	uv_run(loop, UV_RUN_NOWAIT); /* let the closes finish */
}

static const uint8_t QUERY[12] = {0x12, 0x34};

static void udp_times_out_after_every_try(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct sockaddr_storage dst;
	int fd = bound_socket(SOCK_DGRAM, &dst); /* receives, never answers */
	probe_t p = {.stop_after = 1};
	xfrin_io_opts_t o = {.dst = &dst,
	                     .timeout_ms = 30,
	                     .tries = 2,
	                     .on_msg = probe_msg,
	                     .on_done = probe_done,
	                     .ctx = &p};
	xfrin_io_t *io = NULL;
	assert_int_equal(xfrin_io_start(&loop, &o, QUERY, sizeof(QUERY), &io),
	                 DZ_OK);
	run_until_done(&loop, &p);
	assert_int_equal(p.done_status, -ETIMEDOUT);
	assert_int_equal(p.msgs, 0);
	uint8_t buf[64];
	int got = 0;
	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) == sizeof(QUERY)) {
		got++;
	}
	assert_int_equal(got, 2);
	close(fd);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* Answers one UDP query with a 20-octet datagram. */
static void *udp_echo(void *arg)
{
	int fd = *(int *)arg;
	uint8_t buf[512];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
	                     &fl);
	if (n > 0) {
		(void)sendto(fd, buf, 20, 0, (struct sockaddr *)&from, fl);
	}
	return NULL;
}

static void udp_delivers_the_answer(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct sockaddr_storage dst;
	int fd = bound_socket(SOCK_DGRAM, &dst);
	pthread_t t;
	pthread_create(&t, NULL, udp_echo, &fd);
	probe_t p = {.stop_after = 1};
	xfrin_io_opts_t o = {.dst = &dst,
	                     .timeout_ms = 2000,
	                     .tries = 1,
	                     .on_msg = probe_msg,
	                     .on_done = probe_done,
	                     .ctx = &p};
	xfrin_io_t *io = NULL;
	assert_int_equal(xfrin_io_start(&loop, &o, QUERY, sizeof(QUERY), &io),
	                 DZ_OK);
	run_until_done(&loop, &p);
	pthread_join(t, NULL);
	assert_int_equal(p.done_status, DZ_OK);
	assert_int_equal(p.msgs, 1);
	assert_int_equal(p.lens[0], 20);
	close(fd);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void tcp_connection_refused_is_reported(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct sockaddr_storage dst;
	int fd = bound_socket(SOCK_STREAM, &dst); /* bound, not listening */
	probe_t p = {.stop_after = 1};
	xfrin_io_opts_t o = {.dst = &dst,
	                     .tcp = true,
	                     .timeout_ms = 2000,
	                     .on_msg = probe_msg,
	                     .on_done = probe_done,
	                     .ctx = &p};
	xfrin_io_t *io = NULL;
	assert_int_equal(xfrin_io_start(&loop, &o, QUERY, sizeof(QUERY), &io),
	                 DZ_OK);
	run_until_done(&loop, &p);
	assert_int_equal(p.done_status, -ECONNREFUSED);
	close(fd);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* Sends two framed messages (5 and 3 octets) split at odd places. */
static void *tcp_two_messages(void *arg)
{
	int lfd = *(int *)arg;
	int c = accept(lfd, NULL, NULL);
	if (c < 0) {
		return NULL;
	}
	uint8_t q[64];
	(void)recv(c, q, sizeof(q), 0);
	static const uint8_t out[] = {0, 5, 1, 2, 3, 4, 5, 0, 3, 6, 7, 8};
	(void)send(c, out, 1, 0);
	usleep(20000);
	(void)send(c, out + 1, 8, 0);
	usleep(20000);
	(void)send(c, out + 9, 3, 0);
	usleep(100000);
	close(c);
	return NULL;
}

static void tcp_reassembles_split_frames(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct sockaddr_storage dst;
	int lfd = bound_socket(SOCK_STREAM, &dst);
	assert_int_equal(listen(lfd, 1), 0);
	pthread_t t;
	pthread_create(&t, NULL, tcp_two_messages, &lfd);
	probe_t p = {.stop_after = 2};
	xfrin_io_opts_t o = {.dst = &dst,
	                     .tcp = true,
	                     .timeout_ms = 2000,
	                     .on_msg = probe_msg,
	                     .on_done = probe_done,
	                     .ctx = &p};
	xfrin_io_t *io = NULL;
	assert_int_equal(xfrin_io_start(&loop, &o, QUERY, sizeof(QUERY), &io),
	                 DZ_OK);
	run_until_done(&loop, &p);
	assert_int_equal(p.done_status, DZ_OK);
	assert_int_equal(p.msgs, 2);
	assert_int_equal(p.lens[0], 5);
	assert_int_equal(p.lens[1], 3);
	pthread_join(t, NULL);
	close(lfd);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void tcp_early_close_is_incomplete(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct sockaddr_storage dst;
	int lfd = bound_socket(SOCK_STREAM, &dst);
	assert_int_equal(listen(lfd, 1), 0);
	pthread_t t;
	pthread_create(&t, NULL, tcp_two_messages, &lfd);
	probe_t p = {.stop_after = 5}; /* wants more than the peer sends */
	xfrin_io_opts_t o = {.dst = &dst,
	                     .tcp = true,
	                     .timeout_ms = 2000,
	                     .on_msg = probe_msg,
	                     .on_done = probe_done,
	                     .ctx = &p};
	xfrin_io_t *io = NULL;
	assert_int_equal(xfrin_io_start(&loop, &o, QUERY, sizeof(QUERY), &io),
	                 DZ_OK);
	run_until_done(&loop, &p);
	assert_int_equal(p.done_status, DZ_EXFRINCOMPLETE);
	assert_int_equal(p.msgs, 2);
	pthread_join(t, NULL);
	close(lfd);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void cancel_calls_no_callback(void **state)
{
	(void)state;
	uv_loop_t loop;
	uv_loop_init(&loop);
	struct sockaddr_storage dst;
	int fd = bound_socket(SOCK_DGRAM, &dst);
	probe_t p = {.stop_after = 1};
	xfrin_io_opts_t o = {.dst = &dst,
	                     .timeout_ms = 10,
	                     .tries = 1,
	                     .on_msg = probe_msg,
	                     .on_done = probe_done,
	                     .ctx = &p};
	xfrin_io_t *io = NULL;
	assert_int_equal(xfrin_io_start(&loop, &o, QUERY, sizeof(QUERY), &io),
	                 DZ_OK);
	xfrin_io_cancel(io);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_false(p.done);
	close(fd);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(persist_save_then_load_roundtrips),
	        cmocka_unit_test(persist_load_missing_file_leaves_output),
	        cmocka_unit_test(persist_load_skips_damaged_lines),
	        cmocka_unit_test(udp_times_out_after_every_try),
	        cmocka_unit_test(udp_delivers_the_answer),
	        cmocka_unit_test(tcp_connection_refused_is_reported),
	        cmocka_unit_test(tcp_reassembles_split_frames),
	        cmocka_unit_test(tcp_early_close_is_incomplete),
	        cmocka_unit_test(cancel_calls_no_callback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
