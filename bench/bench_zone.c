/* SPDX-License-Identifier: BSD-3-Clause */
/* Zone store benchmark: build a 1M-record zone, memory per record, lookup rate, one-record apply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/changeset.h"
#include "lib/zone/zone.h"

#define TARGET 1000000
#define QUERIES 1000000
/* Lookups timed together (the best slice is reported). */
#define SLICE 10000
#define QNAMES 65536

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VmHWM / VmRSS of this process in KiB (0 if unavailable). */
static long proc_kib(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = 0;
	if (f == NULL) {
		return 0;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, field, strlen(field)) == 0) {
			v = strtol(line + strlen(field) + 1, NULL, 10);
		}
	}
	fclose(f);
	return v;
}

/* Wire name "<prefix><n>[.<mid>].example." built without the text parser. */
static size_t mkname(uint8_t *dst, const char *prefix, unsigned n,
                     const char *mid)
{
	char label[32];
	size_t pos = 0;
	int len = snprintf(label, sizeof(label), "%s%u", prefix, n);
	dst[pos++] = (uint8_t)len;
	memcpy(dst + pos, label, (size_t)len);
	pos += (size_t)len;
	if (mid != NULL) {
		dst[pos++] = (uint8_t)strlen(mid);
		memcpy(dst + pos, mid, strlen(mid));
		pos += strlen(mid);
	}
	memcpy(dst + pos, "\x07" "example", 8);
	pos += 8;
	dst[pos++] = 0;
	return pos;
}

static int add(dz_zone_builder_t *b, const uint8_t *owner, uint16_t type,
               const uint8_t *rd, size_t len, size_t *count)
{
	(*count)++;
	return dz_zone_builder_add(b, owner, type, 0, 3600, rd, (uint16_t)len);
}

