/* SPDX-License-Identifier: BSD-3-Clause */
/* Client of bench/propagation.sh: time from a primary's NOERROR to an UPDATE until every secondary serves the new serial; and AXFR records/s. */
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
#include "lib/wire/msg.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "lib/wire/tsig.h"

#define MAX_SECONDARIES 256
#define PKT_MAX 4096
/* A secondary that has not caught up after this long: the update is lost. */
#define CATCH_UP_TIMEOUT_MS 30000

typedef struct {
	struct sockaddr_in primary;
	struct sockaddr_in sec[MAX_SECONDARIES];
	int nsec;
	const char *zone_str;
	const char *key_spec;
	const char *label;
	const char *out_path;
	int updates;
	double max_seconds;
	bool axfr;
} opts_t;

/* One polled secondary: its socket, the ID of its outstanding SOA query,
 * when to ask again, and when it was first seen with the new serial. */
typedef struct {
	int fd;
	uint16_t id;
	int64_t next_us;
	int64_t done_us; /* 0 while pending */
	uint32_t serial;
} sec_t;

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int parse_addr(const char *text, struct sockaddr_in *out)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", text);
	char *at = strchr(buf, '@');
	int port = 53;
	if (at != NULL) {
		*at = '\0';
		port = atoi(at + 1);
	}
	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, buf, &out->sin_addr) == 1 && port > 0 &&
	                       port < 65536
	               ? 0
	               : -1;
}

/* RFC 1982 §3.2: is a newer than b? */
static bool serial_gt(uint32_t a, uint32_t b)
{
	return a != b && (uint32_t)(a - b) < 0x80000000u;
}

/* ---- messages ------------------------------------------------------------ */

static int soa_query(const uint8_t *zone, uint16_t id, uint8_t *buf,
                     uint16_t qtype)
{
	dz_msg_hdr_t hdr = {.id = id, .opcode = DZ_OPCODE_QUERY};
	dz_msg_render_t r;
	int ret = dz_msg_render_begin(&r, buf, 512, &hdr);
	if (ret == DZ_OK) {
		ret = dz_msg_render_question(&r, zone, qtype, DZ_CLASS_IN);
	}
	return ret == DZ_OK ? dz_msg_render_finish(&r) : ret;
}

/* The serial of the SOA in an answer to our query \p id, or -1. */
static int64_t soa_serial(const uint8_t *pkt, size_t len, uint16_t id)
{
	dz_msg_rr_t rrs[32];
	dz_msg_t m;
	dz_msg_init(&m, rrs, 32);
	if (dz_msg_parse(&m, pkt, len, NULL, NULL) != DZ_OK || m.hdr.id != id ||
	    dz_msg_rcode(&m) != DZ_RCODE_NOERROR) {
		return -1;
	}
	uint32_t n;
	const dz_msg_rr_t *rr = dz_msg_section(&m, DZ_MSG_AN, &n);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t rd[2 * DZ_NAME_MAXLEN + 20];
		int l = rr[i].type == DZ_RR_SOA
		                ? dz_msg_rr_rdata(&m, &rr[i], rd, sizeof(rd))
		                : -1;
		if (l < 0) {
			continue;
		}
		size_t off = dz_name_len(rd);
		off += dz_name_len(rd + off);
		if (off + 4 <= (size_t)l) {
			return (int64_t)((uint32_t)rd[off] << 24 |
			                 (uint32_t)rd[off + 1] << 16 |
			                 (uint32_t)rd[off + 2] << 8 |
			                 rd[off + 3]);
		}
	}
	return -1;
}

/* UPDATE: add pN.ZONE A (a new name each time, so each is a change). */
static int build_update(const uint8_t *zone, const dz_tsig_key_t *key,
                        unsigned n, uint16_t id, uint8_t *buf, size_t *len)
{
	uint8_t owner[DZ_NAME_MAXLEN], label[16];
	uint8_t addr[4] = {10, (uint8_t)(n >> 16), (uint8_t)(n >> 8),
	                   (uint8_t)n};
	int ll = snprintf((char *)label + 1, sizeof(label) - 1, "p%u", n);
	label[0] = (uint8_t)ll;
	label[ll + 1] = 0;
	int ret = dz_name_concat(owner, label, zone);
	dz_msg_hdr_t hdr = {.id = id, .opcode = DZ_OPCODE_UPDATE};
	dz_msg_render_t r;
	if (ret >= 0) {
		ret = dz_msg_render_begin(&r, buf, PKT_MAX, &hdr);
	}
	if (ret == DZ_OK) {
		ret = dz_msg_render_question(&r, zone, DZ_RR_SOA, DZ_CLASS_IN);
	}
	if (ret == DZ_OK) {
		ret = dz_msg_render_reserve(&r, dz_tsig_wire_size(key, 0));
	}
	if (ret == DZ_OK) {
		ret = dz_msg_render_rr(&r, DZ_MSG_NS, owner, DZ_RR_A,
		                       DZ_CLASS_IN, 300, addr, 4);
	}
	int n_out = ret == DZ_OK ? dz_msg_render_finish(&r) : ret;
	if (n_out < 0) {
		return n_out;
	}
	*len = (size_t)n_out;
	return dz_tsig_sign(buf, len, PKT_MAX, key, (uint64_t)time(NULL), 300,
	                    NULL, 0, 0, NULL, 0, NULL, NULL);
}

