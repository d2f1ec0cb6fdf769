/* SPDX-License-Identifier: BSD-3-Clause */
/* `dynzone demo`: options, then start both servers, send one update, wait for the secondary, print the chain, stop. */

#include "tools/demo/demo.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "tools/common/msg.h"
#include "tools/demo/demo_internal.h"

#define DEMO_OK 0
#define DEMO_FAIL 1
#define DEMO_USAGE 2
/* How long the secondary may take to serve the change. */
#define PROPAGATION_MS 5000
#define TAIL_LINES 20

int64_t demo_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t demo_wall_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: dynzone demo [--primary ADDR] [--secondary ADDR] "
	        "[--port N] [--keep]\n"
	        "                    [--timeout SECONDS]\n\n"
	        "Start a primary and a secondary dynzoned on loopback (in a\n"
	        "temporary folder), send one TSIG-signed update to the "
	        "primary\n"
	        "(add " DEMO_HOST " A " DEMO_HOST_ADDR "), wait until the\n"
	        "secondary serves it, and print how it got there - update,\n"
	        "NOTIFY, refresh, IXFR - from both servers' logs, with the "
	        "time\n"
	        "of each step. Then stop both.\n\n"
	        "  --primary ADDR     primary's address (default 127.0.0.1)\n"
	        "  --secondary ADDR   secondary's address (default 127.0.0.2;\n"
	        "                     if it cannot be used: the primary's, "
	        "another port)\n"
	        "  --port N           port of both (default: a free one)\n"
	        "  --keep             keep the folder (configs, zones, logs);\n"
	        "                     it is also kept when the demo fails\n"
	        "  --timeout SECONDS  for the servers to start (default 10)\n\n"
	        "exit status: 0 the change reached the secondary, 1 failure "
	        "(with the\nlogs' last lines), 2 usage\n");
}

