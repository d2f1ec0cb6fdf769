/* SPDX-License-Identifier: BSD-3-Clause */
/* One-line zone-file form of a record ("owner TTL CLASS TYPE rdata"). */
#include <stdio.h>

#include "lib/util/errcode.h"
#include "lib/wire/name.h"
#include "lib/wire/rdata.h"
#include "lib/wire/rrtype.h"
#include "lib/zone/zonefile.h"

int dz_rr_to_str(char *dst, size_t dstlen, const uint8_t *owner,
                 uint16_t type, uint16_t rclass, uint32_t ttl,
                 const uint8_t *rdata, size_t rdlen)
{
	char cls[DZ_RRTYPE_MAXSTR], typ[DZ_RRTYPE_MAXSTR];
	if (dz_rrclass_to_str(rclass, cls, sizeof(cls)) < 0 ||
	    dz_rrtype_to_str(type, typ, sizeof(typ)) < 0) {
		return DZ_ESPACE;
	}
	int n = dz_name_to_str(dst, dstlen, owner);
	if (n < 0) {
		return DZ_ESPACE;
	}
	size_t len = (size_t)n;
	int m = snprintf(dst + len, dstlen - len, "\t%u\t%s\t%s\t", ttl, cls,
	                 typ);
	if (m < 0 || (size_t)m >= dstlen - len) {
		return DZ_ESPACE;
	}
	len += (size_t)m;
	int r = dz_rdata_to_str(type, rdata, rdlen, dst + len, dstlen - len);
	if (r < 0) {
		return r;
	}
	len += (size_t)r;
	return (int)len;
}
