/* SPDX-License-Identifier: BSD-3-Clause */
/* Control-channel clients: peer check, framed reads, dispatch to handlers, one response in flight at a time. */
#include "server/ctl/ctl_internal.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "server/log/log.h"

/* A connection beyond this many is closed without a word: each rejected
 * client still costs a buffer until its refusal is written. */
#define HARD_CLIENT_FACTOR 2

static const struct sockaddr_un local_peer = {.sun_family = AF_UNIX};
#define LOCAL_PEER ((const struct sockaddr *)&local_peer)

static void process_buffer(ctl_conn_t *conn);

/* ---- closing ------------------------------------------------------------ */

static void on_handle_closed(uv_handle_t *handle)
{
	ctl_conn_t *conn = handle->data;
	if (--conn->open_handles > 0) {
		return;
	}
	ctl_t *ctl = conn->ctl;
	if (conn->prev != NULL) {
		conn->prev->next = conn->next;
	} else {
		ctl->clients = conn->next;
	}
	if (conn->next != NULL) {
		conn->next->prev = conn->prev;
	}
	ctl->nclients--;
	if (conn->pending != NULL) {
		conn->pending->conn = NULL; /* its answer will be dropped */
	}
	free(conn->wbuf);
	free(conn);
	ctl__maybe_finish(ctl);
}

void ctl__conn_close(ctl_conn_t *conn)
{
	if (conn->closing) {
		return;
	}
	conn->closing = true;
	/* A write still in flight is cancelled; its callback runs first. */
	uv_close((uv_handle_t *)&conn->pipe, on_handle_closed);
	uv_close((uv_handle_t *)&conn->timer, on_handle_closed);
}

static void on_idle(uv_timer_t *timer)
{
	ctl_conn_t *conn = timer->data;
	if (log_enabled(LOG_CAT_CONTROL, LOG_LEVEL_DEBUG)) {
		log_event(LOG_LEVEL_DEBUG, LOG_CAT_CONTROL, NULL, LOCAL_PEER,
		          "ctl-client-timeout", "uid=%u",
		          (unsigned)conn->uid);
	}
	ctl__conn_close(conn);
}

static void touch(ctl_conn_t *conn)
{
	/* Cannot fail on an initialised timer with a callback. */
	(void)uv_timer_start(&conn->timer, on_idle, conn->ctl->idle_ms, 0);
}

/* ---- reading and writing ------------------------------------------------ */

static void on_alloc(uv_handle_t *handle, size_t hint, uv_buf_t *buf)
{
	(void)hint;
	ctl_conn_t *conn = handle->data;
	/* Zero room only while a whole frame waits; libuv then reports
	 * UV_ENOBUFS and the client is closed. */
	buf->base = (char *)conn->rbuf + conn->rlen;
	buf->len = sizeof(conn->rbuf) - conn->rlen;
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	(void)buf;
	ctl_conn_t *conn = stream->data;
	if (nread < 0) {
		ctl__conn_close(conn); /* EOF, reset or no room */
		return;
	}
	if (nread == 0 || conn->closing) {
		return;
	}
	conn->rlen += (size_t)nread;
	touch(conn);
	process_buffer(conn);
	if ((conn->writing || conn->pending != NULL) && !conn->closing) {
		/* One response in flight: a client that never reads its
		 * answers cannot make the daemon queue without bound. */
		(void)uv_read_stop(stream);
	}
}

static void start_reading(ctl_conn_t *conn)
{
	if (uv_read_start((uv_stream_t *)&conn->pipe, on_alloc, on_read) != 0 &&
	    !uv_is_active((uv_handle_t *)&conn->pipe)) {
		ctl__conn_close(conn);
	}
}

static void on_write(uv_write_t *req, int status)
{
	ctl_conn_t *conn = req->data;
	conn->writing = false;
	free(conn->wbuf);
	conn->wbuf = NULL;
	if (conn->closing) {
		return;
	}
	if (status < 0 || conn->close_after_write) {
		ctl__conn_close(conn);
		return;
	}
	touch(conn);
	process_buffer(conn);
	if (!conn->writing && !conn->closing && conn->pending == NULL) {
		start_reading(conn);
	}
}

