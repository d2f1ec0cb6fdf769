/* SPDX-License-Identifier: BSD-3-Clause */
/* One round of a zone's writer: apply the queued updates in order, journal them, one fdatasync (group commit), publish, answer. */
#include "server/update/update_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/update/update.h"
#include "lib/util/errcode.h"
#include "lib/zone/changeset.h"
#include "lib/zone/zone.h"
#include "server/log/log.h"
#include "server/zones/zones_internal.h"

/* The per-record permission check (RFC 2136 §3.3, update-type and
 * update-owner of the ACL that let the request in). */
typedef struct {
	const conf_acl_t *acl;
	const uint8_t *apex;
	const uint8_t *key;
	const char *refusal;
} allow_t;

/* State of one round. */
typedef struct {
	zone_entry_t *e;
	dz_zone_t *cur;    /* newest version so far (a reference) */
	int journal_err;   /* first journal failure of the round */
	bool appended;     /* records wait for the sync */
	dz_serial_policy_t policy;
} batch_t;

static bool allow_rr(void *ctx, const uint8_t *owner, uint16_t type,
                     uint16_t rclass)
{
	(void)rclass;
	allow_t *a = ctx;
	if (!acl_allows_type(a->acl, type)) {
		a->refusal = "type-not-allowed";
		return false;
	}
	if (!acl_allows_owner(a->acl, a->apex, owner, a->key)) {
		a->refusal = "owner-not-allowed";
		return false;
	}
	return true;
}

static dz_serial_policy_t policy_of(conf_serial_policy_t p)
{
	switch (p) {
	case CONF_SERIAL_UNIXTIME:
		return DZ_SERIAL_UNIXTIME;
	case CONF_SERIAL_DATESERIAL:
		return DZ_SERIAL_DATESERIAL;
	case CONF_SERIAL_INCREMENT:
		break;
	}
	return DZ_SERIAL_INCREMENT;
}

/* The verdict and its reason: \p what followed by \p detail. */
static void job_fail(update_job_t *job, uint16_t rcode, uint16_t ede,
                     const char *what, const char *detail)
{
	job->rcode = rcode;
	job->ede = ede;
	snprintf(job->reason, sizeof(job->reason), "%s%s", what, detail);
}

static const char *rcode_str(uint16_t rcode, char *buf, size_t len)
{
	return stats_rcode_name(rcode, buf, len);
}

static const char *key_str(const update_job_t *job, char *buf, size_t len)
{
	if (!job->signed_req ||
	    dz_name_to_str(buf, len, job->key.name) < 0) {
		return "-";
	}
	return buf;
}

/* A failed update: the rcode the library chose, the reason logged and
 * returned as EDE EXTRA-TEXT. */
static void explain_failure(const batch_t *b, update_job_t *job, int ret,
                            uint16_t rcode, const allow_t *allow,
                            const dz_update_diag_t *diag)
{
	char key[DZ_NAME_MAXSTR], rbuf[16];
	const struct sockaddr *peer = (const struct sockaddr *)&job->peer;
	if (ret == DZ_EREFUSED && allow->refusal != NULL) {
		log_event(LOG_LEVEL_WARNING, LOG_CAT_SECURITY, b->e->name, peer,
		          "update-refused", "reason=%s key=%s detail=%s",
		          allow->refusal, key_str(job, key, sizeof(key)),
		          diag->msg);
		job_fail(job, rcode, UPDATE_EDE_PROHIBITED,
		         "update refused: ", allow->refusal);
		return;
	}
	if (ret == DZ_EPREREQ) {
		log_event(LOG_LEVEL_INFO, LOG_CAT_UPDATE, b->e->name, peer,
		          "update-prereq-failed", "rcode=%s key=%s reason=%s",
		          rcode_str(rcode, rbuf, sizeof(rbuf)),
		          key_str(job, key, sizeof(key)), diag->msg);
	} else {
		log_event(LOG_LEVEL_INFO, LOG_CAT_UPDATE, b->e->name, peer,
		          "update-failed", "rcode=%s key=%s err=%s reason=%s",
		          rcode_str(rcode, rbuf, sizeof(rbuf)),
		          key_str(job, key, sizeof(key)), dz_strerror(ret),
		          diag->msg);
	}
	job_fail(job, rcode, UPDATE_EDE_OTHER, "",
	         diag->msg[0] != '\0' ? diag->msg : dz_strerror(ret));
}

/* The ACL this request is allowed by now (the configuration may have been
 * reloaded since it was received). RCU online. */
static const conf_acl_t *find_acl(const zone_entry_t *e,
                                  const update_job_t *job)
{
	const conf_zone_t *zc = zone_entry_conf(e);
	const uint8_t *key = job->signed_req ? job->key.name : NULL;
	for (size_t i = 0; i < zc->nacls; i++) {
		if (acl_match(zc->acls[i], (const struct sockaddr *)&job->peer,
		              key, CONF_ACTION_UPDATE)) {
			return zc->acls[i];
		}
	}
	return NULL;
}

static int journal_add(batch_t *b, const dz_zone_t *next,
                       const dz_changeset_t *ch, update_job_t *job)
{
	int ret = zone_journal_ensure(b->e);
	if (ret == DZ_OK) {
		(void)dz_zone_serial(b->cur, &job->serial_from);
		(void)dz_zone_serial(next, &job->serial_to);
		ret = dz_journal_append(b->e->journal, job->serial_from,
		                        job->serial_to, ch);
	}
	if (ret != DZ_OK && b->journal_err == DZ_OK) {
		b->journal_err = ret;
	}
	return ret;
}

