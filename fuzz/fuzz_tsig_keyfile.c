/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz target: BIND-style TSIG key file parser, with invariants on its output. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util/errcode.h"
#include "lib/wire/tsig_keyfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

#define CAP 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dz_tsig_key_t keys[CAP];
	dz_tsig_keyfile_diag_t diag = {0};
	size_t count = 0;

	int ret = dz_tsig_keyfile_parse((const char *)data, size, keys, CAP,
	                                &count, &diag);
	if (ret != DZ_OK) {
		check(ret == DZ_ESYNTAX || ret == DZ_ELIMIT);
		check(diag.why != DZ_TSIG_KEYFILE_OK && diag.line >= 1 &&
		      diag.col >= 1 && diag.line <= size + 1);
		check(strcmp(dz_tsig_keyfile_why_str(diag.why), "unknown") != 0);
		return 0;
	}
	check(count <= CAP);
	for (size_t i = 0; i < count; i++) {
		check(dz_tsig_alg_to_name(keys[i].alg) != NULL);
		check(keys[i].secret_len > 0 &&
		      keys[i].secret_len <= DZ_TSIG_SECRET_MAX);
		check(dz_name_len(keys[i].name) <= DZ_NAME_MAXLEN);
		for (size_t j = 0; j < i; j++) {
			check(!dz_name_equal(keys[i].name, keys[j].name));
		}
	}
	return 0;
}
