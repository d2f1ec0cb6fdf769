/* SPDX-License-Identifier: BSD-3-Clause */
/* dynzoned: command line, start-up order (config, log, bind, control, privileges, zones, pid file, serve), reload and stop. */
#include "server/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "server/dispatch.h"
#include "server/log/log.h"
#include "server/notify/notify.h"
#include "server/xfrin/xfrin.h"

#ifndef DZ_VERSION
#define DZ_VERSION "unknown"
#endif

typedef struct {
	const char *conf_path;
	const char *pid_file;
	bool check;
} options_t;

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, OPTS_DONE = -1 };

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: dynzoned [-c FILE] [--check] [-p PIDFILE] [-V] [-h]\n\n"
	        "  -c FILE     run the configuration FILE (default: the built-in\n"
	        "              example: example.test. on 127.0.0.1@5353 and\n"
	        "              ::1@5353, data in ./dynzone-data/)\n"
	        "  --check     validate the configuration and every zone file,\n"
	        "              print errors as FILE:LINE: message, and exit\n"
	        "  -p PIDFILE  write the process id there (overrides\n"
	        "              server.pid-file)\n"
	        "  -V          print the version\n");
}

/* Returns OPTS_DONE to go on, else an exit status. */
static int parse_options(int argc, char **argv, options_t *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_arg = i + 1 < argc;
		if (strcmp(a, "-c") == 0 && has_arg) {
			o->conf_path = argv[++i];
		} else if (strcmp(a, "-p") == 0 && has_arg) {
			o->pid_file = argv[++i];
		} else if (strcmp(a, "--check") == 0) {
			o->check = true;
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("dynzoned %s\n", DZ_VERSION);
			return EXIT_OK;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return EXIT_OK;
		} else {
			fprintf(stderr, "dynzoned: bad argument '%s'\n", a);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	return OPTS_DONE;
}

static int load_conf(const char *path, conf_t **out, char *errbuf)
{
	return path != NULL ? conf_load(path, out, errbuf)
	                    : conf_default(out, errbuf);
}

/* ===== --check ============================================================ */

/* Every zone with a file is parsed and checked as the daemon would. */
static int check_zones(const conf_t *conf)
{
	int status = EXIT_OK;
	for (size_t i = 0; i < conf->nzones; i++) {
		const conf_zone_t *zc = &conf->zones[i];
		if (zc->role == CONF_ROLE_SECONDARY &&
		    access(zc->path, F_OK) != 0) {
			continue; /* not transferred yet: nothing to check */
		}
		dz_zone_t *zone = NULL;
		zone_error_t err;
		if (zone_load_file(zc->path, zc->domain, &zone, &err) != DZ_OK) {
			char name[DZ_NAME_MAXSTR];
			(void)dz_name_to_str(name, sizeof(name), zc->domain);
			fprintf(stderr, "%s:%u:%u: zone %s: %s\n", err.file,
			        err.line, err.column, name, err.msg);
			status = EXIT_FAIL;
			continue;
		}
		dz_zone_unref(zone);
	}
	return status;
}

static int run_check(const options_t *o)
{
	char errbuf[CONF_ERRBUF_SIZE];
	conf_t *conf = NULL;
	if (load_conf(o->conf_path, &conf, errbuf) != DZ_OK) {
		fprintf(stderr, "%s\n", errbuf);
		return EXIT_FAIL;
	}
	int status = check_zones(conf);
	if (status == EXIT_OK) {
		printf("%s: OK\n", conf->source);
	}
	conf_free(conf);
	return status;
}

/* ===== logging ============================================================= */

static int apply_log_conf(const conf_t *conf)
{
	log_target_t t[16];
	size_t n = conf->nlogs < 16 ? conf->nlogs : 16;
	for (size_t i = 0; i < n; i++) {
		const conf_log_t *l = &conf->logs[i];
		t[i] = (log_target_t){
		        .kind = l->target == CONF_LOG_FILE     ? LOG_TARGET_FILE
		                : l->target == CONF_LOG_SYSLOG ? LOG_TARGET_SYSLOG
		                                               : LOG_TARGET_STDERR,
		        .path = l->path,
		        .format = l->format == CONF_LOG_JSON ? LOG_FORMAT_JSON
		                                             : LOG_FORMAT_TEXT,
		        /* conf and log order levels and categories alike. */
		        .level = (log_level_t)l->level,
		        .categories = l->categories & LOG_CAT_ALL,
		};
	}
	return log_set_targets(t, n);
}

/* ===== start-up steps ====================================================== */

static void addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)ss;
		inet_ntop(AF_INET, &s->sin_addr, host, sizeof(host));
		port = ntohs(s->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)ss;
		inet_ntop(AF_INET6, &s->sin6_addr, host, sizeof(host));
		port = ntohs(s->sin6_port);
	}
	snprintf(buf, len, "%s#%u", host, port);
}

