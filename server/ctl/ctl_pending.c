/* SPDX-License-Identifier: BSD-3-Clause */
/* Deferred control answers: a handler hands its response to another thread, which completes it; the loop thread sends it. */
#include "server/ctl/ctl_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"

/* Send (or drop) one completed answer; loop thread. */
static void deliver(ctl_pending_t *p)
{
	ctl_conn_t *conn = p->conn;
	ctl__log_command(p->cmd, p->argc, p->resp.status);
	if (conn != NULL) {
		conn->pending = NULL;
	}
	if (conn != NULL && !conn->closing) {
		ctl__send_resp(conn, &p->resp);
		ctl__conn_resume(conn);
	}
	ctl__resp_clear(&p->resp);
	free(p);
}

/* The completed answers, oldest first (the list is pushed LIFO). */
static ctl_pending_t *take_done(ctl_t *ctl, size_t *n)
{
	pthread_mutex_lock(&ctl->mu);
	ctl_pending_t *list = ctl->done, *rev = NULL;
	ctl->done = NULL;
	pthread_mutex_unlock(&ctl->mu);
	*n = 0;
	while (list != NULL) {
		ctl_pending_t *next = list->next;
		list->next = rev;
		rev = list;
		list = next;
		(*n)++;
	}
	return rev;
}

static void on_async(uv_async_t *async)
{
	ctl_t *ctl = async->data;
	size_t n = 0;
	ctl_pending_t *p = take_done(ctl, &n);
	while (p != NULL) {
		ctl_pending_t *next = p->next;
		deliver(p);
		p = next;
	}
	/* Counted down only now: until then a completer may still be
	 * inside uv_async_send() on this handle (see ctl_pending_done). */
	pthread_mutex_lock(&ctl->mu);
	ctl->npending -= n;
	pthread_mutex_unlock(&ctl->mu);
	ctl__maybe_finish(ctl);
}

int ctl__async_open(ctl_t *ctl)
{
	if (ctl->astate != LISTENER_NONE) {
		return ctl->astate == LISTENER_OPEN ? DZ_OK : DZ_EINVAL;
	}
	int ret = uv_async_init(ctl->loop, &ctl->async, on_async);
	if (ret != 0) {
		return ret;
	}
	ctl->async.data = ctl;
	ctl->astate = LISTENER_OPEN;
	return DZ_OK;
}

static void on_async_closed(uv_handle_t *h)
{
	ctl_t *ctl = h->data;
	ctl->astate = LISTENER_NONE;
	ctl__maybe_finish(ctl);
}

bool ctl__async_closed(ctl_t *ctl)
{
	pthread_mutex_lock(&ctl->mu);
	size_t owed = ctl->npending;
	pthread_mutex_unlock(&ctl->mu);
	if (owed > 0) {
		return false;
	}
	if (ctl->astate == LISTENER_OPEN) {
		ctl->astate = LISTENER_CLOSING;
		uv_close((uv_handle_t *)&ctl->async, on_async_closed);
	}
	return ctl->astate == LISTENER_NONE;
}

int ctl_resp_defer(ctl_resp_t *resp, ctl_pending_t **out)
{
	ctl_conn_t *conn = resp->conn;
	if (conn == NULL) {
		return DZ_EINVAL;
	}
	if (resp->pending != NULL) {
		return DZ_EEXIST;
	}
	ctl_t *ctl = conn->ctl;
	ctl_pending_t *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		return DZ_ENOMEM;
	}
	int ret = ctl__async_open(ctl);
	if (ret != DZ_OK) {
		free(p);
		return ret;
	}
	const dz_ctl_req_t *req = &ctl->req; /* the request being handled */
	p->ctl = ctl;
	p->conn = conn;
	p->json = (req->flags & DZ_CTL_FLAG_JSON) != 0;
	p->argc = req->argc > 0 ? (size_t)req->argc - 1 : 0;
	if (req->argc > 0) {
		/* Registered names are at most DZ_CTL_MAX_CMD_LEN octets. */
		size_t n = strnlen(req->arg[0], sizeof(p->cmd) - 1);
		memcpy(p->cmd, req->arg[0], n);
	}
	ctl__resp_init(&p->resp);
	pthread_mutex_lock(&ctl->mu);
	ctl->npending++;
	pthread_mutex_unlock(&ctl->mu);
	resp->pending = p;
	conn->pending = p;
	/* The client waits for work of unknown length, not idling. */
	(void)uv_timer_stop(&conn->timer);
	*out = p;
	return DZ_OK;
}

bool ctl_pending_json(const ctl_pending_t *p)
{
	return p->json;
}

void ctl_pending_done(ctl_pending_t *p, int status, const char *text)
{
	ctl_t *ctl = p->ctl;
	ctl_resp_set_status(&p->resp, status);
	if (text != NULL) {
		/* A lost message still leaves the status. */
		(void)ctl_resp_append(&p->resp, text, strlen(text));
	}
	/* uv_async_send() under the lock: the loop cannot count this answer
	 * down, and so cannot free the channel, before the call returned. */
	pthread_mutex_lock(&ctl->mu);
	p->next = ctl->done;
	ctl->done = p;
	(void)uv_async_send(&ctl->async);
	pthread_mutex_unlock(&ctl->mu);
}
