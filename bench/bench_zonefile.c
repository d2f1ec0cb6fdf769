/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone-file parser throughput on a generated 1M-record zone (parse only, no store). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/zone/zonefile.h"

/* Eight records per step: A, AAAA, TXT, MX, CNAME, a delegation (NS) with
 * its glue (A), and a second A with an explicit TTL. */
#define PER_STEP 8

static size_t gen_step(char *p, unsigned i)
{
	return (size_t)sprintf(
		p,
		"h%u\tA\t10.%u.%u.%u\n"
		"\tAAAA\t2001:db8::%x:%x\n"
		"\tTXT\t\"v=host %u\" \"second string\"\n"
		"m%u 300 IN MX 10 mail%u.example.net.\n"
		"c%u\tCNAME\th%u\n"
		"d%u\tNS\tns1.d%u\n"
		"ns1.d%u\tA\t192.0.%u.%u\n"
		"x%u.example.\t600\tIN\tA\t198.51.%u.%u\n",
		i, (i >> 16) & 255, (i >> 8) & 255, i & 255, i >> 16, i & 0xffff,
		i, i, i % 50, i, i, i, i, i, (i >> 8) & 255, i & 255, i,
		(i >> 8) & 255, i & 255);
}

static char *gen_zone(unsigned records, size_t *len)
{
	unsigned steps = records / PER_STEP;
	size_t cap = (size_t)steps * 300 + 4096;
	char *buf = malloc(cap);
	if (buf == NULL) {
		return NULL;
	}
	size_t n = (size_t)sprintf(buf, "$ORIGIN example.\n$TTL 3600\n"
	                                "@ SOA ns1 hostmaster 1 7200 3600 "
	                                "1209600 300\n  NS ns1\n");
	for (unsigned i = 0; i < steps; i++) {
		n += gen_step(buf + n, i);
	}
	*len = n;
	return buf;
}

static int count_cb(void *ctx, const dz_zrr_t *rr)
{
	size_t *count = ctx;
	(*count)++;
	return rr->rdlen > 0 ? 0 : DZ_ERDATA;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned records = argc > 1 ? (unsigned)atoi(argv[1]) : 1000000;
	size_t len;
	char *zone = gen_zone(records, &len);
	if (zone == NULL) {
		return 1;
	}
	double best = 1e9;
	size_t count = 0;
	for (int round = 0; round < 3; round++) {
		dz_zonefile_diag_t diag;
		count = 0;
		double t0 = now();
		int r = dz_zonefile_parse_buf(zone, len, "bench.zone", NULL,
		                              count_cb, &count, &diag);
		double dt = now() - t0;
		if (r != DZ_OK) {
			char msg[512];
			dz_zonefile_diag_to_str(msg, sizeof(msg), &diag, true);
			fprintf(stderr, "parse failed: %s\n", msg);
			free(zone);
			return 1;
		}
		best = dt < best ? dt : best;
	}
	printf("zonefile parse: %zu records, %.1f MB, best of 3: %.3f s, "
	       "%.2f M records/s, %.0f MB/s\n",
	       count, (double)len / 1e6, best, (double)count / best / 1e6,
	       (double)len / best / 1e6);
	free(zone);
	return 0;
}