static void fail(const char *step, int err)
{
	log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, NULL, NULL,
	          "server-start-failed", "step=%s err=%s", step,
	          dz_strerror(err));
}

/* The built-in configuration serves a zone file it writes itself. */
static int prepare_example(const server_t *srv)
{
	if (srv->conf_path != NULL || srv->conf->nzones == 0) {
		return DZ_OK;
	}
	bool written = false;
	const char *path = srv->conf->zones[0].path;
	int ret = zones_write_example(path, &written);
	if (ret != DZ_OK) {
		fail("example-zone", ret);
	}
	return ret;
}

static int start_net(server_t *srv)
{
	const conf_server_t *cs = &srv->conf->server;
	net_config_t nc = {
	        .handler = dispatch_handle,
	        .ctx = srv,
	        .worker_init = dispatch_worker_init,
	        .worker_fini = dispatch_worker_fini,
	        .thread_hook = dispatch_thread_hook,
	        .udp_workers = srv->udp_workers,
	        .tcp_idle_ms = cs->tcp_idle_timeout * 1000u,
	        .tcp_max_conns = cs->tcp_max_clients,
	        .udp_max_payload = cs->udp_max_payload,
	        .xdp_interface = cs->xdp_interface,
	        .xdp_queues = srv->xdp_queues,
	};
	int ret = net_new(&srv->loop, &nc, &srv->net);
	if (ret != DZ_OK) {
		fail("net", ret);
		return ret;
	}
	update_ctx_set_net(srv->update, srv->net);
	char err[256] = "";
	ret = net_bind(srv->net, cs->listen, cs->nlisten, err, sizeof(err));
	if (ret != DZ_OK) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, NULL, NULL,
		          "listen-failed", "address=%s err=%s",
		          err[0] != '\0' ? err : "-", dz_strerror(ret));
	}
	return ret;
}

static int start_ctl(server_t *srv)
{
	const char *path = srv->conf->server.control;
	int ret = ctl_new(&srv->loop, path, &srv->ctl);
	if (ret == DZ_OK) {
		ret = dispatch_ctl_register(srv);
	}
	if (ret == DZ_OK) {
		ret = ctl_start(srv->ctl);
	}
	if (ret != DZ_OK) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, NULL, NULL,
		          "listen-failed", "address=%s err=%s", path,
		          dz_strerror(ret));
	}
	return ret;
}

/* After binding: ports below 1024 need root only for bind(2). */
static int drop_privileges(const server_t *srv)
{
	const char *user = srv->conf->server.user;
	if (user == NULL) {
		return DZ_OK;
	}
	errno = 0;
	struct passwd *pw = getpwnam(user);
	if (pw == NULL) {
		fail("user", errno != 0 ? dz_errno() : DZ_ENOENT);
		return DZ_ENOENT;
	}
	if (initgroups(user, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		int ret = dz_errno();
		fail("user", ret);
		return ret;
	}
	log_event(LOG_LEVEL_NOTICE, LOG_CAT_GENERAL, NULL, NULL,
	          "privileges-dropped", "user=%s uid=%u gid=%u", user,
	          (unsigned)pw->pw_uid, (unsigned)pw->pw_gid);
	return DZ_OK;
}

static int write_pid_file(server_t *srv)
{
	if (srv->pid_file == NULL) {
		return DZ_OK;
	}
	FILE *f = fopen(srv->pid_file, "we");
	if (f == NULL) {
		int ret = dz_errno();
		fail("pid-file", ret);
		return ret;
	}
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0) {
		int ret = dz_errno();
		fail("pid-file", ret);
		return ret;
	}
	srv->pid_written = true;
	return DZ_OK;
}

/* ===== signals, reload, stop ============================================== */

