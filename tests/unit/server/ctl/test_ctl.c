/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for the control socket (server/ctl/ctl.h): a real socket in a temp folder, the loop in a thread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/ctl/ctl_proto.h"
#include "lib/util/errcode.h"
#include "server/ctl/ctl.h"
#include "server/log/log.h"

#define WAIT_MS 3000 /* bound on any single wait; tests normally take ms */

typedef struct {
	char dir[64];
	char path[100];
	uv_loop_t loop;
	uv_async_t stop;
	pthread_t thread;
	ctl_t *ctl;
	bool running;
	bool closed; /* on_closed ran */
} fixture_t;

static fixture_t fx;
static dz_ctl_req_t req; /* ~16 KiB, off the stack */

/* ---- handlers ----------------------------------------------------------- */

static int h_status(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	(void)ctx;
	return args->json ? ctl_resp_printf(resp, "{\"ok\":true}\n")
	                  : ctl_resp_printf(resp, "all good\n");
}

static int h_echo(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	(void)ctx;
	int ret = ctl_resp_printf(resp, "%s", args->cmd);
	for (size_t i = 0; ret == DZ_OK && i < args->argc; i++) {
		ret = ctl_resp_printf(resp, " %s", args->argv[i]);
	}
	return ret;
}

static int h_fail(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	(void)args;
	(void)ctx;
	(void)ctl_resp_printf(resp, "no such zone");
	return DZ_ENOTFOUND;
}

static int h_weird(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	(void)args;
	(void)ctx;
	int ret = ctl_resp_append(resp, "a\x1b" "b\xff|", 5);
	return ret == DZ_OK ? ctl_resp_json_str(resp, "q\"\\\n") : ret;
}

static int h_stop(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	(void)args;
	ctl_close(ctx, NULL, NULL);
	return ctl_resp_printf(resp, "stopping\n");
}

/* Deferred handlers: "later" leaves its answer to the test thread;
 * "soon" completes it at once, still from inside the handler. */
static ctl_pending_t *g_pending; /* atomic: set on the loop thread */
static int g_defer_twice;        /* what a second ctl_resp_defer said */

static int h_later(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	(void)args;
	(void)ctx;
	ctl_pending_t *p = NULL;
	int ret = ctl_resp_defer(resp, &p);
	if (ret != DZ_OK) {
		return ret;
	}
	ctl_pending_t *again = NULL;
	g_defer_twice = ctl_resp_defer(resp, &again);
	(void)ctl_resp_printf(resp, "dropped text");
	__atomic_store_n(&g_pending, p, __ATOMIC_RELEASE);
	return CTL_PENDING;
}

static int h_soon(const ctl_args_t *args, ctl_resp_t *resp, void *ctx)
{
	(void)args;
	(void)ctx;
	ctl_pending_t *p = NULL;
	int ret = ctl_resp_defer(resp, &p);
	if (ret == DZ_OK) {
		ctl_pending_done(p, DZ_ENOTFOUND,
		                 ctl_pending_json(p) ? "{\"gone\":true}" : "gone");
	}
	return ret == DZ_OK ? CTL_PENDING : ret;
}

/* The pending answer of "later", once its handler ran (or NULL). */
static ctl_pending_t *wait_pending(void)
{
	for (int i = 0; i < WAIT_MS; i++) {
		ctl_pending_t *p = __atomic_exchange_n(&g_pending, NULL,
		                                       __ATOMIC_ACQ_REL);
		if (p != NULL) {
			return p;
		}
		usleep(1000);
	}
	return NULL;
}

/* ---- fixture ------------------------------------------------------------ */

static void on_closed(void *arg)
{
	__atomic_store_n(&((fixture_t *)arg)->closed, true, __ATOMIC_RELEASE);
}

static void on_stop(uv_async_t *async)
{
	fixture_t *f = async->data;
	if (f->ctl != NULL && !f->closed) {
		ctl_close(f->ctl, on_closed, f);
	}
	uv_close((uv_handle_t *)async, NULL);
}