/* Apply one update on top of b->cur (RCU online: reads the ACLs). */
static void apply_one(batch_t *b, update_job_t *job)
{
	static _Thread_local dz_msg_rr_t rrs[UPDATE_MAX_RRS];
	dz_msg_t msg;
	dz_msg_init(&msg, rrs, UPDATE_MAX_RRS);
	if (b->journal_err != DZ_OK) {
		return; /* the round fails as a whole: see finish_round */
	}
	if (dz_msg_parse(&msg, job->req, job->len, NULL, NULL) != DZ_OK) {
		job_fail(job, DZ_RCODE_FORMERR, UPDATE_EDE_OTHER,
		         "malformed message", "");
		return;
	}
	allow_t allow = {.acl = find_acl(b->e, job), .apex = b->e->name,
	                 .key = job->signed_req ? job->key.name : NULL};
	if (allow.acl == NULL) {
		job_fail(job, DZ_RCODE_REFUSED, UPDATE_EDE_PROHIBITED,
		         "update refused: ", "no-acl");
		return;
	}
	dz_update_opts_t opts = {.serial_policy = b->policy,
	                         .now = time(NULL),
	                         .allow_rr = allow_rr,
	                         .allow_ctx = &allow};
	dz_zone_t *next = NULL;
	dz_changeset_t *ch = NULL;
	uint16_t rcode = DZ_RCODE_SERVFAIL;
	dz_update_diag_t diag = {0};
	int ret = dz_update_apply(b->cur, &msg, &opts, &next, &ch, &rcode,
	                          &diag);
	if (ret != DZ_OK) {
		explain_failure(b, job, ret, rcode, &allow, &diag);
		return;
	}
	job->rcode = DZ_RCODE_NOERROR;
	if (next == NULL) {
		return; /* nothing changed: no serial, no record (as BIND) */
	}
	if (journal_add(b, next, ch, job) == DZ_OK) {
		job->applied = true;
		job->added = dz_changeset_nadded(ch);
		job->removed = dz_changeset_nremoved(ch);
		b->appended = true;
		dz_zone_unref(b->cur);
		b->cur = next;
		next = NULL;
	}
	dz_zone_unref(next);
	dz_changeset_free(ch);
}

static void log_journal_failure(const batch_t *b)
{
	log_event(LOG_LEVEL_ERROR, LOG_CAT_UPDATE, b->e->name, NULL,
	          "journal-write-failed", "path=%s err=%s", b->e->jpath,
	          dz_strerror(b->journal_err));
}

/* Durability first (DESIGN.md §3): one fdatasync for every record of the
 * round, then the newest version is published; on failure nothing is. */
static void finish_round(batch_t *b, update_job_t *jobs)
{
	zone_entry_t *e = b->e;
	if (b->journal_err == DZ_OK && b->appended) {
		b->journal_err = dz_journal_sync(e->journal);
	}
	if (b->journal_err != DZ_OK) {
		log_journal_failure(b);
		if (e->journal != NULL) {
			(void)dz_journal_abort(e->journal); /* already cut */
		}
		/* The whole round fails: its versions chain on each other. */
		for (update_job_t *j = jobs; j != NULL; j = j->next) {
			j->applied = false;
			job_fail(j, DZ_RCODE_SERVFAIL, UPDATE_EDE_OTHER,
			         "journal write failed: ",
			         dz_strerror(b->journal_err));
		}
		return;
	}
	if (b->appended) {
		if (!e->dirty) {
			clock_gettime(CLOCK_MONOTONIC, &e->dirty_since);
		}
		e->dirty = true;
		zone_entry_publish(e, dz_zone_ref(b->cur));
	}
}

static void answer(const batch_t *b, update_job_t *job)
{
	uint8_t buf[UPDATE_RESP_MAX];
	char key[DZ_NAME_MAXSTR];
	const update_ctx_t *u = b->e->uctx;
	if (job->applied) {
		log_event(LOG_LEVEL_INFO, LOG_CAT_UPDATE, b->e->name,
		          (const struct sockaddr *)&job->peer, "update-applied",
		          "key=%s serial=%u->%u added=%zu removed=%zu",
		          key_str(job, key, sizeof(key)), job->serial_from,
		          job->serial_to, job->added, job->removed);
	}
	dz_msg_t msg;
	static _Thread_local dz_msg_rr_t big[UPDATE_MAX_RRS];
	dz_msg_init(&msg, big, UPDATE_MAX_RRS);
	int len = 0;
	if (dz_msg_parse(&msg, job->req, job->len, NULL, NULL) == DZ_OK) {
		len = update_resp_build(&msg, job->rcode, job->ede,
		                        job->reason[0] != '\0' ? job->reason
		                                               : NULL,
		                        job->udp_payload,
		                        job->signed_req ? &job->tres : NULL,
		                        buf, sizeof(buf));
	}
	update_answer_queue((update_ctx_t *)u, job->reply, buf,
	                    len > 0 ? (size_t)len : 0);
}

void update_batch_run(zone_entry_t *e, update_job_t *jobs)
{
	batch_t b = {.e = e, .cur = dz_zone_ref(e->version)};
	zones_thread_online();
	b.policy = policy_of(zone_entry_conf(e)->serial_policy);
	for (update_job_t *j = jobs; j != NULL; j = j->next) {
		j->rcode = DZ_RCODE_SERVFAIL;
		apply_one(&b, j);
	}
	zones_thread_offline(); /* no reader waits on our fsync */
	finish_round(&b, jobs);
	dz_zone_unref(b.cur);
	while (jobs != NULL) {
		update_job_t *next = jobs->next;
		answer(&b, jobs);
		free(jobs);
		jobs = next;
	}
}