/* Queue the built response; the connection owns the frame until on_write. */
void ctl__send_resp(ctl_conn_t *conn, ctl_resp_t *resp)
{
	uint8_t *frame = NULL;
	size_t len = 0;
	if (ctl__resp_finish(resp, &frame, &len) != DZ_OK) {
		ctl__conn_close(conn);
		return;
	}
	conn->wbuf = frame;
	conn->wreq.data = conn;
	uv_buf_t buf = uv_buf_init((char *)frame, (unsigned)len);
	if (uv_write(&conn->wreq, (uv_stream_t *)&conn->pipe, &buf, 1,
	             on_write) != 0) {
		free(frame);
		conn->wbuf = NULL;
		ctl__conn_close(conn);
		return;
	}
	conn->writing = true;
}

/* Answer with an error and close once it is written. */
static void reply_error(ctl_conn_t *conn, int status, const char *prefix,
                        const char *msg)
{
	ctl_resp_t resp;
	ctl__resp_init(&resp);
	ctl_resp_set_status(&resp, status);
	/* Failing to append only loses the message, not the status. */
	(void)ctl_resp_printf(&resp, "%s%s", prefix, msg);
	conn->close_after_write = true;
	ctl__send_resp(conn, &resp);
}

/* ---- requests ----------------------------------------------------------- */

static int find_and_run(ctl_conn_t *conn, const ctl_args_t *args,
                        ctl_resp_t *resp)
{
	ctl_t *ctl = conn->ctl;
	if (strcmp(args->cmd, "help") == 0) {
		return ctl__help(ctl, args->json, resp);
	}
	for (size_t i = 0; i < ctl->ncmds; i++) {
		if (strcmp(ctl->cmds[i].name, args->cmd) == 0) {
			conn->busy = true;
			resp->conn = conn;
			int ret = ctl->cmds[i].fn(args, resp, ctl->cmds[i].ctx);
			resp->conn = NULL;
			conn->busy = false;
			return resp->pending != NULL ? CTL_PENDING : ret;
		}
	}
	(void)ctl_resp_printf(resp, "unknown command '%s' (see 'help')",
	                      args->cmd);
	return DZ_ENOTSUP;
}

static void dispatch(ctl_conn_t *conn)
{
	const dz_ctl_req_t *req = &conn->ctl->req;
	const char *argv[DZ_CTL_MAX_ARGS];
	for (size_t i = 1; i < req->argc; i++) {
		argv[i - 1] = req->arg[i];
	}
	ctl_args_t args = {
		.cmd = req->arg[0],
		.argc = (size_t)req->argc - 1,
		.argv = argv,
		.json = (req->flags & DZ_CTL_FLAG_JSON) != 0,
		.peer_uid = conn->uid,
	};
	ctl_resp_t resp;
	ctl__resp_init(&resp);
	int ret = find_and_run(conn, &args, &resp);
	if (ret == CTL_PENDING) {
		/* Logged and sent by ctl_pending_done() (ctl_pending.c). */
		ctl__resp_clear(&resp);
		return;
	}
	if (ret < 0 && resp.status == DZ_OK) {
		resp.status = ret;
	}
	ctl__log_command(args.cmd, args.argc, resp.status);
	ctl__send_resp(conn, &resp);
}

void ctl__log_command(const char *cmd, size_t argc, int status)
{
	log_event(LOG_LEVEL_INFO, LOG_CAT_CONTROL, NULL, LOCAL_PEER,
	          "ctl-command", "command=%s args=%zu result=%s", cmd, argc,
	          status == DZ_OK ? "ok" : dz_strerror(status));
}

void ctl__conn_resume(ctl_conn_t *conn)
{
	if (conn->closing || conn->writing) {
		return; /* on_write reads on */
	}
	/* The answer could not be queued: read on (the client retries). */
	touch(conn);
	process_buffer(conn);
	if (!conn->writing && !conn->closing) {
		start_reading(conn);
	}
}

static void bad_request(ctl_conn_t *conn, int err)
{
	log_event(LOG_LEVEL_WARNING, LOG_CAT_CONTROL, NULL, LOCAL_PEER,
	          "ctl-bad-request", "uid=%u err=%s", (unsigned)conn->uid,
	          dz_strerror(err));
	reply_error(conn, err, "bad request: ", dz_strerror(err));
}