static void *loop_main(void *arg)
{
	fixture_t *f = arg;
	(void)uv_run(&f->loop, UV_RUN_DEFAULT);
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/dzctl-XXXXXX");
	if (mkdtemp(fx.dir) == NULL) {
		return -1;
	}
	snprintf(fx.path, sizeof(fx.path), "%s/control.sock", fx.dir);
	if (uv_loop_init(&fx.loop) != 0 ||
	    ctl_new(&fx.loop, fx.path, &fx.ctl) != DZ_OK) {
		return -1;
	}
	ctl_set_limits(fx.ctl, 2000, 4);
	return 0;
}

/* Register the test handlers, listen and run the loop in a thread. */
static void start(void)
{
	assert_int_equal(ctl_register(fx.ctl, "status", h_status, NULL), DZ_OK);
	assert_int_equal(ctl_register(fx.ctl, "echo", h_echo, NULL), DZ_OK);
	assert_int_equal(ctl_register(fx.ctl, "fail", h_fail, NULL), DZ_OK);
	assert_int_equal(ctl_register(fx.ctl, "weird", h_weird, NULL), DZ_OK);
	assert_int_equal(ctl_register(fx.ctl, "stop", h_stop, fx.ctl), DZ_OK);
	assert_int_equal(ctl_start(fx.ctl), DZ_OK);
	assert_int_equal(uv_async_init(&fx.loop, &fx.stop, on_stop), 0);
	fx.stop.data = &fx;
	assert_int_equal(pthread_create(&fx.thread, NULL, loop_main, &fx), 0);
	fx.running = true;
}

static int teardown(void **state)
{
	(void)state;
	if (fx.running) {
		uv_async_send(&fx.stop);
		pthread_join(fx.thread, NULL);
	} else if (fx.ctl != NULL) {
		ctl_close(fx.ctl, on_closed, &fx);
		(void)uv_run(&fx.loop, UV_RUN_DEFAULT);
	}
	bool closed = __atomic_load_n(&fx.closed, __ATOMIC_ACQUIRE);
	int ret = uv_loop_close(&fx.loop) == 0 && closed ? 0 : -1;
	(void)unlink(fx.path);
	(void)rmdir(fx.dir);
	return ret;
}

/* ---- a small blocking client -------------------------------------------- */

static int client_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	return fd;
}

