/* SPDX-License-Identifier: BSD-3-Clause */
/* The update context and the hand-over of answers from the writers to the loop thread, which sends them. */
#include "server/update/update_internal.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"

static void send_all(update_ctx_t *u, update_answer_t *a)
{
	while (a != NULL) {
		update_answer_t *next = a->next;
		/* A failure (client gone, layer stopped) is counted by net. */
		(void)net_reply_send(a->reply, a->msg, a->len);
		free(a);
		a = next;
	}
	(void)u;
}

static update_answer_t *take_all(update_ctx_t *u)
{
	pthread_mutex_lock(&u->mu);
	update_answer_t *a = u->head;
	u->head = u->tail = NULL;
	pthread_mutex_unlock(&u->mu);
	return a;
}

static void on_async(uv_async_t *h)
{
	update_ctx_t *u = h->data;
	send_all(u, take_all(u));
}

int update_ctx_new(uv_loop_t *loop, net_t *net, update_ctx_t **out)
{
	update_ctx_t *u = calloc(1, sizeof(*u));
	if (u == NULL) {
		return DZ_ENOMEM;
	}
	pthread_mutex_init(&u->mu, NULL);
	int ret = uv_async_init(loop, &u->async, on_async);
	if (ret != 0) {
		pthread_mutex_destroy(&u->mu);
		free(u);
		return ret;
	}
	u->async.data = u;
	u->async_open = true;
	u->net = net;
	*out = u;
	return DZ_OK;
}

void update_ctx_set_net(update_ctx_t *u, net_t *net)
{
	u->net = net;
}

void update_answer_queue(update_ctx_t *u, net_reply_t *reply,
                         const uint8_t *msg, size_t len)
{
	update_answer_t *a = malloc(sizeof(*a));
	pthread_mutex_lock(&u->mu);
	if (a == NULL || u->closed) {
		/* Out of memory, or stopping: the handle still has to go
		 * back; the loop frees it unsent in update_ctx_close. */
		len = 0;
	}
	if (a == NULL) {
		pthread_mutex_unlock(&u->mu);
		/* Leaks the handle rather than touch the loop from here. */
		return;
	}
	a->next = NULL;
	a->reply = reply;
	a->len = len <= sizeof(a->msg) ? len : 0;
	if (a->len > 0) {
		memcpy(a->msg, msg, a->len);
	}
	if (u->tail != NULL) {
		u->tail->next = a;
	} else {
		u->head = a;
	}
	u->tail = a;
	bool closed = u->closed;
	pthread_mutex_unlock(&u->mu);
	if (!closed) {
		uv_async_send(&u->async);
	}
}

void update_ctx_close(update_ctx_t *u)
{
	if (u == NULL || !u->async_open) {
		return;
	}
	pthread_mutex_lock(&u->mu);
	u->closed = true;
	pthread_mutex_unlock(&u->mu);
	send_all(u, take_all(u)); /* the net layer drops them if stopped */
	uv_close((uv_handle_t *)&u->async, NULL);
	u->async_open = false;
}

void update_ctx_free(update_ctx_t *u)
{
	if (u == NULL) {
		return;
	}
	free(u->keys);
	pthread_mutex_destroy(&u->mu);
	free(u);
}
