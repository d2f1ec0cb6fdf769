/* SPDX-License-Identifier: BSD-3-Clause */
/* Base32 with the extended hex alphabet (RFC 4648 §7), unpadded as NSEC3 uses
 * it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/*! Characters needed to encode \p n octets without padding (no NUL). */
#define DZ_BASE32HEX_ENCLEN(n) (((n)*8 + 4) / 5)

/*!
 * \brief Encode as uppercase base32hex without padding (RFC 5155 §3.3),
 *        NUL-terminated.
 * \return characters written without the NUL, or DZ_ESPACE
 */
DZ_API int dz_base32hex_encode(char *dst, size_t dstcap, const uint8_t *src,
                               size_t srclen);

/*!
 * \brief Decode unpadded base32hex (either case). Lengths that cannot come
 *        from an encoding and non-zero unused bits are rejected; '=' too.
 * \return octets written, or DZ_ESYNTAX, DZ_ESPACE
 */
DZ_API int dz_base32hex_decode(uint8_t *dst, size_t dstcap, const char *src,
                               size_t srclen);