static int send_bytes(int fd, const void *buf, size_t len)
{
	return send(fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len ? 0 : -1;
}

/* Encode a request into out; returns its length. */
static size_t frame_of(uint8_t *out, size_t size, uint8_t flags, size_t argc,
                       const char *const *argv)
{
	if (dz_ctl_req_init(&req, flags, argc, argv) != DZ_OK) {
		return 0;
	}
	int n = dz_ctl_req_to_wire(&req, out, size);
	return n > 0 ? (size_t)n : 0;
}

static int send_req(int fd, uint8_t flags, size_t argc, const char *const *argv)
{
	uint8_t out[512];
	size_t n = frame_of(out, sizeof(out), flags, argc, argv);
	return n > 0 ? send_bytes(fd, out, n) : -1;
}

/* Read exactly len octets; 0, or -1 on EOF, error or WAIT_MS timeout. */
static int recv_exact(int fd, uint8_t *buf, size_t len)
{
	while (len > 0) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, WAIT_MS) != 1) {
			return -1;
		}
		ssize_t n = recv(fd, buf, len, 0);
		if (n <= 0) {
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read one response; text is NUL-terminated into text[cap]. */
static int recv_resp(int fd, int *status, char *text, size_t cap)
{
	static uint8_t frame[65536];
	size_t flen = 0;
	if (recv_exact(fd, frame, 4) != 0 ||
	    dz_ctl_frame_len(frame, 4, sizeof(frame) - 4, &flen) != DZ_OK ||
	    recv_exact(fd, frame + 4, flen - 4) != 0) {
		return -1;
	}
	dz_ctl_resp_t r;
	if (dz_ctl_resp_from_wire(frame, flen, &r) != DZ_OK ||
	    r.text_len >= cap) {
		return -1;
	}
	memcpy(text, r.text, r.text_len);
	text[r.text_len] = '\0';
	*status = r.status;
	return 0;
}

/* True once the daemon has closed its end (EOF within WAIT_MS). */
static bool sees_eof(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	uint8_t b;
	return poll(&p, 1, WAIT_MS) == 1 && recv(fd, &b, 1, 0) <= 0;
}

static void call(int fd, uint8_t flags, size_t argc, const char *const *argv,
                 int want_status, const char *want_text)
{
	char text[4096];
	int status = 1;
	assert_int_equal(send_req(fd, flags, argc, argv), 0);
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_int_equal(status, want_status);
	assert_string_equal(text, want_text);
}

/* No octet arrives from the daemon within \p ms. */
static bool stays_silent(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	return poll(&p, 1, ms) == 0;
}

static void start_deferred(void)
{
	g_pending = NULL;
	assert_int_equal(ctl_register(fx.ctl, "later", h_later, NULL), DZ_OK);
	assert_int_equal(ctl_register(fx.ctl, "soon", h_soon, NULL), DZ_OK);
	start();
}

/* ---- tests -------------------------------------------------------------- */

static void help_lists_registered_commands(void **state)
{
	(void)state;
	start();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *help[] = {"help"};
	call(fd, 0, 1, help, DZ_OK,
	     "commands:\n  help\n  status\n  echo\n  fail\n  weird\n  stop\n");
	call(fd, DZ_CTL_FLAG_JSON, 1, help, DZ_OK,
	     "{\"commands\":[\"help\",\"status\",\"echo\",\"fail\",\"weird\","
	     "\"stop\"]}\n");
	close(fd);
}

static void unknown_command_is_enotsup_and_keeps_connection(void **state)
{
	(void)state;
	start();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *nope[] = {"nope", "x"};
	call(fd, 0, 2, nope, DZ_ENOTSUP, "unknown command 'nope' (see 'help')");
	const char *status[] = {"status"};
	call(fd, DZ_CTL_FLAG_JSON, 1, status, DZ_OK, "{\"ok\":true}\n");
	close(fd);
}

static void handler_error_becomes_response_status(void **state)
{
	(void)state;
	start();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *fail[] = {"fail", "example.test."};
	call(fd, 0, 2, fail, DZ_ENOTFOUND, "no such zone");
	close(fd);
}

static void two_pipelined_requests_get_two_answers_in_order(void **state)
{
	(void)state;
	start();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	uint8_t both[512];
	const char *a[] = {"echo", "one", "zwei"};
	const char *b[] = {"status"};
	size_t n1 = frame_of(both, sizeof(both), 0, 3, a);
	size_t n2 = frame_of(both + n1, sizeof(both) - n1, 0, 1, b);
	assert_true(n1 > 0 && n2 > 0);
	assert_int_equal(send_bytes(fd, both, n1 + n2), 0);
	char text[256];
	int status = 1;
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_int_equal(status, DZ_OK);
	assert_string_equal(text, "echo one zwei");
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_int_equal(status, DZ_OK);
	assert_string_equal(text, "all good\n");
	close(fd);
}

static void frame_split_across_writes_is_reassembled(void **state)
{
	(void)state;
	start();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	uint8_t out[256];
	const char *a[] = {"echo", "split"};
	size_t n = frame_of(out, sizeof(out), 0, 2, a);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(send_bytes(fd, out + i, 1), 0);
		usleep(1000);
	}
	char text[256];
	int status = 1;
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_string_equal(text, "echo split");
	close(fd);
}

