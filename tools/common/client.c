/* SPDX-License-Identifier: BSD-3-Clause */
/* A small DNS client: one request, one reply, over UDP (timeouts, retries, TC -> TCP) or TCP, optionally TSIG-signed. */
#include "tools/common/client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "lib/wire/msg.h"
#include "tools/common/deadline.h"

#define DEFAULT_UDP_MS 3000
#define DEFAULT_TCP_MS 10000
#define DEFAULT_TRIES 3

/* ---- addresses ---------------------------------------------------------- */

static int parse_port(const char *s, size_t len, uint16_t *port)
{
	unsigned long v = 0;
	if (len == 0 || len > 5) {
		return DZ_ESYNTAX;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return DZ_ESYNTAX;
		}
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535) {
		return DZ_ESYNTAX;
	}
	*port = (uint16_t)v;
	return DZ_OK;
}

static int addr_from_ip(const char *ip, uint16_t port, client_addr_t *out)
{
	client_addr_t a = {0};
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a.ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a.ss;
	if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		a.len = sizeof(*v4);
	} else if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		a.len = sizeof(*v6);
	} else {
		return DZ_ESYNTAX;
	}
	*out = a;
	return DZ_OK;
}

/* Split "ADDR@PORT", "ADDR#PORT", "[V6]:PORT" into address text and port text. */
static void split_port(const char *text, char *ip, size_t iplen,
		       const char **port)
{
	const char *sep = strpbrk(text, "@#");
	size_t n = sep != NULL ? (size_t)(sep - text) : strlen(text);
	*port = sep != NULL ? sep + 1 : NULL;
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (close != NULL) {
			n = (size_t)(close - text - 1);
			text++;
			*port = close[1] == ':' ? close + 2 : *port;
		}
	}
	n = n < iplen - 1 ? n : iplen - 1;
	memcpy(ip, text, n);
	ip[n] = '\0';
}

int client_addr_parse(const char *text, const char *port_str,
		      uint16_t default_port, client_addr_t *out)
{
	char ip[INET6_ADDRSTRLEN + 1];
	const char *inline_port = NULL;
	uint16_t port = default_port;

	split_port(text, ip, sizeof(ip), &inline_port);
	const char *p = port_str != NULL ? port_str : inline_port;
	if (p != NULL && parse_port(p, strlen(p), &port) != DZ_OK) {
		return DZ_ESYNTAX;
	}
	return addr_from_ip(ip, port, out);
}

int client_addr_from_raw(const uint8_t *ip, size_t iplen, uint16_t port,
			 client_addr_t *out)
{
	char text[INET6_ADDRSTRLEN];
	int af = iplen == 4 ? AF_INET : iplen == 16 ? AF_INET6 : 0;
	if (af == 0 || inet_ntop(af, ip, text, sizeof(text)) == NULL) {
		return DZ_EINVAL;
	}
	return addr_from_ip(text, port, out);
}

static uint16_t addr_port(const client_addr_t *a)
{
	if (a->ss.ss_family == AF_INET6) {
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	}
	return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
}

void client_addr_to_str(const client_addr_t *addr, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	const void *src = addr->ss.ss_family == AF_INET6
		? (const void *)&((const struct sockaddr_in6 *)&addr->ss)->sin6_addr
		: (const void *)&((const struct sockaddr_in *)&addr->ss)->sin_addr;
	(void)inet_ntop(addr->ss.ss_family, src, ip, sizeof(ip));
	snprintf(buf, len, "%s#%u", ip, addr_port(addr));
}

static bool addr_equal(const struct sockaddr_storage *a,
		       const client_addr_t *b)
{
	if (a->ss_family != b->ss.ss_family) {
		return false;
	}
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)&b->ss;
		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)&b->ss;
	return x->sin6_port == y->sin6_port &&
	       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
}

