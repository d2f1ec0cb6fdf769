/* SPDX-License-Identifier: BSD-3-Clause */
/* Load generator for bench/updates.sh: TSIG-signed RFC 2136 updates over UDP with N in flight, each replacing one A record; prints acknowledged updates/s and latency. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/tsig.h"

#define MAX_CONC 1024
#define PKT_MAX 512
/* An update not answered in this long is counted lost and replaced. */
#define TIMEOUT_NS 2000000000LL

typedef struct {
	const char *server;
	int port;
	const char *zone;
	const char *key_spec;
	int conc;
	double seconds;
	double warmup;
} opts_t;

/* One in-flight slot: its own owner name, the ID and time of its update. */
typedef struct {
	uint8_t owner[DZ_NAME_MAXLEN];
	uint16_t id;
	bool busy;
	int64_t sent_ns;
	uint32_t seq;
} slot_t;

typedef struct {
	int fd;
	uint8_t zone[DZ_NAME_MAXLEN];
	dz_tsig_key_t key;
	bool signed_req;
	slot_t slots[MAX_CONC];
	int conc;
	/* Results of the measured phase. */
	bool measuring;
	uint64_t acked, errors, timeouts;
	int64_t *lat; /* ns, one per acknowledged update */
	size_t nlat, caplat;
	uint16_t next_id;
} load_t;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static size_t put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
	return 2;
}

static size_t put_rr_head(uint8_t *p, const uint8_t *owner, uint16_t type,
                          uint16_t cls, uint32_t ttl, uint16_t rdlen)
{
	size_t n = dz_name_copy(p, owner);
	n += put16(p + n, type);
	n += put16(p + n, cls);
	n += put16(p + n, (uint16_t)(ttl >> 16));
	n += put16(p + n, (uint16_t)ttl);
	n += put16(p + n, rdlen);
	return n;
}

/*
 * The update of one slot (RFC 2136 §2.5): delete the A RRset of its owner
 * (class ANY) and add one A record, so the record is replaced; signed
 * with TSIG (RFC 8945) when a key is given.
 */
static int build_update(load_t *l, slot_t *s, uint8_t *pkt, size_t *len)
{
	size_t n = 0;
	n += put16(pkt + n, s->id);
	n += put16(pkt + n, 5u << 11); /* opcode UPDATE */
	n += put16(pkt + n, 1);        /* ZOCOUNT */
	n += put16(pkt + n, 0);        /* PRCOUNT */
	n += put16(pkt + n, 2);        /* UPCOUNT */
	n += put16(pkt + n, 0);        /* ADCOUNT */
	n += dz_name_copy(pkt + n, l->zone);
	n += put16(pkt + n, 6); /* SOA */
	n += put16(pkt + n, 1); /* IN */
	n += put_rr_head(pkt + n, s->owner, 1, 255, 0, 0);
	n += put_rr_head(pkt + n, s->owner, 1, 1, 300, 4);
	uint32_t a = 0x0A000000u | (s->seq & 0xFFFFFFu); /* 10.x.y.z */
	n += put16(pkt + n, (uint16_t)(a >> 16));
	n += put16(pkt + n, (uint16_t)a);
	if (!l->signed_req) {
		*len = n;
		return DZ_OK;
	}
	int ret = dz_tsig_sign(pkt, &n, PKT_MAX, &l->key,
	                       (uint64_t)time(NULL), DZ_TSIG_FUDGE_DEFAULT, NULL,
	                       0, 0, NULL, 0, NULL, NULL);
	if (ret == DZ_OK) {
		*len = n;
	}
	return ret;
}

static int send_slot(load_t *l, slot_t *s)
{
	uint8_t pkt[PKT_MAX];
	size_t len = 0;
	s->id = l->next_id++;
	s->seq++;
	if (build_update(l, s, pkt, &len) != DZ_OK) {
		return -1;
	}
	s->sent_ns = now_ns();
	s->busy = true;
	if (send(l->fd, pkt, len, 0) < 0 && errno != ECONNREFUSED) {
		return -1;
	}
	return 0;
}

static void record(load_t *l, bool ok, int64_t lat)
{
	if (!l->measuring) {
		return;
	}
	if (!ok) {
		l->errors++;
		return;
	}
	l->acked++;
	if (l->nlat == l->caplat) {
		size_t cap = l->caplat ? l->caplat * 2 : 65536;
		int64_t *p = realloc(l->lat, cap * sizeof(*p));
		if (p == NULL) {
			return;
		}
		l->lat = p;
		l->caplat = cap;
	}
	l->lat[l->nlat++] = lat;
}

