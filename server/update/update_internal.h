/* SPDX-License-Identifier: BSD-3-Clause */
/* State shared by the files of server/update: the context, key ring, queued jobs, answers. */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "lib/wire/msg.h"
#include "lib/wire/tsig.h"
#include "server/update/update.h"

/* Room for the zone section, an OPT with an EDE and a TSIG. */
#define UPDATE_RESP_MAX 1024
/* Records an UPDATE may hold (prerequisites + updates + additional). */
#define UPDATE_MAX_RRS 4096

/* The TSIG keys of the configuration, in the form lib/wire/tsig.h needs. */
typedef struct {
	size_t n;
	dz_tsig_key_t keys[];
} update_keyring_t;

/* An answer on its way to the loop thread. */
typedef struct update_answer {
	struct update_answer *next;
	net_reply_t *reply;
	size_t len;
	uint8_t msg[UPDATE_RESP_MAX];
} update_answer_t;

struct update_ctx {
	uv_async_t async; /* wakes the loop: answers are queued */
	bool async_open;
	net_t *net;
	update_keyring_t *keys; /* RCU-published (atomic store) */
	pthread_mutex_t mu;
	update_answer_t *head, *tail; /* under mu */
	bool closed;                  /* under mu: drop new answers */
};

/* One queued update (or its verdict once the writer is done). */
typedef struct update_job {
	struct update_job *next;
	net_reply_t *reply;
	struct sockaddr_storage peer;
	uint16_t udp_payload;
	bool signed_req;
	dz_tsig_result_t tres; /* tres.key points at key */
	dz_tsig_key_t key;
	/* The writer's verdict. */
	uint16_t rcode;
	uint16_t ede;        /* RFC 8914 INFO-CODE */
	char reason[200];    /* EXTRA-TEXT; empty: no EDE */
	uint32_t serial_from, serial_to;
	size_t added, removed;
	bool applied; /* journaled; published once the batch syncs */
	size_t len;
	uint8_t req[];
} update_job_t;

/* RFC 8914 §4 INFO-CODEs we use. */
enum {
	UPDATE_EDE_OTHER = 0,
	UPDATE_EDE_NOT_AUTHORITATIVE = 20,
	UPDATE_EDE_PROHIBITED = 18,
	UPDATE_EDE_NOT_READY = 14,
};

/* update_keys.c */
const dz_tsig_key_t *update_key_lookup(void *ctx, const uint8_t *name,
                                       dz_tsig_alg_t alg);
/* Verify the request's TSIG (RCU online); logs failures (category
 * security). DZ_OK, DZ_EACCES (answer res->rcode, signed per §5.3.2),
 * DZ_EMALF (FORMERR). */
int update_tsig_check(update_ctx_t *u, const dz_msg_t *msg,
                      const struct sockaddr *peer, dz_tsig_result_t *res);
uint64_t update_now(void);

/* update_resp.c: an answer to \p req (\p rcode; EDE when \p text is not
 * NULL and the request had EDNS; TSIG when \p tres is given). Length or
 * < 0. */
int update_resp_build(const dz_msg_t *req, uint16_t rcode, uint16_t ede,
                      const char *text, uint16_t udp_payload,
                      const dz_tsig_result_t *tres, uint8_t *buf,
                      size_t cap);

/* update_reply.c: queue an answer for the loop (any thread); \p len 0
 * sends nothing but still releases the handle. */
void update_answer_queue(update_ctx_t *u, net_reply_t *reply,
                         const uint8_t *msg, size_t len);

/* update_writer.c: the verdicts of a batch (writer thread). */
void update_batch_run(struct zone_entry *e, update_job_t *jobs);