int server_reload(server_t *srv, char *errbuf)
{
	conf_t *conf = NULL;
	int ret = load_conf(srv->conf_path, &conf, errbuf);
	if (ret != DZ_OK) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, NULL, NULL,
		          "config-reload-failed", "err=%s msg=%s",
		          dz_strerror(ret), errbuf);
		return ret;
	}
	/* Listen addresses, workers, user and control path need a restart;
	 * log targets, zones and their options change now. */
	(void)apply_log_conf(conf); /* on failure the old targets stay */
	ret = zones_configure(srv->zones, conf, false);
	if (ret != DZ_OK) {
		snprintf(errbuf, CONF_ERRBUF_SIZE, "%s", dz_strerror(ret));
		conf_free(conf);
		return ret;
	}
	(void)update_keys_set(srv->update, conf); /* ENOMEM: old keys stay */
	/* Receiving threads read the configuration online (RCU): publish
	 * the new one, wait a grace period, then free the old one. */
	conf_t *old = srv->conf;
	__atomic_store_n(&srv->conf, conf, __ATOMIC_RELEASE);
	zones_synchronize();
	conf_free(old); /* the zones now point into the new one */
	xfrin_reconfigure(srv); /* secondary zones added or removed */
	log_event(LOG_LEVEL_INFO, LOG_CAT_GENERAL, NULL, NULL,
	          "config-reloaded", "config=%s zones=%zu",
	          srv->conf_path != NULL ? srv->conf_path : "embedded",
	          conf->nzones);
	return DZ_OK;
}

void server_stop(server_t *srv, const char *reason)
{
	if (srv->stopping) {
		return;
	}
	srv->stopping = true;
	log_event(LOG_LEVEL_NOTICE, LOG_CAT_GENERAL, NULL, NULL,
	          "server-stopping", "reason=%s", reason);
	for (unsigned i = 0; i < srv->nsigs; i++) {
		uv_close((uv_handle_t *)&srv->sigs[i], NULL);
	}
	if (srv->ctl != NULL) {
		ctl_close(srv->ctl, NULL, NULL);
		srv->ctl = NULL;
	}
	net_stop(srv->net); /* UDP workers joined, TCP closed: drained */
	/* Writers finish their queues; their answers are dropped (the layer
	 * is stopped) and the handles released. */
	zones_stop_writers(srv->zones);
	notify_shutdown(srv); /* no writer is left to call it */
	xfrin_shutdown(srv);  /* nor to finish a transfer */
	update_ctx_close(srv->update);
}

static void on_signal(uv_signal_t *h, int signum)
{
	server_t *srv = h->data;
	if (signum != SIGHUP) {
		server_stop(srv, "signal");
		return;
	}
	char errbuf[CONF_ERRBUF_SIZE];
	(void)server_reload(srv, errbuf); /* logged */
	(void)log_reopen();               /* logged */
}

static int start_signals(server_t *srv)
{
	static const int signums[] = {SIGTERM, SIGINT, SIGHUP};
	signal(SIGPIPE, SIG_IGN); /* a closed TCP peer is an EPIPE, not death */
	for (unsigned i = 0; i < 3; i++) {
		uv_signal_t *h = &srv->sigs[i];
		int ret = uv_signal_init(&srv->loop, h);
		if (ret != 0) {
			return ret;
		}
		srv->nsigs++;
		h->data = srv;
		ret = uv_signal_start(h, on_signal, signums[i]);
		if (ret != 0) {
			return ret;
		}
	}
	return DZ_OK;
}

/* ===== the whole run ======================================================= */

/* The first character of a small /proc or /sys file, '\0' if unreadable. */
static char read_flag(const char *dir, const char *ifname, const char *file)
{
	char path[128], buf[16] = "";
	snprintf(path, sizeof(path), "%s/%s/%s", dir, ifname, file);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		return '\0';
	}
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (strncmp(buf, "0x", 2) == 0) { /* /sys/class/net/IF/flags */
		return (char)((strtoul(buf, NULL, 16) & IFF_LOOPBACK) ? 'L'
		                                                      : '-');
	}
	return buf[0];
}

/*
 * An answer sent through AF_XDP on a loopback interface arrives with no
 * route attached, so the kernel routes it like a received packet, and
 * drops 127.0.0.0/8 from and to itself as martian unless route_localnet
 * and accept_local are on for the interface. Say so: otherwise every
 * IPv4 answer silently disappears.
 */
static void xdp_check_loopback(const server_t *srv)
{
	const char *ifname = srv->conf->server.xdp_interface;
	static const char conf[] = "/proc/sys/net/ipv4/conf";
	if (read_flag("/sys/class/net", ifname, "flags") != 'L') {
		return;
	}
	char rl = read_flag(conf, ifname, "route_localnet");
	char al = read_flag(conf, ifname, "accept_local");
	if (rl != '1' || al != '1') {
		log_event(LOG_LEVEL_WARNING, LOG_CAT_GENERAL, NULL, NULL,
		          "xdp-loopback-unroutable",
		          "interface=%s route_localnet=%c accept_local=%c "
		          "fix=sysctl -w net.ipv4.conf.%s.route_localnet=1 "
		          "net.ipv4.conf.%s.accept_local=1",
		          ifname, rl != '\0' ? rl : '?', al != '\0' ? al : '?',
		          ifname, ifname);
	}
}

