/* SPDX-License-Identifier: BSD-3-Clause */
/* Private state of the control channel, shared by ctl.c, ctl_conn.c and ctl_resp.c. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/un.h>

#include <uv.h>

#include "lib/ctl/ctl_proto.h"
#include "server/ctl/ctl.h"

struct ctl_resp {
	uint8_t *buf;  /* DZ_CTL_RESP_HDR reserved octets, then the text */
	size_t len;    /* octets used, header room included */
	size_t cap;    /* octets allocated */
	int status;    /* DZ_OK or the handler's error */
	int overflow;  /* DZ_OK, or why text was lost (DZ_ELIMIT, DZ_ENOMEM) */
	struct ctl_conn *conn; /* set while a handler runs: ctl_resp_defer */
	struct ctl_pending *pending; /* set by ctl_resp_defer */
};

/* A deferred answer (ctl_resp_defer): owned by its completer until
 * ctl_pending_done(), then by the channel's done list. */
struct ctl_pending {
	ctl_t *ctl;
	struct ctl_conn *conn; /* NULL once the client is gone (loop) */
	struct ctl_pending *next;
	bool json;
	size_t argc;
	char cmd[DZ_CTL_MAX_CMD_LEN + 1];
	ctl_resp_t resp;
};

typedef struct {
	char name[DZ_CTL_MAX_CMD_LEN + 1];
	ctl_handler_fn fn;
	void *ctx;
} ctl_cmd_t;

typedef struct ctl_conn {
	ctl_t *ctl;
	struct ctl_conn *prev, *next;
	uv_pipe_t pipe;
	uv_timer_t timer;
	uv_write_t wreq;
	uint8_t *wbuf;          /* the frame being written, owned */
	bool writing;           /* wreq is in flight */
	bool close_after_write; /* bad request, refused peer or shutdown */
	bool busy;              /* a handler runs for it now */
	bool closing;           /* uv_close() issued on both handles */
	struct ctl_pending *pending; /* a deferred answer is owed */
	int open_handles;       /* freed when it drops to 0 */
	uid_t uid;
	size_t rlen;
	uint8_t rbuf[DZ_CTL_REQ_MAX]; /* any valid request fits whole */
} ctl_conn_t;

typedef enum { LISTENER_NONE, LISTENER_OPEN, LISTENER_CLOSING } listener_state_t;

struct ctl {
	uv_loop_t *loop;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uv_pipe_t listener;
	listener_state_t lstate;
	bool own_file;        /* we created the file at dev/ino */
	dev_t dev;
	ino_t ino;
	bool closing;
	void (*on_closed)(void *arg);
	void *on_closed_arg;
	unsigned idle_ms;
	unsigned max_clients;
	size_t nclients;
	ctl_conn_t *clients;
	size_t ncmds;
	ctl_cmd_t cmds[CTL_MAX_COMMANDS];
	dz_ctl_req_t req;     /* the request being handled; one at a time */
	/* Deferred answers: completed from any thread, sent from the loop. */
	uv_async_t async;
	listener_state_t astate; /* the async handle, made at first defer */
	pthread_mutex_t mu;
	size_t npending;          /* under mu: deferred, not yet sent */
	struct ctl_pending *done; /* under mu: completed, to send (LIFO) */
};

/* ctl_conn.c: libuv connection callback of the listener. */
void ctl__on_connection(uv_stream_t *server, int status);

/* ctl_conn.c: begin closing one client (idempotent). */
void ctl__conn_close(ctl_conn_t *conn);

/* ctl.c: free the channel if ctl_close() ran and every handle is closed. */
void ctl__maybe_finish(ctl_t *ctl);

/* ctl_pending.c: the uv_async handle (loop thread, at first defer). */
int ctl__async_open(ctl_t *ctl);
/* ctl_pending.c: close it once nothing is owed; true if it is closed. */
bool ctl__async_closed(ctl_t *ctl);

/* ctl_conn.c: send a built response on \p conn (loop thread). */
void ctl__send_resp(ctl_conn_t *conn, ctl_resp_t *resp);
/* ctl_conn.c: log `ctl-command` with its result. */
void ctl__log_command(const char *cmd, size_t argc, int status);
/* ctl_conn.c: the deferred answer of \p conn was sent; read on. */
void ctl__conn_resume(ctl_conn_t *conn);

/* ctl_resp.c: response builder life cycle. */
void ctl__resp_init(ctl_resp_t *resp);
void ctl__resp_clear(ctl_resp_t *resp);

/*
 * ctl_resp.c: turn the builder into one whole frame; *frame (owned by the
 * caller) and *len on DZ_OK, DZ_ENOMEM otherwise. The builder is left empty.
 */
int ctl__resp_finish(ctl_resp_t *resp, uint8_t **frame, size_t *len);

/* ctl_conn.c: the built-in `help`. */
int ctl__help(const ctl_t *ctl, bool json, ctl_resp_t *resp);
