/* SPDX-License-Identifier: BSD-3-Clause */
/* Parsing and printing of listen and peer addresses. */
#include "server/net/net_addr.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"

/* "5353" -> 5353; digits only, at most 65535. */
static int parse_port(const char *s, uint16_t *out)
{
	unsigned long v = 0;
	size_t i;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 5) {
			return DZ_ESYNTAX;
		}
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (i == 0 || v > 65535) {
		return DZ_ESYNTAX;
	}
	*out = (uint16_t)v;
	return DZ_OK;
}

/* "eth0" or "2" -> interface index (RFC 4007 §11 zone index). */
static int parse_scope(const char *s, uint32_t *out)
{
	char *end;
	if (*s == '\0') {
		return DZ_ESYNTAX;
	}
	if (*s >= '0' && *s <= '9') {
		unsigned long v = strtoul(s, &end, 10);
		if (*end != '\0' || v > UINT32_MAX) {
			return DZ_ESYNTAX;
		}
		*out = (uint32_t)v;
		return DZ_OK;
	}
	unsigned idx = if_nametoindex(s);
	if (idx == 0) {
		return DZ_ESYNTAX;
	}
	*out = idx;
	return DZ_OK;
}

static int parse_v6(char *host, uint16_t port, struct sockaddr_storage *out)
{
	struct sockaddr_in6 sin6;
	memset(&sin6, 0, sizeof(sin6));
	char *pct = strchr(host, '%');
	if (pct != NULL) {
		*pct = '\0';
		if (parse_scope(pct + 1, &sin6.sin6_scope_id) != DZ_OK) {
			return DZ_ESYNTAX;
		}
	}
	if (inet_pton(AF_INET6, host, &sin6.sin6_addr) != 1) {
		return DZ_ESYNTAX;
	}
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(port);
	memset(out, 0, sizeof(*out));
	memcpy(out, &sin6, sizeof(sin6));
	return DZ_OK;
}

static int parse_v4(const char *host, uint16_t port,
                    struct sockaddr_storage *out)
{
	struct sockaddr_in sin;
	memset(&sin, 0, sizeof(sin));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		return DZ_ESYNTAX;
	}
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	memset(out, 0, sizeof(*out));
	memcpy(out, &sin, sizeof(sin));
	return DZ_OK;
}

int net_addr_parse(const char *str, uint16_t default_port,
                   struct sockaddr_storage *out)
{
	/* Longest valid input: address, "%" + interface name, "@65535". */
	char host[NET_ADDR_STRLEN];
	uint16_t port = default_port;
	size_t len = strlen(str);
	if (len == 0 || len >= sizeof(host)) {
		return DZ_ESYNTAX;
	}
	memcpy(host, str, len + 1);
	char *at = strrchr(host, '@');
	if (at != NULL) {
		*at = '\0';
		if (parse_port(at + 1, &port) != DZ_OK) {
			return DZ_ESYNTAX;
		}
	}
	if (strchr(host, ':') != NULL) {
		return parse_v6(host, port, out);
	}
	return parse_v4(host, port, out);
}

/* "%eth0", or "%<index>" for an interface that has gone away. */
static int scope_to_str(uint32_t scope, char *buf, size_t len)
{
	char name[IF_NAMESIZE];
	if (scope == 0) {
		buf[0] = '\0';
		return 0;
	}
	int n = if_indextoname(scope, name) != NULL
	                ? snprintf(buf, len, "%%%s", name)
	                : snprintf(buf, len, "%%%u", (unsigned)scope);
	return (n < 0 || (size_t)n >= len) ? DZ_ESPACE : n;
}

int net_addr_to_str(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	char scope[IF_NAMESIZE + 12];
	const void *addr;
	if (sa->sa_family == AF_INET) {
		addr = &((const struct sockaddr_in *)(const void *)sa)
		                ->sin_addr;
		scope[0] = '\0';
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const void *)sa;
		addr = &sin6->sin6_addr;
		if (scope_to_str(sin6->sin6_scope_id, scope, sizeof(scope)) <
		    0) {
			return DZ_ESPACE;
		}
	} else {
		return DZ_EINVAL;
	}
	if (inet_ntop(sa->sa_family, addr, host, sizeof(host)) == NULL) {
		return DZ_EINVAL;
	}
	int n = snprintf(buf, len, "%s%s#%u", host, scope,
	                 (unsigned)net_addr_port(sa));
	if (n < 0 || (size_t)n >= len) {
		return DZ_ESPACE;
	}
	return n;
}

socklen_t net_addr_len(const struct sockaddr *sa)
{
	switch (sa->sa_family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	default:
		return 0;
	}
}

uint16_t net_addr_port(const struct sockaddr *sa)
{
	switch (sa->sa_family) {
	case AF_INET:
		return ntohs(((const struct sockaddr_in *)(const void *)sa)
		                     ->sin_port);
	case AF_INET6:
		return ntohs(((const struct sockaddr_in6 *)(const void *)sa)
		                     ->sin6_port);
	default:
		return 0;
	}
}

void net_addr_set_port(struct sockaddr *sa, uint16_t port)
{
	if (sa->sa_family == AF_INET) {
		((struct sockaddr_in *)(void *)sa)->sin_port = htons(port);
	} else if (sa->sa_family == AF_INET6) {
		((struct sockaddr_in6 *)(void *)sa)->sin6_port = htons(port);
	}
}
