/* SPDX-License-Identifier: BSD-3-Clause */
/* TTL and timer values in zone-file syntax: plain seconds or BIND units
 * (1h30m). */
#include "lib/wire/ttl.h"

#include <stdbool.h>

#include "lib/util/errcode.h"

static uint64_t unit_seconds(char c)
{
	switch (c) {
	case 's':
	case 'S':
		return 1;
	case 'm':
	case 'M':
		return 60;
	case 'h':
	case 'H':
		return 3600;
	case 'd':
	case 'D':
		return 86400;
	case 'w':
	case 'W':
		return 604800;
	default:
		return 0;
	}
}

int dz_ttl_from_str(const char *str, size_t len, uint32_t *ttl)
{
	uint64_t total = 0;
	uint64_t num = 0;
	bool digits = false;
	bool units = false;
	if (len == 0) {
		return DZ_ESYNTAX;
	}
	for (size_t i = 0; i < len; i++) {
		char c = str[i];
		if (c >= '0' && c <= '9') {
			num = num * 10 + (uint64_t)(c - '0');
			if (num > UINT32_MAX) {
				return DZ_ERANGE;
			}
			digits = true;
			continue;
		}
		uint64_t mult = unit_seconds(c);
		if (mult == 0 || !digits) {
			return DZ_ESYNTAX;
		}
		total += num * mult;
		if (total > UINT32_MAX) {
			return DZ_ERANGE;
		}
		num = 0;
		digits = false;
		units = true;
	}
	if (digits) {
		/* BIND rejects "1h5": a bare number only stands alone. */
		if (units) {
			return DZ_ESYNTAX;
		}
		total = num;
	}
	*ttl = (uint32_t)total;
	return DZ_OK;
}