const char *client_rcode_str(uint16_t rcode)
{
	static const char *names[] = {
		"NOERROR", "FORMERR",  "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET",  "NXRRSET",  "NOTAUTH",
		"NOTZONE", "DSOTYPENI", NULL, NULL, NULL, NULL,
		"BADSIG",  "BADKEY",   "BADTIME",  "BADMODE",  "BADNAME",
		"BADALG",  "BADTRUNC", "BADCOOKIE",
	};
	static _Thread_local char other[16];
	if (rcode < sizeof(names) / sizeof(names[0]) && names[rcode] != NULL) {
		return names[rcode];
	}
	snprintf(other, sizeof(other), "RCODE%u", rcode);
	return other;
}

/* ---- sockets and deadlines ----------------------------------------------- */

static int open_socket(const client_opts_t *o, const client_addr_t *server,
		       int type, int *fd, char *err, size_t errlen)
{
	int s = socket(server->ss.ss_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       0);
	if (s < 0) {
		int ret = dz_errno();
		snprintf(err, errlen, "socket: %s", strerror(-ret));
		return ret;
	}
	if (o->local != NULL) {
		if (o->local->ss.ss_family != server->ss.ss_family) {
			snprintf(err, errlen, "local address is not of the "
				 "server's address family");
			close(s);
			return DZ_EINVAL;
		}
		int one = 1;
		(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(s, (const struct sockaddr *)&o->local->ss,
			 o->local->len) != 0) {
			int ret = dz_errno();
			char a[CLIENT_ADDR_MAXSTR];
			client_addr_to_str(o->local, a, sizeof(a));
			snprintf(err, errlen, "cannot bind to local address %s: %s",
				 a, strerror(-ret));
			close(s);
			return ret;
		}
	}
	*fd = s;
	return DZ_OK;
}

/* ---- TSIG ---------------------------------------------------------------- */

static const dz_tsig_key_t *lookup_key(void *ctx, const uint8_t *name,
				       dz_tsig_alg_t alg)
{
	const dz_tsig_key_t *key = ctx;
	(void)alg; /* a mismatch is reported by dz_tsig_verify itself */
	return dz_name_equal(name, key->name) ? key : NULL;
}

static int verify_reply(const client_opts_t *o, const uint8_t *reqmac,
			size_t reqmac_len, const uint8_t *reply, size_t len,
			client_result_t *res)
{
	dz_msg_t m;
	dz_msg_rr_t *rrs = calloc(DZ_MSG_DEFAULT_MAX_RRS, sizeof(*rrs));
	if (rrs == NULL) {
		snprintf(res->err, sizeof(res->err), "out of memory");
		return DZ_ENOMEM;
	}
	dz_msg_init(&m, rrs, DZ_MSG_DEFAULT_MAX_RRS);
	int ret = dz_msg_parse(&m, reply, len, NULL, NULL);
	size_t off = ret == DZ_OK ? dz_tsig_offset(&m) : 0;
	uint16_t rcode = ret == DZ_OK ? dz_msg_rcode(&m) : 0;
	free(rrs);
	if (ret != DZ_OK) {
		snprintf(res->err, sizeof(res->err), "malformed reply: %s",
			 dz_strerror(ret));
		return DZ_EMALF;
	}
	if (off == 0) {
		snprintf(res->err, sizeof(res->err),
			 "tsig verify failed: reply to a signed request is "
			 "not signed (rcode %s)",
			 client_rcode_str(rcode));
		return DZ_EACCES;
	}
	dz_tsig_result_t tr;
	ret = dz_tsig_verify(reply, len, off, lookup_key, (void *)o->key,
				 (uint64_t)time(NULL), reqmac, reqmac_len, &tr);
	if (ret == DZ_EACCES && tr.why == DZ_TSIG_WHY_PEER_ERROR) {
		res->tsig_error = tr.peer_error;
		return DZ_OK;
	}
	if (ret != DZ_OK) {
		snprintf(res->err, sizeof(res->err),
			 "tsig verify failed: %s (%s)",
			 client_rcode_str(tr.error != 0 ? tr.error
							: DZ_TSIG_BADSIG),
			 dz_tsig_why_str(tr.why));
		return ret == DZ_EACCES ? DZ_EACCES : ret;
	}
	res->tsig_checked = true;
	return DZ_OK;
}

/* ---- UDP ----------------------------------------------------------------- */

