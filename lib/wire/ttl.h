/* SPDX-License-Identifier: BSD-3-Clause */
/* TTL and timer values in zone-file syntax: plain seconds or BIND units
 * (1h30m). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/*!
 * \brief Parse a TTL: a plain number of seconds, or one or more
 *        <number><unit> groups with units s, m, h, d, w (case-insensitive),
 *        e.g. "1h30m", "1W", "2d". A plain number may not follow a unit.
 * \return DZ_OK, DZ_ESYNTAX (bad text), or DZ_ERANGE (over 2^32-1)
 */
DZ_API int dz_ttl_from_str(const char *str, size_t len, uint32_t *ttl);