/* Handle every whole frame buffered, one response in flight at a time. */
static void process_buffer(ctl_conn_t *conn)
{
	while (!conn->writing && !conn->closing && !conn->close_after_write &&
	       conn->pending == NULL) {
		size_t flen = 0;
		int ret = dz_ctl_frame_len(conn->rbuf, conn->rlen,
		                           DZ_CTL_REQ_MAX - DZ_CTL_FRAME_HDR,
		                           &flen);
		if (ret == DZ_ETRUNC || (ret == DZ_OK && conn->rlen < flen)) {
			return; /* wait for the rest */
		}
		if (ret == DZ_OK) {
			ret = dz_ctl_req_from_wire(conn->rbuf, flen,
			                           &conn->ctl->req);
		}
		if (ret != DZ_OK) {
			bad_request(conn, ret);
			return;
		}
		dispatch(conn);
		memmove(conn->rbuf, conn->rbuf + flen, conn->rlen - flen);
		conn->rlen -= flen;
	}
}

/* ---- accepting ---------------------------------------------------------- */

static int peer_uid(ctl_conn_t *conn, uid_t *uid)
{
	uv_os_fd_t fd;
	if (uv_fileno((uv_handle_t *)&conn->pipe, &fd) != 0) {
		return DZ_EIO;
	}
	struct ucred cred;
	socklen_t len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
		return dz_errno();
	}
	*uid = cred.uid;
	return DZ_OK;
}

static ctl_conn_t *conn_new(ctl_t *ctl)
{
	ctl_conn_t *conn = malloc(sizeof(*conn));
	if (conn == NULL) {
		return NULL;
	}
	/* Everything but the 16 KiB read buffer, which needs no zeroing. */
	memset(conn, 0, offsetof(ctl_conn_t, rbuf));
	conn->ctl = ctl;
	/* Neither init can fail for a valid loop. */
	(void)uv_pipe_init(ctl->loop, &conn->pipe, 0);
	(void)uv_timer_init(ctl->loop, &conn->timer);
	conn->pipe.data = conn;
	conn->timer.data = conn;
	conn->open_handles = 2;
	conn->next = ctl->clients;
	if (ctl->clients != NULL) {
		ctl->clients->prev = conn;
	}
	ctl->clients = conn;
	ctl->nclients++;
	return conn;
}

/* The peer check runs before anything is read (SO_PEERCRED, unix(7)). */
static void admit(ctl_conn_t *conn)
{
	ctl_t *ctl = conn->ctl;
	uid_t uid = (uid_t)-1;
	int ret = peer_uid(conn, &uid);
	conn->uid = uid;
	if (ret != DZ_OK || !ctl_peer_is_allowed(uid, geteuid())) {
		log_event(LOG_LEVEL_WARNING, LOG_CAT_SECURITY, NULL, LOCAL_PEER,
		          "ctl-peer-refused", "uid=%ld err=%s",
		          ret == DZ_OK ? (long)uid : -1L,
		          dz_strerror(ret == DZ_OK ? DZ_EACCES : ret));
		reply_error(conn, DZ_EACCES, "", "permission denied");
		return;
	}
	if (ctl->nclients > ctl->max_clients) {
		reply_error(conn, DZ_ELIMIT, "", "too many control clients");
		return;
	}
	start_reading(conn);
}

void ctl__on_connection(uv_stream_t *server, int status)
{
	ctl_t *ctl = server->data;
	if (status < 0 || ctl->closing) {
		return;
	}
	ctl_conn_t *conn = conn_new(ctl);
	if (conn == NULL) {
		return; /* the connection waits in the backlog */
	}
	if (uv_accept(server, (uv_stream_t *)&conn->pipe) != 0 ||
	    ctl->nclients > (size_t)ctl->max_clients * HARD_CLIENT_FACTOR) {
		ctl__conn_close(conn);
		return;
	}
	touch(conn);
	admit(conn);
}

/* ---- the built-in help -------------------------------------------------- */

int ctl__help(const ctl_t *ctl, bool json, ctl_resp_t *resp)
{
	int ret = ctl_resp_printf(resp, json ? "{\"commands\":[\"help\""
	                                     : "commands:\n  help\n");
	for (size_t i = 0; ret == DZ_OK && i < ctl->ncmds; i++) {
		if (json) {
			ret = ctl_resp_printf(resp, ",");
			ret = ret == DZ_OK ? ctl_resp_json_str(resp,
			                                       ctl->cmds[i].name)
			                   : ret;
		} else {
			ret = ctl_resp_printf(resp, "  %s\n", ctl->cmds[i].name);
		}
	}
	if (ret == DZ_OK && json) {
		ret = ctl_resp_printf(resp, "]}\n");
	}
	return ret;
}