static void log_started(const server_t *srv)
{
	char list[512] = "", one[INET6_ADDRSTRLEN + 16];
	struct sockaddr_storage ss;
	for (size_t i = 0; net_bound_addr(srv->net, i, &ss) == DZ_OK; i++) {
		addr_str(&ss, one, sizeof(one));
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s",
		         i > 0 ? "," : "", one);
	}
	log_event(LOG_LEVEL_NOTICE, LOG_CAT_GENERAL, NULL, NULL,
	          "server-started",
	          "version=%s pid=%ld config=%s listen=%s zones=%zu workers=%u",
	          DZ_VERSION, (long)getpid(),
	          srv->conf_path != NULL ? srv->conf_path : "embedded", list,
	          srv->conf->nzones, srv->udp_workers);
	unsigned queues = 0;
	bool generic = false;
	if (net_xdp_info(srv->net, &queues, &generic) == DZ_OK) {
		log_event(LOG_LEVEL_NOTICE, LOG_CAT_GENERAL, NULL, NULL,
		          "xdp-started", "interface=%s queues=%u mode=%s",
		          srv->conf->server.xdp_interface, queues,
		          generic ? "generic" : "native");
		xdp_check_loopback(srv);
	}
	if (srv->conf->nzones == 0 || net_bound_addr(srv->net, 0, &ss) != 0) {
		return;
	}
	char zone[DZ_NAME_MAXSTR], host[INET6_ADDRSTRLEN] = "127.0.0.1";
	int zlen = dz_name_to_str(zone, sizeof(zone), srv->conf->zones[0].domain);
	if (zlen > 1) {
		zone[zlen - 1] = '\0'; /* as people type it: example.test */
	}
	const void *a = ss.ss_family == AF_INET
	                        ? (const void *)&((struct sockaddr_in *)&ss)->sin_addr
	                        : (const void *)&((struct sockaddr_in6 *)&ss)->sin6_addr;
	inet_ntop(ss.ss_family, a, host, sizeof(host));
	unsigned port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	char dig[DZ_NAME_MAXSTR + 96];
	snprintf(dig, sizeof(dig), "dig @%s -p %u %s SOA", host, port, zone);
	log_event(LOG_LEVEL_NOTICE, LOG_CAT_GENERAL, NULL, NULL, "hint",
	          "try=%s", dig);
}

/* One AF_XDP thread per receive queue of server.xdp-interface. */
static int xdp_queue_count(server_t *srv)
{
	const char *ifname = srv->conf->server.xdp_interface;
	srv->xdp_queues = 0;
	if (ifname == NULL) {
		return DZ_OK;
	}
	int n = net_xdp_queues(ifname);
	if (n < 0) {
		log_event(LOG_LEVEL_ERROR, LOG_CAT_GENERAL, NULL, NULL,
		          "listen-failed", "address=xdp:%s err=%s", ifname,
		          dz_strerror(n));
		return n;
	}
	srv->xdp_queues = (unsigned)n;
	return DZ_OK;
}

static int server_init(server_t *srv)
{
	unsigned n = srv->conf->server.workers;
	srv->udp_workers = n > 0 ? n : 1;
	int ret = xdp_queue_count(srv);
	if (ret != DZ_OK) {
		return ret;
	}
	srv->nthreads = srv->udp_workers + 1 + srv->xdp_queues;
	srv->workers = calloc(srv->nthreads, sizeof(*srv->workers));
	if (srv->workers == NULL ||
	    stats_new(srv->nthreads, &srv->stats) != DZ_OK ||
	    zones_new(srv->nthreads, &srv->zones) != DZ_OK) {
		fail("memory", DZ_ENOMEM);
		return DZ_ENOMEM;
	}
	srv->env = (query_env_t){.find_zone = dispatch_find_zone,
	                         .ctx = srv,
	                         .udp_max_payload =
	                                 srv->conf->server.udp_max_payload,
	                         .tsig_verify = dispatch_tsig_verify,
	                         .tsig_sign = dispatch_tsig_sign};
	ret = uv_loop_init(&srv->loop);
	if (ret != 0) {
		fail("loop", ret);
		return ret;
	}
	srv->loop_ready = true;
	/* Updates: primary zones get a writer and a journal at load. */
	ret = update_ctx_new(&srv->loop, NULL, &srv->update);
	if (ret == DZ_OK) {
		ret = update_keys_set(srv->update, srv->conf);
	}
	if (ret != DZ_OK) {
		fail("update", ret);
		return ret;
	}
	zones_set_update(srv->zones, srv->update);
	return DZ_OK;
}

