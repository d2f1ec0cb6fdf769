/* SPDX-License-Identifier: BSD-3-Clause */
/* Control channel life cycle: the owner-only socket file, stale-socket detection, registration and shutdown. */
#include "server/ctl/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "server/ctl/ctl_internal.h"
#include "server/log/log.h"

#define CTL_BACKLOG 16

int ctl_new(uv_loop_t *loop, const char *path, ctl_t **out)
{
	if (loop == NULL || path == NULL || path[0] == '\0') {
		return DZ_EINVAL;
	}
	ctl_t *ctl = calloc(1, sizeof(*ctl));
	if (ctl == NULL) {
		return DZ_ENOMEM;
	}
	size_t len = strlen(path);
	if (len >= sizeof(ctl->path)) {
		free(ctl);
		return DZ_ELIMIT;
	}
	memcpy(ctl->path, path, len + 1);
	ctl->loop = loop;
	pthread_mutex_init(&ctl->mu, NULL);
	ctl->idle_ms = CTL_IDLE_TIMEOUT_MS;
	ctl->max_clients = CTL_MAX_CLIENTS;
	*out = ctl;
	return DZ_OK;
}

void ctl_set_limits(ctl_t *ctl, unsigned idle_timeout_ms, unsigned max_clients)
{
	if (idle_timeout_ms > 0) {
		ctl->idle_ms = idle_timeout_ms;
	}
	if (max_clients > 0) {
		ctl->max_clients = max_clients;
	}
}

int ctl_register(ctl_t *ctl, const char *cmd, ctl_handler_fn fn, void *ctx)
{
	if (cmd == NULL || fn == NULL ||
	    !dz_ctl_cmd_is_valid(cmd, strnlen(cmd, DZ_CTL_MAX_CMD_LEN + 1))) {
		return DZ_EINVAL;
	}
	if (strcmp(cmd, "help") == 0) {
		return DZ_EEXIST;
	}
	for (size_t i = 0; i < ctl->ncmds; i++) {
		if (strcmp(ctl->cmds[i].name, cmd) == 0) {
			return DZ_EEXIST;
		}
	}
	if (ctl->ncmds >= CTL_MAX_COMMANDS) {
		return DZ_ELIMIT;
	}
	ctl_cmd_t *c = &ctl->cmds[ctl->ncmds++];
	memcpy(c->name, cmd, strlen(cmd) + 1);
	c->fn = fn;
	c->ctx = ctx;
	return DZ_OK;
}

size_t ctl_client_count(const ctl_t *ctl)
{
	return ctl->nclients;
}

bool ctl_peer_is_allowed(uid_t peer_uid, uid_t self_uid)
{
	return peer_uid == self_uid || peer_uid == 0;
}

/* ---- the socket file ---------------------------------------------------- */

/*
 * The folder holding the socket decides who can replace it: anyone who can
 * write there could swap in their own socket and read the commands sent to
 * it. So it must be ours and writable by us alone; it is created 0700.
 */
static int prepare_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char *slash = strrchr(path, '/');
	if (slash == NULL) {
		memcpy(dir, ".", 2);
	} else if (slash == path) {
		memcpy(dir, "/", 2);
	} else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		return dz_errno();
	}
	struct stat st;
	if (stat(dir, &st) != 0) {
		return dz_errno();
	}
	if (!S_ISDIR(st.st_mode)) {
		return -ENOTDIR;
	}
	if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		return DZ_EACCES;
	}
	return DZ_OK;
}

/* Does a server accept connections on the socket file at path? */
static int probe_live(const char *path, bool *live)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return dz_errno();
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int ret = DZ_OK;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
	    errno == EAGAIN || errno == EINPROGRESS) {
		/* EAGAIN: a listener whose backlog is full is still alive. */
		*live = true;
	} else if (errno == ECONNREFUSED) {
		*live = false;
	} else {
		ret = dz_errno();
	}
	close(fd);
	return ret;
}

