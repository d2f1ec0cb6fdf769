/* SPDX-License-Identifier: BSD-3-Clause */
/* SOA serials: RFC 1982 arithmetic and the serial policies of updates. */
#pragma once

#include <stdint.h>
#include <time.h>

#include "lib/util/api.h"

/*! Results of dz_serial_cmp(). */
enum {
	DZ_SERIAL_LT = -1,   /*!< a is older than b */
	DZ_SERIAL_EQ = 0,    /*!< same serial */
	DZ_SERIAL_GT = 1,    /*!< a is newer than b */
	DZ_SERIAL_UNDEF = 2, /*!< a and b are exactly 2^31 apart */
};

/*! How a primary picks the next serial after a change (config
 *  `serial-policy: increment | unixtime | dateserial`). */
typedef enum dz_serial_policy {
	DZ_SERIAL_INCREMENT = 0,
	DZ_SERIAL_UNIXTIME,
	DZ_SERIAL_DATESERIAL,
} dz_serial_policy_t;

/*!
 * \brief Compare serials in sequence space (RFC 1982 §3.2).
 *
 * a > b when 0 < (a - b) mod 2^32 < 2^31; a < b when 0 < (b - a) mod 2^32 <
 * 2^31; the comparison is undefined when they are exactly 2^31 apart.
 * Callers must treat DZ_SERIAL_UNDEF as "not newer" (RFC 1982 §3.2 leaves it
 * to the implementation; refusing is the safe side).
 *
 * \return DZ_SERIAL_LT, DZ_SERIAL_EQ, DZ_SERIAL_GT or DZ_SERIAL_UNDEF
 */
DZ_API int dz_serial_cmp(uint32_t a, uint32_t b);

/*!
 * \brief RFC 1982 §3.1 addition: (s + n) mod 2^32, for 0 <= n <= 2^31 - 1
 *        (a larger \p n is a programmer error and asserts).
 */
DZ_API uint32_t dz_serial_add(uint32_t s, uint32_t n);

/*!
 * \brief The serial a change to a zone at serial \p cur gets.
 *
 * The result is always newer than \p cur (RFC 1982) and never 0, which some
 * secondaries treat specially (as BIND skips it):
 * - increment:  cur + 1.
 * - unixtime:   \p now as a serial if that is newer than cur, else cur + 1.
 * - dateserial: YYYYMMDD00 for \p now's UTC date if that is newer than cur,
 *               else cur + 1 (so the 100th change of a day runs into the
 *               next day's numbers, as BIND does).
 *
 * \param out  the new serial, written on success
 * \return DZ_OK, DZ_EINVAL (unknown policy), or DZ_ERANGE (\p now has no
 *         UTC date, or its YYYYMMDD00 does not fit 32 bits)
 */
DZ_API int dz_serial_next(uint32_t cur, dz_serial_policy_t policy, time_t now,
                          uint32_t *out);

/*!
 * \brief Parse "increment", "unixtime" or "dateserial".
 * \return DZ_OK or DZ_EINVAL
 */
DZ_API int dz_serial_policy_from_str(const char *str, dz_serial_policy_t *out);

/*! \brief Name of a policy as in the configuration ("unknown" if invalid). */
DZ_API const char *dz_serial_policy_to_str(dz_serial_policy_t policy);
