/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared state of `dynzone update`: the session (settings + message being built) and its three parts. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/wire/name.h"
#include "lib/wire/tsig.h"
#include "tools/common/client.h"

/* One prerequisite or update record, as RFC 2136 §2.4/§2.5 encode it. */
typedef struct update_rr {
	bool prereq;                  /* prerequisite section, else update */
	uint8_t owner[DZ_NAME_MAXLEN];
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t *rdata;               /* owned, NULL when rdlen is 0 */
} update_rr_t;

/* What a line asks the driver to do after it was parsed. */
typedef enum update_cmd {
	UPDATE_CMD_NONE = 0, /* a setting or a record: nothing more */
	UPDATE_CMD_SEND,
	UPDATE_CMD_ANSWER,
	UPDATE_CMD_SHOW,
	UPDATE_CMD_QUIT,
} update_cmd_t;

/* The settings of a run and the message being built. */
typedef struct update_session {
	/* settings (commands and options) */
	bool has_server;
	client_addr_t server;
	bool server_is_name;         /* `server HOST`: resolved at send time */
	uint8_t server_name[DZ_NAME_MAXLEN];
	uint16_t server_port;        /* its port, 0: s->port */
	bool has_local;
	client_addr_t local;
	bool has_zone;
	uint8_t zone[DZ_NAME_MAXLEN];
	uint16_t rclass;
	bool has_ttl;
	uint32_t ttl;
	bool has_key;
	dz_tsig_key_t key;
	uint16_t port;               /* for `server` without a port, located primaries */
	bool has_resolver;
	client_addr_t resolver;
	bool resolver_shown;         /* --trace printed it already */
	client_opts_t copts;         /* timeouts, tries, TCP; key/local set per send */
	bool verbose;                /* -v/--trace: steps to stderr */
	bool debug;                  /* -d: messages sent and received */
	/* the message */
	update_rr_t *rr;
	size_t count, cap;
	/* the last reply, for `answer` */
	uint8_t *answer;
	size_t answer_len;
} update_session_t;

/* Defaults: class IN, port 53, no key, empty message. */
void update_session_init(update_session_t *s);

/* Frees the records and the last reply. */
void update_session_clear(update_session_t *s);

/* Drop the records (after a send). */
void update_session_reset_msg(update_session_t *s);

/*
 * Parse one line of the command language into \p s. On a syntax error
 * returns DZ_ESYNTAX (or another status) and writes the message in \p err;
 * \p s is unchanged then.
 */
int update_parse_line(update_session_t *s, const char *line,
		      update_cmd_t *cmd, char *err, size_t errlen);

/*
 * Render the update: header (opcode UPDATE, \p id), zone section (\p zone
 * SOA, or none when NULL), prerequisites, updates, an OPT record (so the
 * server can return an Extended DNS Error), \p reserve octets kept free
 * for a TSIG. Returns the length, or a negative status.
 */
int update_build(const update_session_t *s, const uint8_t *zone, uint16_t id,
		 uint8_t *buf, size_t cap, size_t reserve);

/* Print a message in dig-like text; UPDATE sections get RFC 2136 names. */
void update_print_msg(FILE *out, const uint8_t *pkt, size_t len);

/*
 * Find the zone and its primary (RFC 2136 §4): SOA of the zone (or walking
 * up from the first record's owner), then the MNAME's addresses.
 * Returns DZ_OK, or a negative status after printing why to stderr.
 */
int update_locate(update_session_t *s, uint8_t *zone, client_addr_t *addrs,
		  size_t cap, size_t *count);

/*
 * Addresses of host \p name through the resolver (A, then AAAA) on \p port,
 * 0 meaning s->port; \p role names it in messages ("MNAME", "server").
 * Returns DZ_OK, or a negative status after printing why to stderr.
 */
int update_resolve_host(update_session_t *s, const char *role,
			const uint8_t *name, uint16_t port,
			client_addr_t *addrs, size_t cap, size_t *count);

/* Find the zone only (when a server is given but no zone), asking \p where. */
int update_find_zone(update_session_t *s, const client_addr_t *where,
		     uint8_t *zone, uint8_t *mname);

/* `send`: locate, build, sign, send, report. Returns 0, or 2 on failure. */
int update_send(update_session_t *s);

/* `answer`: print the last reply (nothing before the first). */
void update_answer(const update_session_t *s);

/* `show`: print the message being built. */
void update_show(const update_session_t *s);
