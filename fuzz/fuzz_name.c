/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: name decompression and text parsing, with round trips. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

/* Text form and key must be stable under case and round trip exactly. */
static void check_str_and_key(const uint8_t *name, size_t len)
{
	char str[DZ_NAME_MAXSTR];
	uint8_t back[DZ_NAME_MAXLEN], low[DZ_NAME_MAXLEN];
	uint8_t k1[DZ_NAME_MAXKEY], k2[DZ_NAME_MAXKEY];

	int slen = dz_name_to_str(str, sizeof(str), name);
	check(slen > 0 && (size_t)slen == strlen(str));
	check(dz_name_from_str(back, str, (size_t)slen, NULL) == (int)len);
	check(memcmp(back, name, len) == 0);

	dz_name_copy(low, name);
	dz_name_to_lower(low);
	int kl1 = dz_name_to_key(k1, name);
	int kl2 = dz_name_to_key(k2, low);
	check(kl1 >= 0 && kl1 <= DZ_NAME_MAXKEY && kl1 == kl2);
	check(memcmp(k1, k2, (size_t)kl1) == 0);
	check(dz_name_hash(name) == dz_name_hash(low));
	check(dz_name_cmp(name, low) == 0 && dz_name_equal(name, low));
}

/* Everything a successfully parsed name must satisfy. */
static void check_name(const uint8_t *name, int ret)
{
	check(ret > 0 && ret <= DZ_NAME_MAXLEN);
	size_t len = (size_t)ret;
	check(dz_name_len(name) == len);
	check(dz_name_labels(name) < DZ_NAME_MAXLABELS);
	check(dz_name_cmp(name, name) == 0);
	check(dz_name_equal(name, name));
	check(dz_name_is_sub(name, dz_name_skip(name, 1)));
	check(!dz_name_is_strict_sub(name, name));

	uint8_t cat[DZ_NAME_MAXLEN];
	check(dz_name_concat(cat, name, (const uint8_t *)"") == ret);
	check(memcmp(cat, name, len) == 0);

	check_str_and_key(name, len);
}

static void fuzz_wire(const uint8_t *data, size_t size, size_t start)
{
	uint8_t name[DZ_NAME_MAXLEN];
	size_t pos = start;
	int ret = dz_name_from_wire(name, data, size, &pos);
	if (ret < 0) {
		check(pos == start);
		return;
	}
	check(pos > start && pos <= size);
	check_name(name, ret);
}

static void fuzz_text(const uint8_t *data, size_t size, const uint8_t *origin)
{
	uint8_t name[DZ_NAME_MAXLEN];
	int ret = dz_name_from_str(name, (const char *)data, size, origin);
	if (ret < 0) {
		check(ret == DZ_ESYNTAX || ret == DZ_ELABEL ||
		      ret == DZ_ENAMELEN);
		return;
	}
	check_name(name, ret);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Offsets: the very start, right after a message header, and a few
	 * spread through the input so pointers have room to point back. */
	const size_t starts[] = {0, 12, 13, size / 2, size > 0 ? size - 1 : 0};
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		fuzz_wire(data, size, starts[i]);
	}
	fuzz_text(data, size, NULL);
	fuzz_text(data, size, (const uint8_t *)"\7example\0");
	return 0;
}