/* Host i: A, sometimes AAAA/TXT/MX, a CNAME to it, a delegation + glue. */
static int add_host(dz_zone_builder_t *b, unsigned i, size_t *count)
{
	uint8_t owner[DZ_NAME_MAXLEN], rd[300];
	int ret;
	mkname(owner, "h", i, NULL);
	uint8_t a[4] = {10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
	ret = add(b, owner, DZ_RR_A, a, 4, count);
	if (ret == DZ_OK && i % 3 == 0) {
		uint8_t aaaa[16] = {0x20, 0x01, 0x0d, 0xb8};
		memcpy(aaaa + 12, &i, 4);
		ret = add(b, owner, DZ_RR_AAAA, aaaa, 16, count);
	}
	if (ret == DZ_OK && i % 5 == 0) {
		int l = snprintf((char *)rd + 1, 200, "v=spf1 host %u -all", i);
		rd[0] = (uint8_t)l;
		ret = add(b, owner, DZ_RR_TXT, rd, (size_t)l + 1, count);
	}
	if (ret == DZ_OK && i % 10 == 0) {
		rd[0] = 0;
		rd[1] = 10;
		size_t l = mkname(rd + 2, "h", i + 1, NULL);
		ret = add(b, owner, DZ_RR_MX, rd, l + 2, count);
	}
	if (ret == DZ_OK && i % 7 == 0) {
		uint8_t alias[DZ_NAME_MAXLEN];
		mkname(alias, "c", i, NULL);
		size_t l = mkname(rd, "h", i, NULL);
		ret = add(b, alias, DZ_RR_CNAME, rd, l, count);
	}
	if (ret == DZ_OK && i % 20 == 0) {
		uint8_t cut[DZ_NAME_MAXLEN], ns[DZ_NAME_MAXLEN];
		char mid[16];
		snprintf(mid, sizeof(mid), "d%u", i);
		mkname(cut, "d", i, NULL);
		/* ns<i>.d<i>.example.: glue below the cut. */
		size_t l = mkname(ns, "ns", i, mid);
		ret = add(b, cut, DZ_RR_NS, ns, l, count);
		if (ret == DZ_OK) {
			ret = add(b, ns, DZ_RR_A, a, 4, count);
		}
	}
	return ret;
}

static int add_apex(dz_zone_builder_t *b, size_t *count)
{
	uint8_t soa[128], ns[DZ_NAME_MAXLEN];
	const uint8_t *origin = (const uint8_t *)"\x07" "example";
	size_t l = mkname(soa, "ns", 1, NULL);
	l += mkname(soa + l, "hostmaster", 0, NULL);
	static const uint8_t nums[20] = {0, 0, 0, 1, 0, 0, 14, 16, 0, 0, 2, 88,
	                                 0, 9, 58, 128, 0, 0, 1, 44};
	memcpy(soa + l, nums, 20);
	int ret = add(b, origin, DZ_RR_SOA, soa, l + 20, count);
	for (unsigned i = 1; ret == DZ_OK && i <= 2; i++) {
		l = mkname(ns, "ns", i, NULL);
		ret = add(b, origin, DZ_RR_NS, ns, l, count);
		uint8_t a[4] = {192, 0, 2, (uint8_t)i};
		if (ret == DZ_OK) {
			ret = add(b, ns, DZ_RR_A, a, 4, count);
		}
	}
	return ret;
}

static dz_zone_t *build(void)
{
	dz_zone_builder_t *b;
	dz_zone_t *z = NULL;
	size_t count = 0;
	double t0 = now();
	if (dz_zone_builder_new((const uint8_t *)"\x07" "example", &b) != DZ_OK ||
	    add_apex(b, &count) != DZ_OK) {
		return NULL;
	}
	for (unsigned i = 1; count < TARGET; i++) {
		if (add_host(b, i, &count) != DZ_OK) {
			return NULL;
		}
	}
	double t1 = now();
	int ret = dz_zone_builder_finish(b, &z);
	double t2 = now();
	dz_zone_build_stats_t bs;
	dz_zone_builder_stats(b, &bs);
	long hwm = proc_kib("VmHWM:");
	dz_zone_builder_free(b);
	if (ret != DZ_OK) {
		fprintf(stderr, "finish: %s\n", dz_strerror(ret));
		return NULL;
	}
	dz_zone_stats_t st;
	dz_zone_stats(z, &st);
	printf("records added         %zu (duplicates %zu)\n", bs.added,
	       bs.duplicates);
	printf("zone                  %zu records, %zu nodes, height %u\n",
	       st.records, st.nodes, st.height);
	printf("add (incl. generate)  %.3f s\n", t1 - t0);
	printf("finish (sort+build)   %.3f s\n", t2 - t1);
	printf("peak RSS (VmHWM)      %.1f MiB = %.0f B/record (incl. builder)\n",
	       (double)hwm / 1024, (double)hwm * 1024 / (double)st.records);
	printf("RSS after build       %.1f MiB = %.0f B/record\n",
	       (double)proc_kib("VmRSS:") / 1024,
	       (double)proc_kib("VmRSS:") * 1024 / (double)st.records);
	printf("store accounting      %.1f MiB = %.0f B/record\n",
	       (double)st.bytes / 1048576.0,
	       (double)st.bytes / (double)st.records);
	return z;
}

static void lookups(const dz_zone_t *z, const char *prefix,
                    dz_zone_match_t want)
{
	uint8_t(*names)[24] = malloc(QNAMES * sizeof(*names));
	if (names == NULL) {
		return;
	}
	srand(7);
	for (unsigned i = 0; i < QNAMES; i++) {
		/* "h<n>" exists (for n up to ~533000); "h<n>z" sits next to
		 * it in canonical order but does not. */
		size_t l = mkname(names[i], "h", 1 + (unsigned)rand() % 530000,
		                  NULL);
		if (*prefix == 'x') {
			uint8_t len = names[i][0];
			memmove(names[i] + len + 2, names[i] + len + 1,
			        l - len - 1);
			names[i][len + 1] = 'z';
			names[i][0] = (uint8_t)(len + 1);
		}
	}
	size_t hits = 0;
	double t0 = now(), best = 1e9;
	/* The fastest slice too: on a shared machine it is the figure least
	 * disturbed by other processes (preemption, their cache use). */
	for (unsigned q = 0; q < QUERIES; q += SLICE) {
		double ts = now();
		for (unsigned k = q; k < q + SLICE && k < QUERIES; k++) {
			dz_zone_result_t r;
			(void)dz_zone_find(z, names[k % QNAMES], &r);
			hits += r.match == want;
		}
		double t = now() - ts;
		best = t < best ? t : best;
	}
	double t = now() - t0;
	printf("lookup %-14s %.2f M/s, best slice %.2f M/s (%zu/%d as "
	       "expected)\n",
	       want == DZ_ZONE_EXACT ? "exact" : "nxdomain", QUERIES / t / 1e6,
	       SLICE / best / 1e6, hits, QUERIES);
	free(names);
}

static void one_change(const dz_zone_t *z)
{
	dz_changeset_t *ch;
	dz_zone_t *nz;
	uint8_t owner[DZ_NAME_MAXLEN];
	uint8_t a[4] = {10, 99, 99, 99};
	mkname(owner, "h", 4242, NULL);
	if (dz_changeset_new(&ch) != DZ_OK ||
	    dz_changeset_add_added(ch, owner, DZ_RR_A, 3600, a, 4) != DZ_OK) {
		return;
	}
	double t0 = now();
	int ret = dz_zone_apply(z, ch, 0, &nz);
	double t1 = now();
	if (ret != DZ_OK) {
		fprintf(stderr, "apply: %s\n", dz_strerror(ret));
		dz_changeset_free(ch);
		return;
	}
	dz_zone_stats_t st;
	dz_zone_stats(nz, &st);
	printf("apply 1-record change %.1f us, %zu new bytes\n",
	       (t1 - t0) * 1e6, st.bytes_new);
	dz_changeset_t *d;
	t0 = now();
	ret = dz_zone_diff(z, nz, &d);
	t1 = now();
	if (ret == DZ_OK) {
		printf("diff of the versions  %.1f us, %zu removed %zu added\n",
		       (t1 - t0) * 1e6, dz_changeset_nremoved(d),
		       dz_changeset_nadded(d));
		dz_changeset_free(d);
	}
	dz_changeset_free(ch);
	dz_zone_unref(nz);
}

int main(void)
{
	dz_zone_t *z = build();
	if (z == NULL) {
		return 1;
	}
	lookups(z, "h", DZ_ZONE_EXACT);
	lookups(z, "x", DZ_ZONE_NXDOMAIN);
	one_change(z);
	double t0 = now();
	dz_zone_unref(z);
	printf("free                  %.3f s\n", now() - t0);
	return 0;
}
