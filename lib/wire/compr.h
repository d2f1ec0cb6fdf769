/* SPDX-License-Identifier: BSD-3-Clause */
/* Name compression while rendering a message (RFC 1035 §4.1.4). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/*! Compression targets remembered per message; later names just aren't
 *  compressed against targets beyond this. */
#define DZ_COMPR_MAX 128

/*!
 * \brief Offsets of names already written to the message being rendered.
 *        Transparent so a renderer can keep it on the stack; init with
 *        dz_compr_init().
 */
typedef struct dz_compr {
	const uint8_t *pkt;   /*!< start of the message being written */
	uint16_t count;
	uint16_t offset[DZ_COMPR_MAX]; /*!< where each remembered name starts */
} dz_compr_t;

/*! \brief Start a table for the message at \p pkt. */
DZ_API void dz_compr_init(dz_compr_t *c, const uint8_t *pkt);

/*!
 * \brief Write \p name at \p pkt[pos], compressed against earlier names when
 *        \p compress is true (and \p c is not NULL), and remember its
 *        suffixes as targets for later names (only offsets < 0x4000).
 *
 * \param cap  size of the message buffer
 * \return bytes written, or DZ_ESPACE
 */
DZ_API int dz_compr_put_name(dz_compr_t *c, uint8_t *pkt, size_t cap,
                             size_t pos, const uint8_t *name, bool compress);
