/* SPDX-License-Identifier: BSD-3-Clause */
/* SOA serials: RFC 1982 arithmetic and the serial policies of updates. */
#include "lib/zone/serial.h"

#include <assert.h>
#include <string.h>

#include "lib/util/errcode.h"

#define HALF 0x80000000u /* 2^31, RFC 1982 §2's 2^(SERIAL_BITS - 1) */

int dz_serial_cmp(uint32_t a, uint32_t b)
{
	/* Unsigned subtraction is the mod 2^32 distance of RFC 1982 §3.2. */
	uint32_t d = a - b;
	if (d == 0) {
		return DZ_SERIAL_EQ;
	}
	if (d == HALF) {
		return DZ_SERIAL_UNDEF;
	}
	return d < HALF ? DZ_SERIAL_GT : DZ_SERIAL_LT;
}

uint32_t dz_serial_add(uint32_t s, uint32_t n)
{
	assert(n <= HALF - 1);
	return s + n;
}

/* cur + 1, skipping 0. */
static uint32_t bump(uint32_t cur)
{
	uint32_t next = cur + 1;
	return next != 0 ? next : 1;
}

/* \p cand if it is newer than \p cur (and not 0), else cur + 1. */
static uint32_t newer_or_bump(uint32_t cur, uint32_t cand)
{
	if (cand != 0 && dz_serial_cmp(cand, cur) == DZ_SERIAL_GT) {
		return cand;
	}
	return bump(cur);
}

/* YYYYMMDD00 of the UTC date at \p now. */
static int date_serial(time_t now, uint32_t *out)
{
	struct tm tm;
	if (gmtime_r(&now, &tm) == NULL) {
		return DZ_ERANGE;
	}
	long long year = (long long)tm.tm_year + 1900;
	if (year < 0) {
		return DZ_ERANGE;
	}
	unsigned long long v = ((unsigned long long)year * 10000 +
	                        (unsigned long long)(tm.tm_mon + 1) * 100 +
	                        (unsigned long long)tm.tm_mday) *
	                       100;
	if (v > UINT32_MAX) {
		return DZ_ERANGE; /* after the year 4294 */
	}
	*out = (uint32_t)v;
	return DZ_OK;
}

int dz_serial_next(uint32_t cur, dz_serial_policy_t policy, time_t now,
                   uint32_t *out)
{
	uint32_t today;
	int ret;
	switch (policy) {
	case DZ_SERIAL_INCREMENT:
		*out = bump(cur);
		return DZ_OK;
	case DZ_SERIAL_UNIXTIME:
		/* Truncation past 2106 is what RFC 1982 arithmetic expects. */
		*out = newer_or_bump(cur, (uint32_t)now);
		return DZ_OK;
	case DZ_SERIAL_DATESERIAL:
		ret = date_serial(now, &today);
		if (ret != DZ_OK) {
			return ret;
		}
		*out = newer_or_bump(cur, today);
		return DZ_OK;
	default:
		return DZ_EINVAL;
	}
}

static const char *const policy_names[] = {
        [DZ_SERIAL_INCREMENT] = "increment",
        [DZ_SERIAL_UNIXTIME] = "unixtime",
        [DZ_SERIAL_DATESERIAL] = "dateserial",
};
#define POLICY_COUNT (sizeof(policy_names) / sizeof(policy_names[0]))

int dz_serial_policy_from_str(const char *str, dz_serial_policy_t *out)
{
	for (size_t i = 0; i < POLICY_COUNT; i++) {
		if (strcmp(str, policy_names[i]) == 0) {
			*out = (dz_serial_policy_t)i;
			return DZ_OK;
		}
	}
	return DZ_EINVAL;
}

const char *dz_serial_policy_to_str(dz_serial_policy_t policy)
{
	if ((unsigned)policy >= POLICY_COUNT) {
		return "unknown";
	}
	return policy_names[policy];
}
