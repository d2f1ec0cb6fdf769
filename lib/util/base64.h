/* SPDX-License-Identifier: BSD-3-Clause */
/* Base64 (RFC 4648 §4) encoding and strict decoding. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/*! Characters needed to encode \p n octets, without the NUL. */
#define DZ_BASE64_ENCLEN(n) ((((n) + 2) / 3) * 4)

/*!
 * \brief Encode \p srclen octets with padding, NUL-terminated.
 * \return characters written without the NUL, or DZ_ESPACE
 */
DZ_API int dz_base64_encode(char *dst, size_t dstcap, const uint8_t *src,
                            size_t srclen);

/*!
 * \brief Decode base64 text: length a multiple of 4, '=' padding only at
 *        the end, unused trailing bits zero, no whitespace.
 * \return octets written, or DZ_ESYNTAX, DZ_ESPACE
 */
DZ_API int dz_base64_decode(uint8_t *dst, size_t dstcap, const char *src,
                            size_t srclen);
