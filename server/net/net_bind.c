/* SPDX-License-Identifier: BSD-3-Clause */
/* Opening and binding the listen sockets: UDP (one per worker, SO_REUSEPORT) and TCP. */
#include "server/net/net_internal.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "server/net/net_addr.h"

/* Times a port-0 listener retries when the TCP port it got is taken for UDP. */
#define PORT0_ATTEMPTS 8

static int set_int(int fd, int level, int name, int value)
{
	if (setsockopt(fd, level, name, &value, sizeof(value)) != 0) {
		return dz_errno();
	}
	return DZ_OK;
}

/*
 * UDP: every worker binds its own socket to the same address and the kernel
 * spreads datagrams over them (SO_REUSEPORT). PKTINFO gives the destination
 * address of each query so the answer leaves from it even on a wildcard
 * socket. PMTUDISC_OMIT ignores ICMP-lowered path MTUs (which an attacker can
 * forge) and lets large answers fragment, as BIND and Knot do.
 */
static int udp_opts(int fd, int family)
{
	int rc = set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1);
	if (rc == DZ_OK && family == AF_INET6) {
		rc = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
		if (rc == DZ_OK) {
			rc = set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
		}
		/* Best effort: older kernels lack OMIT. */
		(void)set_int(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER,
		              IPV6_PMTUDISC_OMIT);
	} else if (rc == DZ_OK) {
		rc = set_int(fd, IPPROTO_IP, IP_PKTINFO, 1);
		(void)set_int(fd, IPPROTO_IP, IP_MTU_DISCOVER,
		              IP_PMTUDISC_OMIT);
	}
	return rc;
}

/* TCP: one listener per address; no SO_REUSEPORT, so a second daemon fails. */
static int tcp_opts(int fd, int family)
{
	int rc = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (rc == DZ_OK && family == AF_INET6) {
		rc = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	}
	return rc;
}

/* A socket of \p type bound to \p sa; *step says which call failed. */
static int open_bound(const struct sockaddr *sa, int type, int *out,
                      const char **step)
{
	*step = "socket";
	int fd = socket(sa->sa_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return dz_errno();
	}
	*step = "setsockopt";
	int rc = type == SOCK_DGRAM ? udp_opts(fd, sa->sa_family)
	                            : tcp_opts(fd, sa->sa_family);
	if (rc == DZ_OK) {
		*step = "bind";
		if (bind(fd, sa, net_addr_len(sa)) != 0) {
			rc = dz_errno();
		}
	}
	if (rc != DZ_OK) {
		close(fd);
		return rc;
	}
	*out = fd;
	return DZ_OK;
}

static void report(char *err, size_t errlen, const char *step, int type,
                   const struct sockaddr *sa, int status)
{
	char addr[NET_ADDR_STRLEN];
	if (err == NULL || errlen == 0) {
		return;
	}
	if (net_addr_to_str(sa, addr, sizeof(addr)) < 0) {
		strcpy(addr, "?");
	}
	(void)snprintf(err, errlen, "%s %s %s: %s", step,
	               type == SOCK_DGRAM ? "udp" : "tcp", addr,
	               strerror(-status));
}

static void close_listener(net_t *net, size_t i)
{
	size_t nworkers = net->conf.udp_workers;
	if (net->ls[i].tcp_fd >= 0) {
		close(net->ls[i].tcp_fd);
		net->ls[i].tcp_fd = -1;
	}
	for (size_t w = 0; w < nworkers; w++) {
		int *fd = &net->udp_fds[w * net->nls + i];
		if (*fd >= 0) {
			close(*fd);
			*fd = -1;
		}
	}
}

void net_close_fds(net_t *net)
{
	for (size_t i = 0; i < net->nls; i++) {
		close_listener(net, i);
	}
}

/*
 * TCP first: with port 0 it picks the port, and then every UDP socket binds
 * that same port, so one number serves both transports.
 */