/* ---- UDP ----------------------------------------------------------------- */

static int udp_socket(void)
{
	return socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

/* Send and wait for the reply with the same ID (3 tries of 2 s). */
static ssize_t exchange(const struct sockaddr_in *to, const uint8_t *q,
                        size_t len, uint8_t *reply)
{
	int fd = udp_socket();
	if (fd < 0) {
		return -errno;
	}
	ssize_t got = -ETIMEDOUT;
	for (int t = 0; t < 3 && got == -ETIMEDOUT; t++) {
		(void)sendto(fd, q, len, 0, (const struct sockaddr *)to,
		             sizeof(*to));
		int64_t end = now_us() + 2000000;
		while (got == -ETIMEDOUT && now_us() < end) {
			struct pollfd p = {.fd = fd, .events = POLLIN};
			if (poll(&p, 1, (int)((end - now_us()) / 1000) + 1) <=
			    0) {
				continue;
			}
			ssize_t n = recv(fd, reply, PKT_MAX, 0);
			if (n >= 12 && reply[0] == q[0] && reply[1] == q[1]) {
				got = n;
			}
		}
	}
	close(fd);
	return got;
}

static int64_t serial_of(const struct sockaddr_in *a, const uint8_t *zone)
{
	uint8_t q[512], reply[PKT_MAX];
	uint16_t id = (uint16_t)rand();
	int n = soa_query(zone, id, q, DZ_RR_SOA);
	ssize_t r = n > 0 ? exchange(a, q, (size_t)n, reply) : -1;
	return r > 0 ? soa_serial(reply, (size_t)r, id) : -1;
}

/* ---- the propagation loop ------------------------------------------------ */

/*
 * Poll every pending secondary with SOA queries until each serves a serial
 * newer than \p prev. Each pending secondary is asked every max(0.25 ms,
 * pending x 0.1 ms): one secondary at ~4000 queries/s (0.25 ms resolution),
 * 50 at ~10000/s in all (5 ms), so the client never floods the machine it
 * shares with the servers.
 * Returns the time of the last one to catch up (us after \p t0), or -1.
 */
static int64_t wait_all(sec_t *s, int nsec, const struct sockaddr_in *addrs,
                        const uint8_t *zone, uint32_t prev, int64_t t0)
{
	int pending = nsec;
	for (int i = 0; i < nsec; i++) {
		s[i].done_us = 0;
		s[i].next_us = t0;
	}
	while (pending > 0) {
		int64_t now = now_us();
		int64_t interval = pending * 100 > 250 ? pending * 100 : 250;
		if (now - t0 > (int64_t)CATCH_UP_TIMEOUT_MS * 1000) {
			return -1;
		}
		struct pollfd pfd[MAX_SECONDARIES];
		for (int i = 0; i < nsec; i++) {
			uint8_t q[512];
			pfd[i] = (struct pollfd){.fd = s[i].done_us ? -1
			                                            : s[i].fd,
			                         .events = POLLIN};
			if (s[i].done_us || now < s[i].next_us) {
				continue;
			}
			s[i].id++;
			int n = soa_query(zone, s[i].id, q, DZ_RR_SOA);
			(void)sendto(s[i].fd, q, (size_t)n, 0,
			             (const struct sockaddr *)&addrs[i],
			             sizeof(addrs[i]));
			s[i].next_us = now + interval;
		}
		if (poll(pfd, (nfds_t)nsec, 1) <= 0) {
			continue;
		}
		for (int i = 0; i < nsec; i++) {
			uint8_t reply[PKT_MAX];
			if (!(pfd[i].revents & POLLIN)) {
				continue;
			}
			ssize_t n;
			while ((n = recv(s[i].fd, reply, sizeof(reply), 0)) >
			       0) {
				int64_t v =
				        soa_serial(reply, (size_t)n, s[i].id);
				if (v >= 0 && !s[i].done_us &&
				    serial_gt((uint32_t)v, prev)) {
					s[i].done_us = now_us() - t0;
					s[i].serial = (uint32_t)v;
					pending--;
				}
			}
		}
	}
	int64_t worst = 0;
	for (int i = 0; i < nsec; i++) {
		worst = s[i].done_us > worst ? s[i].done_us : worst;
	}
	return worst;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static double pct(const int64_t *v, int n, double p)
{
	int k = (int)(p * n + 0.999999) - 1; /* nearest rank */
	k = k < 0 ? 0 : k >= n ? n - 1 : k;
	return (double)v[k] / 1000.0;
}

static void report(const opts_t *o, int64_t *lat, int n, int lost)
{
	FILE *out = o->out_path ? fopen(o->out_path, "w") : NULL;
	for (int i = 0; out != NULL && i < n; i++) {
		fprintf(out, "%.3f\n", (double)lat[i] / 1000.0);
	}
	if (out != NULL) {
		fclose(out);
	}
	qsort(lat, (size_t)n, sizeof(*lat), cmp_i64);
	if (n == 0) {
		printf("%s\tsecondaries=%d\tupdates=0\tlost=%d\n", o->label,
		       o->nsec, lost);
		return;
	}
	printf("%s\tsecondaries=%d\tupdates=%d\tlost=%d\tp50=%.3f\tp90=%.3f"
	       "\tp99=%.3f\tmax=%.3f\n",
	       o->label, o->nsec, n, lost, pct(lat, n, 0.5), pct(lat, n, 0.9),
	       pct(lat, n, 0.99), pct(lat, n, 1.0));
}

/* Wait (up to a minute) until every secondary serves the primary's serial. */
static int64_t sync_start(const opts_t *o, const uint8_t *zone)
{
	int64_t p = serial_of(&o->primary, zone);
	if (p < 0) {
		fprintf(stderr, "the primary does not answer SOA\n");
		return -1;
	}
	int64_t end = now_us() + 60000000;
	for (int i = 0; i < o->nsec; i++) {
		while (serial_of(&o->sec[i], zone) != p) {
			if (now_us() > end) {
				fprintf(stderr,
				        "secondary %d never reached "
				        "serial %lld\n",
				        i, (long long)p);
				return -1;
			}
			usleep(20000);
		}
	}
	return p;
}

static int run_updates(const opts_t *o, const uint8_t *zone,
                       const dz_tsig_key_t *key)
{
	static sec_t s[MAX_SECONDARIES];
	for (int i = 0; i < o->nsec; i++) {
		s[i].fd = udp_socket();
		s[i].id = (uint16_t)rand();
		if (s[i].fd < 0) {
			perror("socket");
			return 1;
		}
	}
	int64_t prev = sync_start(o, zone);
	int64_t *lat = calloc((size_t)o->updates + 1, sizeof(*lat));
	if (prev < 0 || lat == NULL) {
		free(lat);
		return 1;
	}
	int n = 0, lost = 0;
	int64_t begin = now_us();
	for (int u = 0; u < o->updates; u++) {
		if ((double)(now_us() - begin) / 1e6 > o->max_seconds) {
			break; /* the time budget of this configuration */
		}
		uint8_t q[PKT_MAX], reply[PKT_MAX];
		size_t len;
		uint16_t id = (uint16_t)rand();
		unsigned name =
		        (unsigned)(time(NULL) & 0xffff) * 1000u + (unsigned)u;
		if (build_update(zone, key, name, id, q, &len) != DZ_OK) {
			fprintf(stderr, "cannot build the update\n");
			break;
		}
		ssize_t r = exchange(&o->primary, q, len, reply);
		int64_t t0 = now_us();
		if (r < 12 || (reply[3] & 0x0f) != 0) {
			fprintf(stderr, "update %d: %s\n", u,
			        r < 12 ? "no answer" : "not NOERROR");
			lost++;
			continue;
		}
		int64_t t =
		        wait_all(s, o->nsec, o->sec, zone, (uint32_t)prev, t0);
		if (t < 0) {
			lost++;
			prev = serial_of(&o->primary, zone);
			continue;
		}
		lat[n++] = t;
		prev = s[0].serial;
	}
	report(o, lat, n, lost);
	free(lat);
	return n > 0 ? 0 : 1;
}

/* ---- AXFR ---------------------------------------------------------------- */

static int read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);
		if (n <= 0) {
			return -1;
		}
		got += (size_t)n;
	}
	return 0;
}

