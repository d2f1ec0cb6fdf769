/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: opening, repairing and iterating a journal image. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/journal/journal.h"
#include "lib/util/crc32c.h"
#include "lib/util/errcode.h"
#include "lib/zone/changeset.h"
#include "lib/zone/zonefile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

/* Every record the scan accepted must read back, and print. */
static void walk(dz_journal_t *j, uint32_t expect)
{
	dz_journal_iter_t it;
	dz_journal_iter_all(j, &it);
	uint32_t from, to, n = 0;
	dz_changeset_t *ch = NULL;
	int ret;
	char line[4096];
	while ((ret = dz_journal_iter_next(&it, &from, &to, &ch)) == DZ_OK) {
		for (size_t i = 0; i < dz_changeset_nadded(ch); i++) {
			dz_rr_t rr;
			check(dz_changeset_added(ch, i, &rr) == DZ_OK);
			(void)dz_rr_to_str(line, sizeof(line), rr.owner,
			                   rr.type, 1, rr.ttl, rr.rdata,
			                   rr.rdlen);
		}
		dz_changeset_free(ch);
		n++;
	}
	check(ret == DZ_ENOENT || ret == DZ_ENOMEM);
	check(ret != DZ_ENOENT || n == expect);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The fuzzer rarely guesses a CRC32C: rewrite the header's and every
 * record's (as docs/formats/journal.md places them) so that mutations reach
 * the RR framing and chain checks behind them. */
static void fix_crcs(uint8_t *buf, size_t size)
{
	if (size < 29 || (size_t)29 + buf[28] + 4 > size) {
		return;
	}
	size_t off = (size_t)29 + buf[28];
	put32(buf + off, dz_crc32c(0, buf, off));
	off += 4;
	while (size - off >= 28) {
		uint32_t len = get32(buf + off + 4);
		if (len < 28 || len > size - off) {
			return;
		}
		put32(buf + off + len - 4, dz_crc32c(0, buf + off, len - 4));
		off += len;
	}
}

static void one_image(const uint8_t *data, size_t size)
{
	dz_journal_t *j = NULL;
	dz_journal_repair_t rep;
	if (dz_journal_open_buf(data, size, NULL, &rep, &j) != DZ_OK) {
		return;
	}
	check(rep.good_size + rep.cut_bytes == size);
	check(!rep.truncated);
	check((rep.cut_bytes == 0) == (rep.reason == DZ_JOURNAL_CUT_NONE));
	dz_journal_info_t info;
	dz_journal_info(j, &info);
	check(info.records == rep.records && info.size == rep.good_size);
	walk(j, rep.records);
	if (info.has_serial) {
		dz_journal_iter_t it;
		check(dz_journal_find(j, info.first, &it) == DZ_OK);
		check(dz_journal_find(j, info.last, &it) == DZ_OK);
	}
	dz_journal_free(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one_image(data, size);
	uint8_t *copy = malloc(size > 0 ? size : 1);
	if (copy != NULL) {
		memcpy(copy, data, size);
		fix_crcs(copy, size);
		one_image(copy, size);
		free(copy);
	}
	return 0;
}