static int bind_once(net_t *net, size_t i, char *err, size_t errlen)
{
	net_listener_t *l = &net->ls[i];
	struct sockaddr *sa = (struct sockaddr *)&l->addr;
	const char *step;
	int rc = open_bound(sa, SOCK_STREAM, &l->tcp_fd, &step);
	if (rc != DZ_OK) {
		report(err, errlen, step, SOCK_STREAM, sa, rc);
		return rc;
	}
	socklen_t len = sizeof(l->addr);
	if (getsockname(l->tcp_fd, sa, &len) != 0) {
		rc = dz_errno();
		report(err, errlen, "getsockname", SOCK_STREAM, sa, rc);
		return rc;
	}
	for (size_t w = 0; w < net->conf.udp_workers; w++) {
		rc = open_bound(sa, SOCK_DGRAM, &net->udp_fds[w * net->nls + i],
		                &step);
		if (rc != DZ_OK) {
			report(err, errlen, step, SOCK_DGRAM, sa, rc);
			return rc;
		}
	}
	return DZ_OK;
}

static int bind_listener(net_t *net, size_t i,
                         const struct sockaddr_storage *addr, char *err,
                         size_t errlen)
{
	bool any_port = net_addr_port((const struct sockaddr *)addr) == 0;
	int rc = DZ_EINVAL;
	for (int attempt = 0; attempt < PORT0_ATTEMPTS; attempt++) {
		net->ls[i].addr = *addr;
		rc = bind_once(net, i, err, errlen);
		if (rc == DZ_OK) {
			return DZ_OK;
		}
		close_listener(net, i);
		if (!any_port || rc != -EADDRINUSE) {
			break;
		}
	}
	return rc;
}

static int check_addrs(const struct sockaddr_storage *addrs, size_t naddrs,
                       char *err, size_t errlen)
{
	if (naddrs == 0) {
		if (err != NULL && errlen > 0) {
			(void)snprintf(err, errlen, "no listen address");
		}
		return DZ_EINVAL;
	}
	for (size_t i = 0; i < naddrs; i++) {
		int family = addrs[i].ss_family;
		if (family != AF_INET && family != AF_INET6) {
			if (err != NULL && errlen > 0) {
				(void)snprintf(err, errlen,
				               "listen address %zu is not IP",
				               i);
			}
			return DZ_EINVAL;
		}
	}
	return DZ_OK;
}

static int alloc_listeners(net_t *net, size_t naddrs)
{
	size_t nfds = naddrs * net->conf.udp_workers;
	net->ls = calloc(naddrs, sizeof(*net->ls));
	net->udp_fds = malloc(nfds * sizeof(*net->udp_fds));
	if (net->ls == NULL || net->udp_fds == NULL) {
		free(net->ls);
		free(net->udp_fds);
		net->ls = NULL;
		net->udp_fds = NULL;
		return DZ_ENOMEM;
	}
	for (size_t i = 0; i < nfds; i++) {
		net->udp_fds[i] = -1;
	}
	for (size_t i = 0; i < naddrs; i++) {
		net->ls[i].tcp_fd = -1;
	}
	net->nls = naddrs;
	return DZ_OK;
}

int net_bind(net_t *net, const struct sockaddr_storage *addrs, size_t naddrs,
             char *err, size_t errlen)
{
	if (net->state != NET_STATE_NEW) {
		return DZ_EINVAL;
	}
	int rc = check_addrs(addrs, naddrs, err, errlen);
	if (rc == DZ_OK) {
		rc = alloc_listeners(net, naddrs);
	}
	for (size_t i = 0; rc == DZ_OK && i < naddrs; i++) {
		rc = bind_listener(net, i, &addrs[i], err, errlen);
	}
	if (rc == DZ_OK && net->conf.xdp_interface != NULL) {
		rc = net_xdp_setup(net, err, errlen);
	}
	if (rc != DZ_OK) {
		/* Nothing stays open or allocated: net_bind may be retried. */
		net_close_fds(net);
		free(net->ls);
		free(net->udp_fds);
		net->ls = NULL;
		net->udp_fds = NULL;
		net->nls = 0;
		return rc;
	}
	net->state = NET_STATE_BOUND;
	return DZ_OK;
}

int net_bound_addr(const net_t *net, size_t i, struct sockaddr_storage *out)
{
	if (net->state == NET_STATE_NEW || i >= net->nls) {
		return DZ_ENOENT;
	}
	*out = net->ls[i].addr;
	return DZ_OK;
}