/* One AXFR over TCP: records, octets and messages until the closing SOA. */
static int run_axfr(const opts_t *o, const uint8_t *zone)
{
	static dz_msg_rr_t rrs[16384];
	static uint8_t buf[65536];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)&o->primary,
	                      sizeof(o->primary)) != 0) {
		perror("connect");
		return 1;
	}
	uint16_t id = (uint16_t)rand();
	int n = soa_query(zone, id, buf + 2, DZ_RR_AXFR);
	buf[0] = (uint8_t)(n >> 8);
	buf[1] = (uint8_t)n;
	int64_t t0 = now_us();
	if (write(fd, buf, (size_t)n + 2) != n + 2) {
		perror("write");
		close(fd);
		return 1;
	}
	uint64_t records = 0, bytes = 0, messages = 0, soas = 0;
	dz_msg_limits_t lim = {.max_rrs = 16384};
	while (soas < 2) {
		uint8_t l[2];
		dz_msg_t m;
		dz_msg_init(&m, rrs, 16384);
		if (read_full(fd, l, 2) != 0) {
			break;
		}
		size_t len = (size_t)l[0] << 8 | l[1];
		if (read_full(fd, buf, len) != 0 ||
		    dz_msg_parse(&m, buf, len, &lim, NULL) != DZ_OK ||
		    dz_msg_rcode(&m) != DZ_RCODE_NOERROR) {
			break;
		}
		uint32_t an;
		const dz_msg_rr_t *rr = dz_msg_section(&m, DZ_MSG_AN, &an);
		for (uint32_t i = 0; i < an; i++) {
			soas += rr[i].type == DZ_RR_SOA;
		}
		records += an;
		bytes += len + 2;
		messages++;
	}
	double secs = (double)(now_us() - t0) / 1e6;
	close(fd);
	/* The closing SOA repeats the first (RFC 5936 §2.2): not a record. */
	printf("%s\trecords=%llu\tbytes=%llu\tmessages=%llu\tseconds=%.3f\t"
	       "records_per_s=%.0f\tcomplete=%s\n",
	       o->label, (unsigned long long)(records ? records - 1 : 0),
	       (unsigned long long)bytes, (unsigned long long)messages, secs,
	       secs > 0 ? (double)(records ? records - 1 : 0) / secs : 0.0,
	       soas >= 2 ? "yes" : "no");
	return soas >= 2 ? 0 : 1;
}

