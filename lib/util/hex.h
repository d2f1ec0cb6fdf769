/* SPDX-License-Identifier: BSD-3-Clause */
/* Base16 (RFC 4648 §8) encoding and strict decoding. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/*!
 * \brief Encode \p srclen octets as uppercase hex, NUL-terminated.
 * \return characters written without the NUL, or DZ_ESPACE
 */
DZ_API int dz_hex_encode(char *dst, size_t dstcap, const uint8_t *src,
                         size_t srclen);

/*!
 * \brief Decode hex digits (either case, even count, nothing else).
 * \return octets written, or DZ_ESYNTAX, DZ_ESPACE
 */
DZ_API int dz_hex_decode(uint8_t *dst, size_t dstcap, const char *src,
                         size_t srclen);

/*! \brief Value of one hex digit, or -1. */
DZ_API int dz_hex_digit(char c);
