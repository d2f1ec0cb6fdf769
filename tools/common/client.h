/* SPDX-License-Identifier: BSD-3-Clause */
/* A small DNS client: one request, one reply, over UDP (timeouts, retries, TC -> TCP) or TCP, optionally TSIG-signed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "lib/wire/tsig.h"

/* Longest "ADDR#PORT" text (an IPv6 address with a scope, a port). */
#define CLIENT_ADDR_MAXSTR 80
/* Room a caller's reply buffer needs (the largest TCP message). */
#define CLIENT_REPLY_MAX 65535

/* An IPv4 or IPv6 address with a port. */
typedef struct client_addr {
	struct sockaddr_storage ss;
	socklen_t len;
} client_addr_t;

/*
 * Parse an IP literal with an optional port ("127.0.0.1", "::1@5353",
 * "127.0.0.1#53", "[::1]:53"); \p port_str, if not NULL, gives the port
 * instead (nsupdate's "server ADDR PORT"). 0 ports are refused.
 * Returns DZ_OK, or DZ_ESYNTAX (not an address or a bad port).
 */
int client_addr_parse(const char *text, const char *port_str,
		      uint16_t default_port, client_addr_t *out);

/* "ADDR#PORT", as dig prints it, NUL-terminated in \p buf. */
void client_addr_to_str(const client_addr_t *addr, char *buf, size_t len);

/* Address from raw IPv4 (4 octets) or IPv6 (16 octets) and a port. */
int client_addr_from_raw(const uint8_t *ip, size_t iplen, uint16_t port,
			 client_addr_t *out);

/* How to talk to the server; zero-initialise, then set what matters. */
typedef struct client_opts {
	unsigned udp_timeout_ms; /* per UDP try; 0: 3000 */
	unsigned tcp_timeout_ms; /* whole TCP exchange; 0: 10000 */
	unsigned tries;          /* UDP tries; 0: 3 */
	bool tcp;                /* TCP only */
	const client_addr_t *local;  /* source address (port 0: any), or NULL */
	const dz_tsig_key_t *key;    /* sign with it, and require a signed reply */
	uint16_t fudge;          /* TSIG fudge; 0: 300 */
} client_opts_t;

/* What happened beyond the reply itself. */
typedef struct client_result {
	size_t len;           /* reply length */
	bool tcp;             /* the reply came over TCP */
	bool truncated_udp;   /* a UDP reply had TC set: retried over TCP */
	unsigned tries;       /* UDP tries made */
	bool tsig_checked;    /* the reply's TSIG was verified */
	uint16_t tsig_error;  /* TSIG error the server reported (BADKEY...), 0 */
	char err[256];        /* failure in words (when not DZ_OK) */
} client_result_t;

/*
 * Send the message in \p msg[0..len) (its ID is used to match the reply; it
 * is signed in place when opts->key is set, so \p cap must leave room) and
 * wait for the reply in \p reply (CLIENT_REPLY_MAX octets). Replies with
 * another ID or from another address are ignored. A reply to a signed
 * request must be signed and verify; an unsigned error reply carrying the
 * server's TSIG error (BADKEY, BADSIG, RFC 8945 §5.3.2) is returned as a
 * reply with res->tsig_error set.
 * Returns DZ_OK, -ETIMEDOUT, DZ_EACCES (TSIG verification failed), DZ_EMALF
 * (reply unreadable), -errno (socket errors); res->err says what happened.
 */
int client_exchange(const client_opts_t *opts, const client_addr_t *server,
		    uint8_t *msg, size_t len, size_t cap, uint8_t *reply,
		    client_result_t *res);

/* Mnemonic of a 12-bit rcode or TSIG error ("NXRRSET", "BADSIG"), or "RCODEnn"
 * in the static buffer of the calling thread. */
const char *client_rcode_str(uint16_t rcode);
