/* SPDX-License-Identifier: BSD-3-Clause */
/* The authoritative answer engine: one request in, one response out, as a pure function over the served zone versions. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/zone/zone.h"

struct dz_msg;

/* Longest CNAME/DNAME chain followed inside a zone (BIND stops after 11
 * restarts, Knot only on a loop); a longer chain ends with NOERROR. */
#define QUERY_MAX_CHAIN 12

/* What the zone lookup callback reports about the zone it found. */
typedef struct query_zone {
	/* The version to answer from; NULL when the zone is configured but
	 * has no data (a secondary before its first transfer): SERVFAIL. */
	const dz_zone_t *zone;
	/* A secondary whose data expired (RFC 1035 §3.3.13 EXPIRE): SERVFAIL. */
	bool expired;
	/* The caller's per-zone data, handed back in query_info_t.zone_data
	 * (for statistics and the query log). */
	void *data;
} query_zone_t;

/*
 * How the answer engine finds zones. find_zone returns true and fills *out
 * with the deepest served zone at or above \p name (qtype is informational:
 * the engine itself asks for the parent zone of a DS query at a zone apex).
 * Everything it hands out is borrowed for the duration of query_answer()
 * (the caller guarantees it, e.g. with RCU or a version reference).
 */
typedef struct query_env {
	bool (*find_zone)(void *ctx, const uint8_t *name, uint16_t qtype,
	                  query_zone_t *out);
	void *ctx;
	/* Our EDNS payload size (RFC 6891 §6.2.5), e.g. 1232; 0 means 1232.
	 * It is advertised in every OPT we send and caps UDP answers. */
	uint16_t udp_max_payload;
	/*
	 * TSIG hook (RFC 8945), optional; NULL answers signed queries
	 * unsigned. tsig_verify returns DZ_OK to answer (and sets *reserve to
	 * the octets the response's TSIG needs), anything else answers
	 * NOTAUTH; tsig_sign appends the TSIG to the finished response and
	 * returns its new length, or < 0 to drop it.
	 */
	int (*tsig_verify)(void *ctx, const struct dz_msg *req, size_t *reserve);
	int (*tsig_sign)(void *ctx, const struct dz_msg *req, uint8_t *resp,
	                 size_t len, size_t cap);
} query_env_t;

/* The kind of answer given, for statistics. */
typedef enum query_result {
	QUERY_RESULT_NONE = 0, /* dropped, or an error rcode */
	QUERY_RESULT_POSITIVE, /* answer section holds the data asked for */
	QUERY_RESULT_NODATA,   /* name exists, type does not (RFC 2308 §2.2) */
	QUERY_RESULT_NXDOMAIN, /* name does not exist (RFC 2308 §2.1) */
	QUERY_RESULT_REFERRAL, /* at or below a zone cut */
} query_result_t;

/* What happened, for statistics and the query log (all fields set by
 * query_answer(), even when it drops the request). */
typedef struct query_info {
	uint8_t opcode;
	uint16_t rcode;  /* 12-bit rcode sent */
	uint16_t qtype;  /* 0 if no question parsed */
	uint16_t qclass;
	query_result_t result;
	const dz_zone_t *zone; /* zone answered from, or NULL */
	void *zone_data;       /* query_zone_t.data of that zone */
	bool tc;     /* response truncated */
	bool edns;   /* request had a valid OPT */
	bool dnssec_ok; /* DO bit in the request */
	bool tsig;   /* request carried a TSIG */
	bool aa;     /* response has AA */
} query_info_t;

/* How a dispatcher should route a request (see query_classify()). */
typedef enum query_kind {
	QUERY_KIND_DROP = 0, /* shorter than a header, or QR set: no answer */
	QUERY_KIND_QUERY,    /* opcode QUERY: query_answer() */
	QUERY_KIND_XFR,      /* opcode QUERY for AXFR or IXFR: the transfer
	                        server (query_answer() refuses these) */
	QUERY_KIND_NOTIFY,   /* opcode NOTIFY (RFC 1996) */
	QUERY_KIND_UPDATE,   /* opcode UPDATE (RFC 2136) */
	QUERY_KIND_OTHER,    /* any other opcode: query_answer() says NOTIMP */
} query_kind_t;

/*
 * Tell how to route \p req from its header and first question only (no full
 * parse: the handler it goes to validates the rest). A QUERY whose question
 * cannot be read is QUERY_KIND_QUERY (query_answer() answers FORMERR).
 */
query_kind_t query_classify(const uint8_t *req, size_t len);

/*
 * Answer one request into \p resp (\p respcap octets, at most 65535 are
 * used). \p tcp selects the size limit: 65535 over TCP; over UDP the
 * client's EDNS payload size (512 without EDNS) capped by ours.
 * \p info (optional) is filled in every case.
 * Returns the response length, 0 to send nothing (a response or a message
 * shorter than a header: RFC 1035 §7.3 never answers those, which also
 * stops reflection loops), or < 0 on an internal error (DZ_ESPACE if
 * \p respcap cannot hold even a header).
 * Allocation-free and thread-safe: everything lives on the stack.
 */
int query_answer(const query_env_t *env, const uint8_t *req, size_t reqlen,
                 bool tcp, uint8_t *resp, size_t respcap,
                 query_info_t *info);

/*
 * Build an error response (header, the question when \p req has exactly
 * one, an OPT when it had one) with \p rcode, for handlers of other opcodes
 * (NOTIFY, UPDATE) that reject a parsed request.
 * Returns the length, or < 0 (DZ_ESPACE).
 */
int query_error(const struct dz_msg *req, uint16_t rcode, uint16_t udp_payload,
                uint8_t *resp, size_t respcap);