static int parse_args(demo_t *d, int argc, char **argv, uint16_t *port)
{
	static const struct option opts[] = {
	        {"primary", required_argument, NULL, 'p'},
	        {"secondary", required_argument, NULL, 's'},
	        {"port", required_argument, NULL, 'P'},
	        {"keep", no_argument, NULL, 'k'},
	        {"timeout", required_argument, NULL, 't'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	optind = 1;
	for (int c; (c = getopt_long(argc, argv, "h", opts, NULL)) != -1;) {
		char *end = NULL;
		long v = 0;
		if (c == 'P' || c == 't') {
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1 || v > 65535) {
				msg_error("invalid number '%s'", optarg);
				return DEMO_USAGE;
			}
		}
		switch (c) {
		case 'p':
		case 's':
			snprintf(d->srv[c == 's'].addr, DEMO_ADDRLEN, "%s",
			         optarg);
			break;
		case 'P':
			*port = (uint16_t)v;
			break;
		case 't':
			d->timeout_ms = (unsigned)v * 1000;
			break;
		case 'k':
			d->keep = true;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			usage(stderr);
			return DEMO_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return DEMO_USAGE;
	}
	return DEMO_OK;
}

/* dynzoned from this executable's folder, never from PATH (as `check
 * config` does): the two always come from the same build. */
static int find_daemon(demo_t *d)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash = n > 0 ? memrchr(self, '/', (size_t)n) : NULL;
	if (slash == NULL) {
		return DZ_ENOENT;
	}
	*slash = '\0';
	int w = snprintf(d->daemon, sizeof(d->daemon), "%s/dynzoned", self);
	if (w < 0 || (size_t)w >= sizeof(d->daemon)) {
		return DZ_ESPACE;
	}
	return access(d->daemon, X_OK) == 0 ? DZ_OK : -errno;
}

/* ---- waiting ------------------------------------------------------------- */

static void report_exit(const demo_server_t *s)
{
	if (WIFEXITED(s->status)) {
		printf("the %s exited with status %d\n", s->label,
		       WEXITSTATUS(s->status));
	} else if (WIFSIGNALED(s->status)) {
		printf("the %s was killed by signal %d\n", s->label,
		       WTERMSIG(s->status));
	}
}

/* Poll \p s until it answers the zone's SOA authoritatively. */
static int wait_serving(demo_t *d, demo_server_t *s, uint32_t *serial)
{
	int64_t deadline = demo_mono_ms() + d->timeout_ms;
	int ret;
	while ((ret = demo_soa_serial(s, serial)) != DZ_OK) {
		if (!demo_alive(s)) {
			report_exit(s);
			return DZ_EINVAL;
		}
		if (demo_mono_ms() > deadline) {
			printf("the %s did not answer SOA " DEMO_ZONE
			       " within %u s (last: %s)\n",
			       s->label, d->timeout_ms / 1000,
			       dz_strerror(ret));
			return ret;
		}
		sleep_ms(20);
	}
	return DZ_OK;
}

static int wait_same_serial(demo_t *d, uint32_t *serial)
{
	int64_t deadline = demo_mono_ms() + d->timeout_ms;
	uint32_t a = 0, b = 0;
	for (;;) {
		int ret = wait_serving(d, DEMO_PRIMARY(d), &a);
		if (ret == DZ_OK) {
			ret = wait_serving(d, DEMO_SECONDARY(d), &b);
		}
		if (ret != DZ_OK) {
			return ret;
		}
		if (a == b) {
			*serial = a;
			return DZ_OK;
		}
		if (demo_mono_ms() > deadline) {
			printf("the servers did not agree within %u s: primary "
			       "serial %u, secondary serial %u\n",
			       d->timeout_ms / 1000, a, b);
			return -ETIMEDOUT;
		}
		sleep_ms(20);
	}
}

/* Poll the secondary (every millisecond or so) for the new record. */
static int wait_propagated(demo_t *d, int64_t t0_us)
{
	int64_t deadline = demo_mono_ms() + PROPAGATION_MS;
	for (;;) {
		bool found = false;
		int ret = demo_has_host(DEMO_SECONDARY(d), &found);
		if (ret == DZ_OK && found) {
			printf("the secondary serves " DEMO_HOST
			       " A " DEMO_HOST_ADDR
			       " %.1f ms after the update was sent\n",
			       (double)(demo_wall_us() - t0_us) / 1000.0);
			return DZ_OK;
		}
		if (!demo_alive(DEMO_SECONDARY(d))) {
			report_exit(DEMO_SECONDARY(d));
			return DZ_EINVAL;
		}
		if (demo_mono_ms() > deadline) {
			printf("the secondary did not serve " DEMO_HOST
			       " within %u s\n",
			       PROPAGATION_MS / 1000);
			return -ETIMEDOUT;
		}
		sleep_ms(1);
	}
}

/* The logs are written as things happen: give the last lines a moment. */
static int wait_chain(const demo_t *d, int64_t t0_ms, uint32_t serial,
                      demo_chain_t *chain)
{
	int64_t deadline = demo_mono_ms() + 2000;
	char missing[DEMO_EVENT_MAX] = "";
	for (;;) {
		int ret = demo_chain_collect(d, t0_ms, serial, chain);
		if (ret != DZ_OK) {
			printf("cannot read the logs: %s\n", dz_strerror(ret));
			return ret;
		}
		if (demo_chain_complete(chain, missing, sizeof(missing))) {
			return DZ_OK;
		}
		if (demo_mono_ms() > deadline) {
			demo_chain_print(d, chain, t0_ms);
			printf("\nno '%s' event in the logs\n", missing);
			return DZ_ENOENT;
		}
		sleep_ms(10);
	}
}

/* ---- the demo ------------------------------------------------------------ */

static int start_both(demo_t *d, uint32_t *serial)
{
	demo_server_t *p = DEMO_PRIMARY(d), *s = DEMO_SECONDARY(d);
	printf("folder     %s\n", d->root);
	printf("primary    %s#%u  (%s)\n", p->addr, (unsigned)p->port, p->conf);
	printf("secondary  %s#%u  (%s)\n", s->addr, (unsigned)s->port, s->conf);
	int ret = demo_start(d, p);
	if (ret == DZ_OK) {
		ret = wait_serving(d, p, serial);
	}
	if (ret == DZ_OK) {
		ret = demo_start(d, s);
	}
	if (ret == DZ_OK) {
		ret = wait_same_serial(d, serial);
	}
	if (ret == DZ_OK) {
		printf("\nboth serve " DEMO_ZONE " serial %u (the secondary "
		       "transferred it at start)\n",
		       *serial);
	}
	return ret;
}

static int update_and_follow(demo_t *d, uint32_t old)
{
	uint16_t rcode = 0;
	char err[256] = "";
	printf("sending    update add " DEMO_HOST " 300 A " DEMO_HOST_ADDR
	       " (TSIG " DEMO_KEY_NAME ") to the primary\n");
	fflush(stdout);
	int64_t t0_us = demo_wall_us();
	int ret = demo_send_update(d, &rcode, err, sizeof(err));
	int64_t t1_us = demo_wall_us();
	if (ret != DZ_OK || rcode != 0) {
		printf("the update failed: %s\n",
		       ret != DZ_OK ? err : client_rcode_str(rcode));
		return ret != DZ_OK ? ret : DZ_EINVAL;
	}
	printf("the primary answered NOERROR after %.1f ms\n",
	       (double)(t1_us - t0_us) / 1000.0);
	ret = wait_propagated(d, t0_us);
	uint32_t serial = 0;
	if (ret == DZ_OK) {
		ret = demo_soa_serial(DEMO_SECONDARY(d), &serial);
	}
	demo_chain_t *chain = calloc(1, sizeof(*chain));
	if (ret != DZ_OK || chain == NULL) {
		free(chain);
		return ret != DZ_OK ? ret : DZ_ENOMEM;
	}
	if (serial == old) {
		printf("the secondary still serves serial %u\n", serial);
		ret = DZ_EINVAL;
	} else {
		ret = wait_chain(d, t0_us / 1000, serial, chain);
	}
	if (ret == DZ_OK) {
		demo_chain_print(d, chain, t0_us / 1000);
	}
	free(chain);
	return ret;
}

static int run(demo_t *d, uint16_t port)
{
	uint32_t serial = 0;
	int ret = demo_pick_ports(d, port);
	if (ret != DZ_OK) {
		msg_error("no free port on %s and %s: %s", d->srv[0].addr,
		          d->srv[1].addr, dz_strerror(ret));
		return DEMO_FAIL;
	}
	ret = demo_write_files(d);
	if (ret != DZ_OK) {
		msg_error("cannot write the configuration in %s: %s", d->root,
		          dz_strerror(ret));
		return DEMO_FAIL;
	}
	ret = start_both(d, &serial);
	if (ret == DZ_OK) {
		ret = update_and_follow(d, serial);
	}
	if (ret != DZ_OK) {
		printf("\ndynzone demo failed; the servers' last lines:\n");
		demo_tails_print(d, TAIL_LINES);
	}
	demo_stop(DEMO_SECONDARY(d));
	demo_stop(DEMO_PRIMARY(d));
	if (ret == DZ_OK) {
		printf("\nboth servers stopped\n");
	}
	return ret == DZ_OK ? DEMO_OK : DEMO_FAIL;
}

int demo_main(int argc, char **argv)
{
	demo_t *d = calloc(1, sizeof(*d));
	if (d == NULL) {
		msg_error("out of memory");
		return DEMO_FAIL;
	}
	uint16_t port = 0;
	d->srv[0].label = "primary";
	d->srv[1].label = "secondary";
	snprintf(d->srv[0].addr, DEMO_ADDRLEN, "127.0.0.1");
	snprintf(d->srv[1].addr, DEMO_ADDRLEN, "127.0.0.2");
	d->timeout_ms = 10000;
	int rc = parse_args(d, argc, argv, &port);
	if (rc != DEMO_OK) {
		free(d);
		return rc < 0 ? DEMO_OK : rc;
	}
	if (find_daemon(d) != DZ_OK) {
		msg_error("cannot find dynzoned next to this dynzone binary");
		free(d);
		return DEMO_FAIL;
	}
	const char *tmp = getenv("TMPDIR");
	snprintf(d->root, sizeof(d->root), "%s/dynzone-demo.XXXXXX",
	         tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(d->root) == NULL) {
		msg_error("mkdtemp %s: %s", d->root, strerror(errno));
		free(d);
		return DEMO_FAIL;
	}
	rc = run(d, port);
	if (d->keep || rc != DEMO_OK) {
		printf("files kept in %s\n", d->root);
	} else {
		demo_remove_tree(d->root);
	}
	free(d);
	return rc;
}