/* Remove a stale socket file; keep anything else that lives at path. */
static int clear_stale(const char *path)
{
	struct stat st;
	if (lstat(path, &st) != 0) {
		return errno == ENOENT ? DZ_OK : dz_errno();
	}
	if (!S_ISSOCK(st.st_mode)) {
		return DZ_EEXIST;
	}
	bool live = false;
	int ret = probe_live(path, &live);
	if (ret != DZ_OK) {
		return ret;
	}
	if (live) {
		return DZ_EEXIST;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		return dz_errno();
	}
	log_event(LOG_LEVEL_NOTICE, LOG_CAT_CONTROL, NULL, NULL,
	          "ctl-stale-socket-removed", "path=%s", path);
	return DZ_OK;
}

static void on_listener_closed(uv_handle_t *handle)
{
	ctl_t *ctl = handle->data;
	ctl->lstate = LISTENER_NONE;
	ctl__maybe_finish(ctl);
}

static void close_listener(ctl_t *ctl)
{
	if (ctl->lstate == LISTENER_OPEN) {
		ctl->lstate = LISTENER_CLOSING;
		uv_close((uv_handle_t *)&ctl->listener, on_listener_closed);
	}
}

/* Remove the socket file, but only the one we made: a successor daemon
 * may already have replaced it. */
static void remove_socket_file(ctl_t *ctl)
{
	struct stat st;
	if (ctl->own_file && lstat(ctl->path, &st) == 0 &&
	    st.st_dev == ctl->dev && st.st_ino == ctl->ino) {
		/* Best effort: a leftover file is detected as stale later. */
		(void)unlink(ctl->path);
	}
	ctl->own_file = false;
}

static int bind_and_listen(ctl_t *ctl)
{
	int ret = uv_pipe_init(ctl->loop, &ctl->listener, 0);
	if (ret != 0) {
		return ret;
	}
	ctl->listener.data = ctl;
	ctl->lstate = LISTENER_OPEN;
	ret = uv_pipe_bind(&ctl->listener, ctl->path);
	if (ret != 0) {
		/* EADDRINUSE: another daemon bound it since clear_stale(). */
		return ret == UV_EADDRINUSE ? DZ_EEXIST : ret;
	}
	struct stat st;
	if (lstat(ctl->path, &st) != 0) {
		return dz_errno();
	}
	ctl->own_file = true;
	ctl->dev = st.st_dev;
	ctl->ino = st.st_ino;
	/* bind() honoured the umask; the folder check covers the moment
	 * until this chmod, and SO_PEERCRED covers everything. */
	if (chmod(ctl->path, 0600) != 0) {
		return dz_errno();
	}
	return uv_listen((uv_stream_t *)&ctl->listener, CTL_BACKLOG,
	                 ctl__on_connection);
}

int ctl_start(ctl_t *ctl)
{
	if (ctl->lstate != LISTENER_NONE || ctl->closing) {
		return DZ_EINVAL;
	}
	int ret = prepare_dir(ctl->path);
	if (ret == DZ_OK) {
		ret = clear_stale(ctl->path);
	}
	if (ret == DZ_OK) {
		ret = bind_and_listen(ctl);
	}
	if (ret != DZ_OK) {
		remove_socket_file(ctl);
		close_listener(ctl);
	}
	return ret;
}

/* ---- shutdown ----------------------------------------------------------- */

void ctl__maybe_finish(ctl_t *ctl)
{
	if (!ctl->closing || ctl->lstate != LISTENER_NONE ||
	    ctl->clients != NULL || !ctl__async_closed(ctl)) {
		return;
	}
	void (*cb)(void *) = ctl->on_closed;
	void *arg = ctl->on_closed_arg;
	pthread_mutex_destroy(&ctl->mu);
	free(ctl);
	if (cb != NULL) {
		cb(arg);
	}
}

void ctl_close(ctl_t *ctl, void (*on_closed)(void *arg), void *arg)
{
	if (ctl == NULL || ctl->closing) {
		return;
	}
	ctl->closing = true;
	ctl->on_closed = on_closed;
	ctl->on_closed_arg = arg;
	/* Unlink first so a new daemon can start while clients drain. */
	remove_socket_file(ctl);
	close_listener(ctl);
	ctl_conn_t *next = NULL;
	for (ctl_conn_t *c = ctl->clients; c != NULL; c = next) {
		next = c->next;
		if (c->writing || c->busy) {
			c->close_after_write = true;
		} else {
			ctl__conn_close(c);
		}
	}
	ctl__maybe_finish(ctl);
}
