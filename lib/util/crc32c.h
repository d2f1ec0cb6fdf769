/* SPDX-License-Identifier: BSD-3-Clause */
/* CRC32C (Castagnoli), as used by iSCSI (RFC 3720 §12.1) and our journal. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/*!
 * \brief Extend a CRC32C over \p len more octets.
 *
 * Start with \p crc = 0; the result of one call may be passed back in to
 * continue over the next piece (the pre- and post-inversion are handled
 * inside), so crc(a || b) == dz_crc32c(dz_crc32c(0, a), b). Uses the SSE4.2
 * `crc32` instruction when the CPU has it, else a slice-by-8 table.
 *
 * \return the CRC32C of everything seen so far
 */
DZ_API uint32_t dz_crc32c(uint32_t crc, const void *data, size_t len);

/*! \brief dz_crc32c() forced onto the portable table path (tests, bench). */
DZ_API uint32_t dz_crc32c_sw(uint32_t crc, const void *data, size_t len);

/*! \brief True when dz_crc32c() uses the CPU's crc32 instruction. */
DZ_API bool dz_crc32c_hw_available(void);