/* ---- main ---------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr,
	        "usage: bench_propagation --primary A@P --zone Z --key "
	        "ALG:NAME:SECRET\n"
	        "         --secondary A@P [--secondary A@P ...] [--updates N]\n"
	        "         [--max-seconds S] [--label L] [--out FILE]\n"
	        "       bench_propagation --axfr --primary A@P --zone Z "
	        "[--label L]\n");
}

static int parse_opts(int argc, char **argv, opts_t *o)
{
	static const struct option lo[] = {
	        {"primary", required_argument, NULL, 'p'},
	        {"secondary", required_argument, NULL, 's'},
	        {"zone", required_argument, NULL, 'z'},
	        {"key", required_argument, NULL, 'k'},
	        {"updates", required_argument, NULL, 'n'},
	        {"max-seconds", required_argument, NULL, 'm'},
	        {"label", required_argument, NULL, 'l'},
	        {"out", required_argument, NULL, 'o'},
	        {"axfr", no_argument, NULL, 'a'},
	        {NULL, 0, NULL, 0},
	};
	*o = (opts_t){.updates = 200, .max_seconds = 1e9, .label = "run"};
	bool have_primary = false;
	for (int c; (c = getopt_long(argc, argv, "", lo, NULL)) != -1;) {
		switch (c) {
		case 'p':
			if (parse_addr(optarg, &o->primary) != 0) {
				return -1;
			}
			have_primary = true;
			break;
		case 's':
			if (o->nsec == MAX_SECONDARIES ||
			    parse_addr(optarg, &o->sec[o->nsec++]) != 0) {
				return -1;
			}
			break;
		case 'z':
			o->zone_str = optarg;
			break;
		case 'k':
			o->key_spec = optarg;
			break;
		case 'n':
			o->updates = atoi(optarg);
			break;
		case 'm':
			o->max_seconds = atof(optarg);
			break;
		case 'l':
			o->label = optarg;
			break;
		case 'o':
			o->out_path = optarg;
			break;
		case 'a':
			o->axfr = true;
			break;
		default:
			return -1;
		}
	}
	if (!have_primary || o->zone_str == NULL ||
	    (!o->axfr && (o->key_spec == NULL || o->nsec == 0))) {
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	opts_t o;
	if (parse_opts(argc, argv, &o) != 0) {
		usage();
		return 2;
	}
	srand((unsigned)now_us());
	uint8_t zone[DZ_NAME_MAXLEN];
	if (dz_name_from_str(zone, o.zone_str, strlen(o.zone_str), NULL) < 0) {
		fprintf(stderr, "bad zone name\n");
		return 2;
	}
	if (o.axfr) {
		return run_axfr(&o, zone);
	}
	dz_tsig_key_t key;
	if (dz_tsig_key_from_spec(&key, o.key_spec) != DZ_OK) {
		fprintf(stderr, "bad key (ALG:NAME:SECRET)\n");
		return 2;
	}
	return run_updates(&o, zone, &key);
}