/* A reply: find its slot by ID, count it, send that slot's next update. */
static void on_reply(load_t *l, const uint8_t *pkt, ssize_t len)
{
	if (len < 12 || (pkt[2] & 0x80) == 0) {
		return;
	}
	uint16_t id = (uint16_t)(pkt[0] << 8 | pkt[1]);
	for (int i = 0; i < l->conc; i++) {
		slot_t *s = &l->slots[i];
		if (s->busy && s->id == id) {
			s->busy = false;
			record(l, (pkt[3] & 0x0F) == 0, now_ns() - s->sent_ns);
			(void)send_slot(l, s);
			return;
		}
	}
}

static void expire(load_t *l, int64_t t)
{
	for (int i = 0; i < l->conc; i++) {
		slot_t *s = &l->slots[i];
		if (s->busy && t - s->sent_ns > TIMEOUT_NS) {
			if (l->measuring) {
				l->timeouts++;
			}
			(void)send_slot(l, s);
		}
	}
}

static void run_for(load_t *l, double seconds)
{
	int64_t end = now_ns() + (int64_t)(seconds * 1e9);
	uint8_t buf[2048];
	for (int64_t t = now_ns(); t < end; t = now_ns()) {
		struct pollfd p = {.fd = l->fd, .events = POLLIN};
		if (poll(&p, 1, 100) > 0) {
			ssize_t n;
			while ((n = recv(l->fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
				on_reply(l, buf, n);
			}
		}
		expire(l, now_ns());
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static double pct_ms(const int64_t *v, size_t n, double p)
{
	if (n == 0) {
		return -1;
	}
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return (double)v[i] / 1e6;
}

static int setup(load_t *l, const opts_t *o)
{
	if (dz_name_from_str(l->zone, o->zone, strlen(o->zone), NULL) < 0) {
		fprintf(stderr, "bad zone name '%s'\n", o->zone);
		return -1;
	}
	if (o->key_spec != NULL) {
		if (dz_tsig_key_from_spec(&l->key, o->key_spec) != DZ_OK) {
			fprintf(stderr, "bad key '%s'\n", o->key_spec);
			return -1;
		}
		l->signed_req = true;
	}
	l->conc = o->conc;
	for (int i = 0; i < l->conc; i++) {
		char label[32];
		int n = snprintf(label, sizeof(label), "load%d", i);
		if (dz_name_from_str(l->slots[i].owner, label, (size_t)n, l->zone) <
		    0) {
			return -1;
		}
	}
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)o->port)};
	if (inet_pton(AF_INET, o->server, &sa.sin_addr) != 1) {
		fprintf(stderr, "bad IPv4 address '%s'\n", o->server);
		return -1;
	}
	l->fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (l->fd < 0 || connect(l->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("socket");
		return -1;
	}
	l->next_id = (uint16_t)(getpid() * 7919);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: bench_update_load -s ADDR -p PORT -z ZONE "
	        "[-y alg:name:secret] [-c CONCURRENCY] [-d SECONDS] "
	        "[-w WARMUP]\n");
}

static int parse_opts(int argc, char **argv, opts_t *o)
{
	int c;
	while ((c = getopt(argc, argv, "s:p:z:y:c:d:w:h")) != -1) {
		switch (c) {
		case 's': o->server = optarg; break;
		case 'p': o->port = atoi(optarg); break;
		case 'z': o->zone = optarg; break;
		case 'y': o->key_spec = optarg; break;
		case 'c': o->conc = atoi(optarg); break;
		case 'd': o->seconds = atof(optarg); break;
		case 'w': o->warmup = atof(optarg); break;
		default: usage(); return -1;
		}
	}
	if (o->server == NULL || o->zone == NULL || o->port <= 0 ||
	    o->conc < 1 || o->conc > MAX_CONC || o->seconds <= 0) {
		usage();
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	opts_t o = {.conc = 1, .seconds = 5, .warmup = 1};
	static load_t l;
	if (parse_opts(argc, argv, &o) != 0 || setup(&l, &o) != 0) {
		return 2;
	}
	for (int i = 0; i < l.conc; i++) {
		(void)send_slot(&l, &l.slots[i]);
	}
	run_for(&l, o.warmup);
	l.measuring = true;
	int64_t t0 = now_ns();
	run_for(&l, o.seconds);
	double secs = (double)(now_ns() - t0) / 1e9;
	qsort(l.lat, l.nlat, sizeof(*l.lat), cmp_i64);
	printf("acked=%llu seconds=%.3f rate=%.1f p50_ms=%.3f p99_ms=%.3f "
	       "errors=%llu timeouts=%llu concurrency=%d\n",
	       (unsigned long long)l.acked, secs, (double)l.acked / secs,
	       pct_ms(l.lat, l.nlat, 0.50), pct_ms(l.lat, l.nlat, 0.99),
	       (unsigned long long)l.errors, (unsigned long long)l.timeouts,
	       l.conc);
	free(l.lat);
	close(l.fd);
	return l.acked > 0 ? 0 : 1;
}