static uint16_t msg_id(const uint8_t *m)
{
	return (uint16_t)(m[0] << 8 | m[1]);
}

/* Wait for the reply to our ID from the server until the deadline; stray
 * packets (another ID, another source, not a response) are dropped, as an
 * off-path attacker or a late reply to an earlier try may send them. */
static int udp_recv(int fd, const client_addr_t *server, uint16_t id,
		    int64_t deadline, uint8_t *reply, size_t *len)
{
	for (;;) {
		int ret = deadline_wait_fd(fd, POLLIN, deadline);
		if (ret != DZ_OK) {
			return ret;
		}
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, reply, CLIENT_REPLY_MAX, 0,
				     (struct sockaddr *)&from, &flen);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				continue;
			}
			return dz_errno();
		}
		if (n < DZ_MSG_HDR_LEN || !addr_equal(&from, server) ||
		    msg_id(reply) != id || (reply[2] & 0x80) == 0) {
			continue;
		}
		*len = (size_t)n;
		return DZ_OK;
	}
}

static int udp_exchange(const client_opts_t *o, const client_addr_t *server,
			const uint8_t *msg, size_t len, uint8_t *reply,
			client_result_t *res)
{
	int fd;
	int ret = open_socket(o, server, SOCK_DGRAM, &fd, res->err,
			      sizeof(res->err));
	if (ret != DZ_OK) {
		return ret;
	}
	unsigned tries = o->tries != 0 ? o->tries : DEFAULT_TRIES;
	unsigned ms = o->udp_timeout_ms != 0 ? o->udp_timeout_ms
					     : DEFAULT_UDP_MS;
	ret = -ETIMEDOUT;
	for (unsigned i = 0; i < tries && ret == -ETIMEDOUT; i++) {
		res->tries = i + 1;
		if (sendto(fd, msg, len, 0, (const struct sockaddr *)&server->ss,
			   server->len) < 0) {
			ret = dz_errno();
			snprintf(res->err, sizeof(res->err), "send: %s",
				 strerror(-ret));
			break;
		}
		ret = udp_recv(fd, server, msg_id(msg), deadline_now_ms() + ms,
			       reply, &res->len);
	}
	close(fd);
	if (ret == -ETIMEDOUT) {
		snprintf(res->err, sizeof(res->err),
			 "no reply over UDP (%u tries, %u ms each)", tries, ms);
	} else if (ret != DZ_OK && res->err[0] == '\0') {
		snprintf(res->err, sizeof(res->err), "receive: %s",
			 strerror(-ret));
	}
	return ret;
}

/* ---- TCP ----------------------------------------------------------------- */

static int tcp_connect(int fd, const client_addr_t *server, int64_t deadline)
{
	if (connect(fd, (const struct sockaddr *)&server->ss, server->len) == 0) {
		return DZ_OK;
	}
	if (errno != EINPROGRESS) {
		return dz_errno();
	}
	int ret = deadline_wait_fd(fd, POLLOUT, deadline);
	if (ret != DZ_OK) {
		return ret;
	}
	int soerr = 0;
	socklen_t sl = sizeof(soerr);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0) {
		return dz_errno();
	}
	return soerr != 0 ? -soerr : DZ_OK;
}

static int tcp_write_all(int fd, const uint8_t *p, size_t n, int64_t deadline)
{
	while (n > 0) {
		int ret = deadline_wait_fd(fd, POLLOUT, deadline);
		if (ret != DZ_OK) {
			return ret;
		}
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				continue;
			}
			return dz_errno();
		}
		p += w;
		n -= (size_t)w;
	}
	return DZ_OK;
}

static int tcp_read_all(int fd, uint8_t *p, size_t n, int64_t deadline)
{
	while (n > 0) {
		int ret = deadline_wait_fd(fd, POLLIN, deadline);
		if (ret != DZ_OK) {
			return ret;
		}
		ssize_t r = recv(fd, p, n, 0);
		if (r == 0) {
			return DZ_ETRUNC;
		}
		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR) {
				continue;
			}
			return dz_errno();
		}
		p += r;
		n -= (size_t)r;
	}
	return DZ_OK;
}