static void garbage_frame_gets_error_and_close(void **state)
{
	(void)state;
	start();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const uint8_t bad_flag[] = {0, 0, 0, 10, 1, 1, 0x80, 1, 0, 4,
	                            'h', 'e', 'l', 'p'};
	assert_int_equal(send_bytes(fd, bad_flag, sizeof(bad_flag)), 0);
	char text[256];
	int status = 1;
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_int_equal(status, DZ_EMALF);
	assert_string_equal(text, "bad request: malformed data");
	assert_true(sees_eof(fd));
	close(fd);

	/* A length over the request limit is refused before reading it. */
	fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const uint8_t huge[] = {0, 0x0f, 0xff, 0xff, 1, 1};
	assert_int_equal(send_bytes(fd, huge, sizeof(huge)), 0);
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_int_equal(status, DZ_ELIMIT);
	assert_true(sees_eof(fd));
	close(fd);

	/* Trailing octets inside a frame. */
	fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const uint8_t trail[] = {0, 0, 0, 11, 1, 1, 0, 1, 0, 4,
	                         'h', 'e', 'l', 'p', '!'};
	assert_int_equal(send_bytes(fd, trail, sizeof(trail)), 0);
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_int_equal(status, DZ_ETRAIL);
	assert_true(sees_eof(fd));
	close(fd);
}

static void response_text_is_sanitised_and_json_escaped(void **state)
{
	(void)state;
	start();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *w[] = {"weird"};
	call(fd, 0, 1, w, DZ_OK, "a?b?|\"q\\\"\\\\\\u000a\"");
	close(fd);
}

static void idle_client_is_closed(void **state)
{
	(void)state;
	ctl_set_limits(fx.ctl, 100, 0);
	start();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const uint8_t partial[] = {0, 0, 0, 10, 1};
	assert_int_equal(send_bytes(fd, partial, sizeof(partial)), 0);
	assert_true(sees_eof(fd));
	close(fd);
}

static void too_many_clients_are_refused(void **state)
{
	(void)state;
	start();
	int fds[4];
	const char *help[] = {"help"};
	char text[256];
	int status = 1;
	/* Limit 4: each answered, so all four are surely accepted. */
	for (int i = 0; i < 4; i++) {
		fds[i] = client_connect(fx.path);
		assert_true(fds[i] >= 0);
		assert_int_equal(send_req(fds[i], 0, 1, help), 0);
		assert_int_equal(recv_resp(fds[i], &status, text, sizeof(text)),
		                 0);
	}
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_int_equal(status, DZ_ELIMIT);
	assert_string_equal(text, "too many control clients");
	assert_true(sees_eof(fd));
	close(fd);
	for (int i = 0; i < 4; i++) {
		close(fds[i]);
	}
}

static void socket_file_is_owner_only(void **state)
{
	(void)state;
	start();
	struct stat st;
	assert_int_equal(lstat(fx.path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, geteuid());
}

static void stale_socket_file_is_replaced(void **state)
{
	(void)state;
	/* A socket file nobody listens on: what a crashed daemon leaves. */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, fx.path, strlen(fx.path) + 1);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(s);
	start();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *status[] = {"status"};
	call(fd, 0, 1, status, DZ_OK, "all good\n");
	close(fd);
}

