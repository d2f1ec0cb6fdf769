/* SPDX-License-Identifier: BSD-3-Clause */
/* Journal benchmark: durable appends, one fdatasync each vs. 32 per fdatasync. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/journal/journal.h"
#include "lib/util/crc32c.h"
#include "lib/util/errcode.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/changeset.h"

/* Each mode runs for about this long (or MAX_RECORDS), so the whole run
 * stays within a few seconds even on a slow disk. */
#define MODE_SECONDS 1.5
#define MAX_RECORDS 200000

static const uint8_t origin[] = "\x07" "example" "\x04" "test";
static const uint8_t host[] = "\x04" "host" "\x07" "example" "\x04" "test";

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What one DHCP update looks like: the A record of a host is replaced
 * (the SOA change is left out; it only adds a constant). */
static dz_changeset_t *one_change(void)
{
	dz_changeset_t *ch = NULL;
	const uint8_t a1[4] = {192, 0, 2, 1}, a2[4] = {192, 0, 2, 2};
	if (dz_changeset_new(&ch) != DZ_OK ||
	    dz_changeset_add_removed(ch, host, DZ_RR_A, 300, a1, 4) != DZ_OK ||
	    dz_changeset_add_added(ch, host, DZ_RR_A, 300, a2, 4) != DZ_OK) {
		fprintf(stderr, "bench_journal: out of memory\n");
		exit(1);
	}
	return ch;
}

static int run(const char *path, unsigned batch, const dz_changeset_t *ch)
{
	dz_journal_t *j = NULL;
	int ret = dz_journal_open(path, origin, DZ_JOURNAL_CREATE, NULL, &j);
	if (ret != DZ_OK) {
		fprintf(stderr, "bench_journal: %s: %s\n", path,
		        dz_strerror(ret));
		return 1;
	}
	uint32_t serial = 1, n = 0;
	double start = now(), el = 0;
	while (el < MODE_SECONDS && n < MAX_RECORDS) {
		for (unsigned i = 0; i < batch && ret == DZ_OK; i++, n++) {
			ret = dz_journal_append(j, serial, serial + 1, ch);
			serial++;
		}
		if (ret == DZ_OK) {
			ret = dz_journal_sync(j);
		}
		if (ret != DZ_OK) {
			fprintf(stderr, "bench_journal: %s\n", dz_strerror(ret));
			break;
		}
		el = now() - start;
	}
	printf("journal append, %2u per fdatasync: %9.0f appends/s "
	       "(%u records, %.2f s, %llu bytes)\n",
	       batch, n / el, n, el, (unsigned long long)dz_journal_size(j));
	dz_journal_free(j);
	unlink(path);
	return ret == DZ_OK ? 0 : 1;
}

static void bench_crc(void)
{
	static uint8_t buf[1 << 16];
	memset(buf, 0xa5, sizeof(buf));
	uint32_t c = 0;
	double start = now();
	for (int i = 0; i < 4096; i++) {
		c = dz_crc32c(c, buf, sizeof(buf));
	}
	double el = now() - start;
	printf("crc32c (%s): %.1f GB/s (%08x)\n",
	       dz_crc32c_hw_available() ? "sse4.2" : "table",
	       4096.0 * sizeof(buf) / el / 1e9, c);
}

int main(int argc, char **argv)
{
	/* Default: the folder of this program, i.e. the build folder, so the
	 * fsyncs hit the same disk a real data folder would. */
	char *self = strdup(argv[0]);
	const char *dir = argc > 1 ? argv[1] : dirname(self);
	char path[4096];
	snprintf(path, sizeof(path), "%s/bench-journal.%ld.jnl", dir,
	         (long)getpid());
	unlink(path);
	dz_changeset_t *ch = one_change();
	int ret = run(path, 1, ch) || run(path, 32, ch);
	bench_crc();
	dz_changeset_free(ch);
	free(self);
	return ret;
}