static int server_start(server_t *srv)
{
	int ret = server_init(srv);
	if (ret != DZ_OK) {
		return ret;
	}
	if ((ret = start_net(srv)) != DZ_OK || (ret = start_ctl(srv)) != DZ_OK ||
	    (ret = drop_privileges(srv)) != DZ_OK) {
		return ret;
	}
	/* Zones load as server.user: the journals, zone files and bases it
	 * creates are its own, and `data-dir-unwritable` is judged with its
	 * rights - a journal opened as root would hide the fault until the
	 * next restart. Nothing is answered before net_start(). */
	if ((ret = prepare_example(srv)) != DZ_OK) {
		return ret;
	}
	ret = zones_configure(srv->zones, srv->conf, true);
	if (ret != DZ_OK) {
		fail("zones", ret);
		return ret;
	}
	if ((ret = write_pid_file(srv)) != DZ_OK) {
		return ret;
	}
	/* Signals first: once a UDP worker answers, a client (a test, an
	 * init system) may send SIGTERM or SIGHUP at once, and their
	 * default action would kill the daemon. */
	if ((ret = start_signals(srv)) != DZ_OK ||
	    (ret = net_start(srv->net)) != DZ_OK) {
		fail("start", ret);
		return ret;
	}
	if ((ret = notify_init(srv)) != DZ_OK) { /* after the listeners */
		fail("notify", ret);
		return ret;
	}
	if ((ret = xfrin_init(srv)) != DZ_OK) { /* after zones and ctl */
		fail("xfrin", ret);
		return ret;
	}
	log_started(srv);
	return DZ_OK;
}

/* Close what is still open and let libuv finish every close. */
static void server_teardown(server_t *srv)
{
	if (srv->ctl != NULL) {
		ctl_close(srv->ctl, NULL, NULL);
		srv->ctl = NULL;
	}
	if (srv->loop_ready) {
		for (unsigned i = 0; i < srv->nsigs && !srv->stopping; i++) {
			uv_close((uv_handle_t *)&srv->sigs[i], NULL);
		}
		if (srv->net != NULL) {
			net_stop(srv->net);
		}
		if (srv->zones != NULL) {
			zones_stop_writers(srv->zones);
		}
		notify_shutdown(srv);
		xfrin_shutdown(srv);
		update_ctx_close(srv->update);
		uv_run(&srv->loop, UV_RUN_DEFAULT);
		net_free(srv->net);
		(void)uv_loop_close(&srv->loop);
	}
	if (srv->pid_written) {
		(void)unlink(srv->pid_file); /* may fail after dropping root */
	}
	zones_free(srv->zones);
	update_ctx_free(srv->update);
	stats_free(srv->stats);
	free(srv->workers);
	conf_free(srv->conf);
}

int server_run(int argc, char **argv)
{
	options_t o = {0};
	int st = parse_options(argc, argv, &o);
	if (st != OPTS_DONE) {
		return st;
	}
	if (o.check) {
		return run_check(&o);
	}
	server_t srv = {.conf_path = o.conf_path};
	char errbuf[CONF_ERRBUF_SIZE];
	if (load_conf(o.conf_path, &srv.conf, errbuf) != DZ_OK) {
		fprintf(stderr, "dynzoned: %s\n", errbuf);
		return EXIT_FAIL;
	}
	srv.pid_file = o.pid_file != NULL ? o.pid_file
	                                  : srv.conf->server.pid_file;
	log_open_default();
	(void)apply_log_conf(srv.conf); /* on failure: stderr, logged */
	/* This thread reads the zone table for TCP queries: registered, but
	 * offline whenever it is not answering one. */
	zones_thread_register();
	zones_thread_offline();
	int ret = server_start(&srv);
	if (ret == DZ_OK) {
		uv_run(&srv.loop, UV_RUN_DEFAULT);
	}
	server_teardown(&srv);
	zones_thread_unregister();
	if (ret == DZ_OK) {
		log_event(LOG_LEVEL_NOTICE, LOG_CAT_GENERAL, NULL, NULL,
		          "server-stopped", NULL);
	}
	log_close();
	return ret == DZ_OK ? EXIT_OK : EXIT_FAIL;
}