static void live_socket_is_not_replaced(void **state)
{
	(void)state;
	start();
	struct stat before, after;
	assert_int_equal(lstat(fx.path, &before), 0);
	uv_loop_t loop2;
	ctl_t *second = NULL;
	assert_int_equal(uv_loop_init(&loop2), 0);
	assert_int_equal(ctl_new(&loop2, fx.path, &second), DZ_OK);
	assert_int_equal(ctl_start(second), DZ_EEXIST);
	ctl_close(second, NULL, NULL);
	(void)uv_run(&loop2, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop2), 0);
	assert_int_equal(lstat(fx.path, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	/* And the first daemon still answers. */
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *status[] = {"status"};
	call(fd, 0, 1, status, DZ_OK, "all good\n");
	close(fd);
}

static void non_socket_file_is_left_alone(void **state)
{
	(void)state;
	int f = open(fx.path, O_CREAT | O_WRONLY, 0600);
	assert_true(f >= 0);
	close(f);
	assert_int_equal(ctl_start(fx.ctl), DZ_EEXIST);
	struct stat st;
	assert_int_equal(lstat(fx.path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

static void shared_writable_folder_is_refused(void **state)
{
	(void)state;
	assert_int_equal(chmod(fx.dir, 0770), 0);
	assert_int_equal(ctl_start(fx.ctl), DZ_EACCES);
	assert_int_equal(chmod(fx.dir, 0700), 0);
}

static void missing_folder_is_created_owner_only(void **state)
{
	(void)state;
	char sub[160], path[200];
	snprintf(sub, sizeof(sub), "%s/run", fx.dir);
	snprintf(path, sizeof(path), "%s/c.sock", sub);
	uv_loop_t loop2;
	ctl_t *c = NULL;
	assert_int_equal(uv_loop_init(&loop2), 0);
	assert_int_equal(ctl_new(&loop2, path, &c), DZ_OK);
	assert_int_equal(ctl_start(c), DZ_OK);
	struct stat st;
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	ctl_close(c, NULL, NULL);
	(void)uv_run(&loop2, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop2), 0);
	/* Closing removed the socket file it made. */
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(rmdir(sub), 0);
}

static void stop_handler_answers_then_closes_and_unlinks(void **state)
{
	(void)state;
	start();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *stop[] = {"stop"};
	call(fd, 0, 1, stop, DZ_OK, "stopping\n");
	assert_true(sees_eof(fd));
	close(fd);
	struct stat st;
	assert_int_equal(lstat(fx.path, &st), -1);
	/* The fixture's own ctl_close must not run on the freed channel. */
	fx.closed = true;
}

static void register_rejects_bad_and_duplicate_names(void **state)
{
	(void)state;
	assert_int_equal(ctl_register(fx.ctl, "status", h_status, NULL), DZ_OK);
	assert_int_equal(ctl_register(fx.ctl, "status", h_status, NULL),
	                 DZ_EEXIST);
	assert_int_equal(ctl_register(fx.ctl, "help", h_status, NULL), DZ_EEXIST);
	assert_int_equal(ctl_register(fx.ctl, "Bad", h_status, NULL), DZ_EINVAL);
	assert_int_equal(ctl_register(fx.ctl, "", h_status, NULL), DZ_EINVAL);
	assert_int_equal(ctl_register(fx.ctl, "ok", NULL, NULL), DZ_EINVAL);
	char name[8];
	int ret = DZ_OK;
	for (int i = 0; ret == DZ_OK && i <= CTL_MAX_COMMANDS; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		ret = ctl_register(fx.ctl, name, h_status, NULL);
	}
	assert_int_equal(ret, DZ_ELIMIT);
}

static void new_rejects_unusable_paths(void **state)
{
	(void)state;
	char longp[200];
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	ctl_t *c = NULL;
	assert_int_equal(ctl_new(&fx.loop, longp, &c), DZ_ELIMIT);
	assert_int_equal(ctl_new(&fx.loop, "", &c), DZ_EINVAL);
	assert_null(c);
}

static void commands_and_bad_requests_are_logged(void **state)
{
	(void)state;
	char logpath[128];
	snprintf(logpath, sizeof(logpath), "%s/ctl.log", fx.dir);
	log_target_t t = {.kind = LOG_TARGET_FILE, .path = logpath,
	                  .format = LOG_FORMAT_TEXT, .level = LOG_LEVEL_INFO,
	                  .categories = LOG_CAT_ALL};
	char text[4096] = "";
	assert_int_equal(log_set_targets(&t, 1), DZ_OK);
	start();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *fail[] = {"fail", "example.test."};
	call(fd, 0, 2, fail, DZ_ENOTFOUND, "no such zone");
	const uint8_t zero[] = {0, 0, 0, 0};
	assert_int_equal(send_bytes(fd, zero, sizeof(zero)), 0);
	int status = 1;
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_int_equal(status, DZ_EMALF);
	assert_true(sees_eof(fd));
	close(fd);
	log_close();
	FILE *f = fopen(logpath, "r");
	assert_non_null(f);
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_non_null(strstr(text, "ctl-command command=fail args=1 "
	                             "result=\"not found\""));
	assert_non_null(strstr(text, "ctl-bad-request"));
	assert_non_null(strstr(text, "err=\"malformed data\""));
	assert_int_equal(unlink(logpath), 0);
}

static void deferred_answer_is_sent_when_another_thread_completes_it(
        void **state)
{
	(void)state;
	start_deferred();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *later[] = {"later", "example.test."};
	assert_int_equal(send_req(fd, 0, 2, later), 0);
	ctl_pending_t *p = wait_pending();
	assert_non_null(p);
	assert_int_equal(g_defer_twice, DZ_EEXIST);
	assert_false(ctl_pending_json(p));
	assert_true(stays_silent(fd, 100));
	ctl_pending_done(p, DZ_OK, "reloaded\n"); /* from this thread */
	char text[256];
	int status = 1;
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_int_equal(status, DZ_OK);
	assert_string_equal(text, "reloaded\n");
	const char *echo[] = {"echo", "x"};
	call(fd, 0, 2, echo, DZ_OK, "echo x");
	close(fd);
}

static void deferred_error_keeps_status_text_and_json_flag(void **state)
{
	(void)state;
	start_deferred();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *soon[] = {"soon"};
	call(fd, 0, 1, soon, DZ_ENOTFOUND, "gone");
	call(fd, DZ_CTL_FLAG_JSON, 1, soon, DZ_ENOTFOUND, "{\"gone\":true}");
	const char *later[] = {"later"};
	assert_int_equal(send_req(fd, DZ_CTL_FLAG_JSON, 1, later), 0);
	ctl_pending_t *p = wait_pending();
	assert_non_null(p);
	assert_true(ctl_pending_json(p));
	ctl_pending_done(p, DZ_ESERIAL, "bad\x01");
	char text[256];
	int status = 1;
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_int_equal(status, DZ_ESERIAL);
	assert_string_equal(text, "bad?");
	close(fd);
}

static void request_behind_deferred_one_waits_for_it(void **state)
{
	(void)state;
	start_deferred();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	uint8_t buf[1024];
	const char *later[] = {"later"};
	const char *echo[] = {"echo", "after"};
	size_t n = frame_of(buf, sizeof(buf), 0, 1, later);
	size_t m = frame_of(buf + n, sizeof(buf) - n, 0, 2, echo);
	assert_true(n > 0 && m > 0);
	assert_int_equal(send_bytes(fd, buf, n + m), 0);
	ctl_pending_t *p = wait_pending();
	assert_non_null(p);
	assert_true(stays_silent(fd, 100)); /* echo waits its turn */
	ctl_pending_done(p, DZ_OK, "first");
	char text[256];
	int status = 1;
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_string_equal(text, "first");
	assert_int_equal(recv_resp(fd, &status, text, sizeof(text)), 0);
	assert_int_equal(status, DZ_OK);
	assert_string_equal(text, "echo after");
	close(fd);
}

static void client_gone_before_completion_drops_answer(void **state)
{
	(void)state;
	start_deferred();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *later[] = {"later"};
	assert_int_equal(send_req(fd, 0, 1, later), 0);
	ctl_pending_t *p = wait_pending();
	assert_non_null(p);
	close(fd);
	/* Reads are paused while the answer is owed (bounded buffering):
	 * the daemon learns of the hang-up when it writes. */
	ctl_pending_done(p, DZ_OK, "nobody listens");
	for (int i = 0; i < WAIT_MS && ctl_client_count(fx.ctl) > 0; i++) {
		usleep(1000);
	}
	assert_int_equal(ctl_client_count(fx.ctl), 0);
	/* Still serving others. */
	fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *echo[] = {"echo"};
	call(fd, 0, 1, echo, DZ_OK, "echo");
	close(fd);
}

static void close_waits_for_every_deferred_answer(void **state)
{
	(void)state;
	start_deferred();
	int fd = client_connect(fx.path);
	assert_true(fd >= 0);
	const char *later[] = {"later"};
	assert_int_equal(send_req(fd, 0, 1, later), 0);
	ctl_pending_t *p = wait_pending();
	assert_non_null(p);
	uv_async_send(&fx.stop); /* ctl_close on the loop thread */
	assert_true(sees_eof(fd)); /* the waiting client is closed */
	usleep(50 * 1000);
	assert_false(__atomic_load_n(&fx.closed, __ATOMIC_ACQUIRE));
	ctl_pending_done(p, DZ_OK, "too late");
	pthread_join(fx.thread, NULL);
	fx.running = false;
	fx.ctl = NULL; /* freed: teardown must not close it again */
	assert_true(fx.closed);
	close(fd);
}

static void defer_outside_handler_is_einval(void **state)
{
	(void)state;
	ctl_resp_t *resp = NULL;
	ctl_pending_t *p = NULL;
	/* The builder of a handler is the only way to a ctl_resp_t; one
	 * made by hand (zeroed) is not inside a handler. */
	resp = calloc(1, 64 * 1024);
	assert_non_null(resp);
	assert_int_equal(ctl_resp_defer(resp, &p), DZ_EINVAL);
	assert_null(p);
	free(resp);
}

static void peer_policy_is_owner_or_root(void **state)
{
	(void)state;
	assert_true(ctl_peer_is_allowed(1000, 1000));
	assert_true(ctl_peer_is_allowed(0, 1000));
	assert_false(ctl_peer_is_allowed(1001, 1000));
	assert_true(ctl_peer_is_allowed(0, 0));
	assert_false(ctl_peer_is_allowed(65534, 0));
}

/* In the child after fork: plain syscalls only, exit status is the verdict. */
static int child_expects_refusal(const char *path)
{
	if (setgid(65534) != 0 || setuid(65534) != 0) {
		return 10;
	}
	int fd = client_connect(path);
	if (fd < 0) {
		return 11;
	}
	const uint8_t help[] = {0, 0, 0, 10, 1, 1, 0, 1, 0, 4,
	                        'h', 'e', 'l', 'p'};
	(void)send(fd, help, sizeof(help), MSG_NOSIGNAL);
	uint8_t frame[64];
	if (recv_exact(fd, frame, 4) != 0 || frame[3] > 60 ||
	    recv_exact(fd, frame + 4, frame[3]) != 0) {
		return 12;
	}
	dz_ctl_resp_t r;
	if (dz_ctl_resp_from_wire(frame, 4u + frame[3], &r) != DZ_OK) {
		return 13;
	}
	return r.status == DZ_EACCES ? 0 : 14;
}

static void other_user_is_refused_by_peer_credentials(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		skip(); /* needs root to become another user */
	}
	start();
	/* Open the file system gate so only SO_PEERCRED stands in the way. */
	assert_int_equal(chmod(fx.dir, 0711), 0);
	assert_int_equal(chmod(fx.path, 0666), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		_exit(child_expects_refusal(fx.path));
	}
	int wstatus = 0;
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	assert_true(WIFEXITED(wstatus));
	assert_int_equal(WEXITSTATUS(wstatus), 0);
	assert_int_equal(chmod(fx.dir, 0700), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	/* As in dynzoned: a client that hung up is EPIPE, not death. */
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
	        T(help_lists_registered_commands),
	        T(unknown_command_is_enotsup_and_keeps_connection),
	        T(handler_error_becomes_response_status),
	        T(two_pipelined_requests_get_two_answers_in_order),
	        T(frame_split_across_writes_is_reassembled),
	        T(garbage_frame_gets_error_and_close),
	        T(response_text_is_sanitised_and_json_escaped),
	        T(idle_client_is_closed),
	        T(too_many_clients_are_refused),
	        T(socket_file_is_owner_only),
	        T(stale_socket_file_is_replaced),
	        T(live_socket_is_not_replaced),
	        T(non_socket_file_is_left_alone),
	        T(shared_writable_folder_is_refused),
	        T(missing_folder_is_created_owner_only),
	        T(stop_handler_answers_then_closes_and_unlinks),
	        T(register_rejects_bad_and_duplicate_names),
	        T(new_rejects_unusable_paths),
	        T(commands_and_bad_requests_are_logged),
	        T(peer_policy_is_owner_or_root),
	        T(other_user_is_refused_by_peer_credentials),
	        T(deferred_answer_is_sent_when_another_thread_completes_it),
	        T(deferred_error_keeps_status_text_and_json_flag),
	        T(request_behind_deferred_one_waits_for_it),
	        T(client_gone_before_completion_drops_answer),
	        T(close_waits_for_every_deferred_answer),
	        T(defer_outside_handler_is_einval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
