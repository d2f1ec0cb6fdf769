/* SPDX-License-Identifier: BSD-3-Clause */
/* Listen and peer addresses: the config's "addr@port" form in, BIND's "addr#port" form out. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The DNS port, used when an address names none. */
#define NET_PORT_DEFAULT 53

/*
 * Room for the longest net_addr_to_str() output: an IPv6 address, a
 * "%interface" scope, "#65535" and the terminating NUL.
 */
#define NET_ADDR_STRLEN 72

/*
 * Parse "127.0.0.1", "127.0.0.1@5353", "::1@5353" or "fe80::1%eth0@53"
 * (numbers only: no host names, so nothing is ever resolved) into \p out.
 * A missing port is \p default_port. Returns DZ_OK, or DZ_ESYNTAX (not an
 * address, bad or out-of-range port, unknown interface); \p out is written
 * only on success.
 */
int net_addr_parse(const char *str, uint16_t default_port,
                   struct sockaddr_storage *out);

/*
 * Write \p sa as BIND writes addresses in its logs: "127.0.0.1#5353",
 * "::1#5353", "fe80::1%eth0#53" (no brackets: '#' cannot occur in an
 * address). Returns the length written (without the NUL), DZ_ESPACE if
 * \p len is too small, or DZ_EINVAL (not AF_INET/AF_INET6).
 */
int net_addr_to_str(const struct sockaddr *sa, char *buf, size_t len);

/* Size of the sockaddr behind \p sa (by family); 0 for other families. */
socklen_t net_addr_len(const struct sockaddr *sa);

/* The port of \p sa in host order (0 for other families). */
uint16_t net_addr_port(const struct sockaddr *sa);

/* Set the port of \p sa (AF_INET/AF_INET6 only). */
void net_addr_set_port(struct sockaddr *sa, uint16_t port);