/* Length-prefixed request and reply (RFC 1035 §4.2.2, RFC 7766 §8). */
static int tcp_talk(int fd, const client_addr_t *server, const uint8_t *msg,
		    size_t len, uint8_t *reply, size_t *rlen, int64_t deadline)
{
	uint8_t hdr[2] = {(uint8_t)(len >> 8), (uint8_t)len};
	int ret = tcp_connect(fd, server, deadline);
	if (ret == DZ_OK) {
		ret = tcp_write_all(fd, hdr, 2, deadline);
	}
	if (ret == DZ_OK) {
		ret = tcp_write_all(fd, msg, len, deadline);
	}
	while (ret == DZ_OK) {
		ret = tcp_read_all(fd, hdr, 2, deadline);
		size_t n = (size_t)hdr[0] << 8 | hdr[1];
		if (ret == DZ_OK) {
			ret = tcp_read_all(fd, reply, n, deadline);
		}
		/* Another ID on the stream is not ours to answer: skip it. */
		if (ret == DZ_OK && n >= DZ_MSG_HDR_LEN &&
		    msg_id(reply) == msg_id(msg)) {
			*rlen = n;
			return DZ_OK;
		}
	}
	return ret;
}

static int tcp_exchange(const client_opts_t *o, const client_addr_t *server,
			const uint8_t *msg, size_t len, uint8_t *reply,
			client_result_t *res)
{
	int fd;
	int ret = open_socket(o, server, SOCK_STREAM, &fd, res->err,
			      sizeof(res->err));
	if (ret != DZ_OK) {
		return ret;
	}
	unsigned ms = o->tcp_timeout_ms != 0 ? o->tcp_timeout_ms
					     : DEFAULT_TCP_MS;
	ret = tcp_talk(fd, server, msg, len, reply, &res->len,
		       deadline_now_ms() + ms);
	close(fd);
	res->tcp = true;
	if (ret == -ETIMEDOUT) {
		snprintf(res->err, sizeof(res->err),
			 "no reply over TCP within %u ms", ms);
	} else if (ret == DZ_ETRUNC) {
		snprintf(res->err, sizeof(res->err),
			 "TCP connection closed before a reply");
	} else if (ret != DZ_OK) {
		snprintf(res->err, sizeof(res->err), "TCP: %s", strerror(-ret));
	}
	return ret;
}

/* ---- the exchange -------------------------------------------------------- */

int client_exchange(const client_opts_t *opts, const client_addr_t *server,
		    uint8_t *msg, size_t len, size_t cap, uint8_t *reply,
		    client_result_t *res)
{
	uint8_t mac[DZ_TSIG_MAC_MAX];
	size_t mac_len = 0;
	memset(res, 0, sizeof(*res));
	if (opts->key != NULL) {
		uint16_t fudge = opts->fudge != 0 ? opts->fudge
						  : DZ_TSIG_FUDGE_DEFAULT;
		int ret = dz_tsig_sign(msg, &len, cap, opts->key,
				       (uint64_t)time(NULL), fudge, NULL, 0, 0,
				       NULL, 0, mac, &mac_len);
		if (ret != DZ_OK) {
			snprintf(res->err, sizeof(res->err), "tsig sign: %s",
				 dz_strerror(ret));
			return ret;
		}
	}
	int ret;
	if (opts->tcp) {
		ret = tcp_exchange(opts, server, msg, len, reply, res);
	} else {
		ret = udp_exchange(opts, server, msg, len, reply, res);
		/* RFC 2136 §3.8 / RFC 1035 §4.2.1: a truncated reply means
		 * ask again over TCP. */
		if (ret == DZ_OK && (reply[2] & 0x02) != 0) {
			unsigned tries = res->tries;
			ret = tcp_exchange(opts, server, msg, len, reply, res);
			res->tries = tries;
			res->truncated_udp = true;
		}
	}
	if (ret == DZ_OK && opts->key != NULL) {
		ret = verify_reply(opts, mac, mac_len, reply, res->len, res);
	}
	return ret;
}
