/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone demo`: free ports, the generated configurations and zone, starting and stopping both dynzoned. */

#include "tools/demo/demo_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "tools/common/msg.h"

/* ---- ports --------------------------------------------------------------- */

/* Bind a socket of \p type to addr:port; the port it got, or -errno. */
static int try_bind(const char *addr, uint16_t port, int type, int *fd_out)
{
	struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
	                         .ai_socktype = type};
	struct addrinfo *ai = NULL;
	char ps[8];
	snprintf(ps, sizeof(ps), "%u", (unsigned)port);
	if (getaddrinfo(addr, ps, &hints, &ai) != 0) {
		return DZ_ESYNTAX;
	}
	int fd = socket(ai->ai_family, type | SOCK_CLOEXEC, 0);
	int ret = fd < 0 ? -errno : DZ_OK;
	if (ret == DZ_OK && bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		ret = -errno;
	}
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (ret == DZ_OK &&
	    getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		ret = -errno;
	}
	freeaddrinfo(ai);
	if (ret != DZ_OK) {
		if (fd >= 0) {
			close(fd);
		}
		return ret;
	}
	*fd_out = fd;
	return ss.ss_family == AF_INET6
	               ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
	               : ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* DZ_OK when \p port (0: any) is free for UDP and TCP on \p addr; the port. */
static int port_free(const char *addr, uint16_t port, uint16_t *got)
{
	int tfd = -1, ufd = -1;
	int p = try_bind(addr, port, SOCK_STREAM, &tfd);
	if (p < 0) {
		return p;
	}
	int u = try_bind(addr, (uint16_t)p, SOCK_DGRAM, &ufd);
	close(tfd);
	if (u < 0) {
		return u;
	}
	close(ufd);
	*got = (uint16_t)p;
	return DZ_OK;
}

/* A port free on both addresses (they may be the same: then two ports). */
static int pick(demo_t *d, uint16_t want)
{
	demo_server_t *p = DEMO_PRIMARY(d), *s = DEMO_SECONDARY(d);
	bool same = strcmp(p->addr, s->addr) == 0;
	for (int i = 0; i < 50; i++) {
		uint16_t a, b;
		int ret = port_free(p->addr, want, &a);
		if (ret != DZ_OK) {
			return ret;
		}
		uint16_t second = same ? (want ? (uint16_t)(want + 1) : 0) : a;
		ret = port_free(s->addr, second, &b);
		if (ret == DZ_OK && (!same || a != b)) {
			p->port = a;
			s->port = b;
			return DZ_OK;
		}
		if (want != 0 || ret == -EADDRNOTAVAIL) {
			return ret == DZ_OK ? -EADDRINUSE : ret;
		}
	}
	return -EADDRINUSE;
}

int demo_pick_ports(demo_t *d, uint16_t want_port)
{
	demo_server_t *s = DEMO_SECONDARY(d);
	int ret = pick(d, want_port);
	if (ret == -EADDRNOTAVAIL) {
		/* This host cannot bind the second address (not Linux, or a
		 * 127/8 range that is not all local): one address, two ports.
		 */
		msg_warning("cannot use %s (%s): both servers on %s", s->addr,
		            dz_strerror(ret), DEMO_PRIMARY(d)->addr);
		snprintf(s->addr, sizeof(s->addr), "%s", DEMO_PRIMARY(d)->addr);
		ret = pick(d, want_port);
	}
	for (int i = 0; ret == DZ_OK && i < 2; i++) {
		ret = client_addr_parse(d->srv[i].addr, NULL, d->srv[i].port,
		                        &d->srv[i].ca);
	}
	return ret;
}

/* ---- files --------------------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		return -errno;
	}
	int ok = fputs(text, f) >= 0;
	ok = fclose(f) == 0 && ok;
	return ok ? DZ_OK : -EIO;
}

/*
 * The zone as a newcomer would write it: the primary is ns1 and the MNAME,
 * the secondary ns2, both with glue. The SOA timers are the usual ones:
 * the demo relies on NOTIFY, not on the refresh timer.
 */
static int write_zone(const demo_t *d)
{
	char path[PATH_MAX + 32], text[1024];
	snprintf(path, sizeof(path), "%s/demo.test.zone", DEMO_PRIMARY(d)->dir);
	snprintf(text, sizeof(text),
	         "; dynzone demo: the zone the primary serves and updates\n"
	         "$ORIGIN demo.test.\n$TTL 300\n"
	         "@    IN SOA ns1 hostmaster 1 3600 600 1209600 300\n"
	         "     IN NS  ns1\n     IN NS  ns2\n"
	         "ns1  IN %s %s\nns2  IN %s %s\n",
	         strchr(DEMO_PRIMARY(d)->addr, ':') ? "AAAA" : "A",
	         DEMO_PRIMARY(d)->addr,
	         strchr(DEMO_SECONDARY(d)->addr, ':') ? "AAAA" : "A",
	         DEMO_SECONDARY(d)->addr);
	return write_file(path, text);
}

/* server:, log: and key: - the same shape for both servers. */
static int common_conf(const demo_t *d, const demo_server_t *s,
                       const char *identity, char *buf, size_t len)
{
	const demo_server_t *p = DEMO_PRIMARY(d);
	int n = snprintf(
	        buf, len,
	        "# dynzone demo: the %s (generated)\n"
	        "server:\n"
	        "  listen: [\"%s@%u\"]\n"
	        "  identity: %s\n"
	        "  data-dir: \"%s\"\n"
	        "  control: \"%s/control.sock\"\n"
	        "  workers: 1\n"
	        "  # names are resolved by the primary itself: the demo never\n"
	        "  # asks the system's resolver\n"
	        "  resolver: [\"%s@%u\"]\n"
	        "log:\n"
	        "  - target: \"%s\"\n"
	        "    format: json\n"
	        "    level: info\n"
	        "    categories: [general, update, notify, xfr-in, xfr-out,"
	        " security, control]\n"
	        "key:\n"
	        "  - id: " DEMO_KEY_NAME "\n"
	        "    algorithm: hmac-sha256\n"
	        "    secret: %s\n",
	        s->label, s->addr, (unsigned)s->port, identity, s->dir, s->dir,
	        p->addr, (unsigned)p->port, s->log, d->secret);
	return n > 0 && (size_t)n < len ? n : DZ_ESPACE;
}

/*
 * A server's configuration: common_conf(), its one remote (the other server,
 * with the key, reached from this server's address), then \p tail (acl:,
 * zone:) into \p buf.
 *
 * `via` makes NOTIFY and transfers leave from the address the peer knows
 * this server by (on loopback the kernel would pick 127.0.0.1).
 */
static int build_conf(const demo_t *d, const demo_server_t *self,
                      const char *identity, const char *remote_id,
                      const demo_server_t *peer, const char *tail, char *buf,
                      size_t len)
{
	int n = common_conf(d, self, identity, buf, len);
	if (n < 0) {
		return n;
	}
	int m = snprintf(buf + n, len - (size_t)n,
	                 "remote:\n"
	                 "  - id: %s\n"
	                 "    address: [\"%s@%u\"]\n"
	                 "    key: " DEMO_KEY_NAME "\n"
	                 "    via: \"%s\"\n"
	                 "%s",
	                 remote_id, peer->addr, (unsigned)peer->port, self->addr,
	                 tail);
	return m >= 0 && (size_t)m < len - (size_t)n ? DZ_OK : DZ_ESPACE;
}

/*
 * NOTIFY goes to the secondary as a remote with its port: NS hosts are
 * notified on port 53, and the demo's servers listen on a high port.
 */
static int write_primary(const demo_t *d)
{
	const demo_server_t *p = DEMO_PRIMARY(d), *s = DEMO_SECONDARY(d);
	char text[4096];
	int ret = build_conf(d, p, "ns1.demo.test.", "secondary", s,
	                     "acl:\n"
	                     "  - id: demo-key\n"
	                     "    key: [" DEMO_KEY_NAME "]\n"
	                     "    action: [update, transfer]\n"
	                     "zone:\n"
	                     "  - domain: " DEMO_ZONE "\n"
	                     "    file: demo.test.zone\n"
	                     "    role: primary\n"
	                     "    acl: [demo-key]\n"
	                     "    notify: [secondary]\n"
	                     "    notify-ns: false\n",
	                     text, sizeof(text));
	if (ret == DZ_OK) {
		ret = write_zone(d);
	}
	return ret == DZ_OK ? write_file(p->conf, text) : ret;
}

/* notify-ns stays on: ns1 is the MNAME (the primary, RFC 1996 §2) and ns2
 * is this server's identity, so both are left out. */
static int write_secondary(const demo_t *d)
{
	const demo_server_t *p = DEMO_PRIMARY(d), *s = DEMO_SECONDARY(d);
	char text[4096];
	int ret = build_conf(d, s, "ns2.demo.test.", "primary", p,
	                     "zone:\n"
	                     "  - domain: " DEMO_ZONE "\n"
	                     "    file: demo.test.zone\n"
	                     "    role: secondary\n"
	                     "    primaries: [primary]\n",
	                     text, sizeof(text));
	return ret == DZ_OK ? write_file(s->conf, text) : ret;
}

static int make_key(demo_t *d)
{
	uint8_t raw[32];
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		return -EIO;
	}
	int n = dz_base64_encode(d->secret, sizeof(d->secret), raw,
	                         sizeof(raw));
	if (n < 0) {
		return n;
	}
	return dz_tsig_key_init(&d->key, DEMO_KEY_NAME, "hmac-sha256",
	                        d->secret);
}

static int set_paths(demo_server_t *s, const char *root)
{
	int n = snprintf(s->dir, sizeof(s->dir), "%s/%s", root, s->label);
	if (n < 0 || (size_t)n + 20 >= sizeof(s->dir)) {
		return DZ_ESPACE;
	}
	snprintf(s->conf, sizeof(s->conf), "%s/dynzoned.yaml", s->dir);
	snprintf(s->log, sizeof(s->log), "%s/dynzoned.log", s->dir);
	snprintf(s->out, sizeof(s->out), "%s/dynzoned.out", s->dir);
	return mkdir(s->dir, 0700) == 0 ? DZ_OK : -errno;
}

int demo_write_files(demo_t *d)
{
	int ret = make_key(d);
	for (int i = 0; ret == DZ_OK && i < 2; i++) {
		ret = set_paths(&d->srv[i], d->root);
	}
	if (ret == DZ_OK) {
		ret = write_primary(d);
	}
	return ret == DZ_OK ? write_secondary(d) : ret;
}

/* ---- processes ----------------------------------------------------------- */

int demo_start(demo_t *d, demo_server_t *s)
{
	int out = open(s->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		return -errno;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int err = -errno;
		close(out);
		return err;
	}
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
		    dup2(out, 2) < 0 || chdir(s->dir) != 0) {
			_exit(127);
		}
		char *args[] = {d->daemon, "-c", s->conf, NULL};
		execv(d->daemon, args);
		_exit(127);
	}
	close(out);
	s->pid = pid;
	s->exited = false;
	return DZ_OK;
}

bool demo_alive(demo_server_t *s)
{
	if (s->pid <= 0) {
		return false;
	}
	int status;
	pid_t r = waitpid(s->pid, &status, WNOHANG);
	if (r == s->pid) {
		s->exited = true;
		s->status = status;
		s->pid = 0;
		return false;
	}
	return true;
}

void demo_stop(demo_server_t *s)
{
	if (!demo_alive(s)) {
		return;
	}
	(void)kill(s->pid, SIGTERM); /* by PID: only the process we started */
	int64_t deadline = demo_mono_ms() + 10000;
	while (demo_alive(s)) {
		if (demo_mono_ms() > deadline) {
			msg_warning("%s (pid %d) did not stop: killed",
			            s->label, (int)s->pid);
			(void)kill(s->pid, SIGKILL);
			(void)waitpid(s->pid, NULL, 0);
			s->pid = 0;
			return;
		}
		struct timespec ts = {0, 5 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path); /* best effort: a leftover is harmless in /tmp */
	return 0;
}

void demo_remove_tree(const char *root)
{
	(void)nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
