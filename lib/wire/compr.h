/* SPDX-License-Identifier: BSD-3-Clause */
/* Name compression while rendering a message (RFC 1035 §4.1.4). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

/*! Compression targets remembered per message; later names just aren't
 *  compressed against targets beyond this. Enough for every label start
 *  of a 16 KiB message of typical records (a pointer reaches 0x3FFF). */
#define DZ_COMPR_MAX 1024

/*! Hash buckets of the target table (a power of two). */
#define DZ_COMPR_BUCKETS 512

/*! While a message has at most this many targets, a lookup scans them
 *  all (an answer rarely has more): hashing every suffix of every name
 *  costs more than the scan. Past it the targets go into the hash
 *  chains, so a transfer message stays linear in its names. */
#define DZ_COMPR_LINEAR 24

/*!
 * \brief Offsets of names already written to the message being rendered.
 *        Transparent so a renderer can keep it on the stack; init with
 *        dz_compr_init().
 *
 * Targets are kept in \p offset in the order they were added; a renderer
 * rolls back by restoring \p count to an earlier value (the hash chains
 * are brought back in line on the next call). Once there are more than
 * DZ_COMPR_LINEAR targets, each is also linked into a hash chain keyed by
 * its name folded to lower case, so a lookup costs a probe per suffix
 * rather than a scan of every target.
 */
typedef struct dz_compr {
	const uint8_t *pkt;   /*!< start of the message being written */
	uint16_t count;       /*!< targets in use */
	uint16_t linked;      /*!< targets linked into the chains */
	uint16_t offset[DZ_COMPR_MAX]; /*!< where each remembered name starts */
	uint16_t hash[DZ_COMPR_MAX];   /*!< each target's name hash */
	uint16_t next[DZ_COMPR_MAX];   /*!< older target in the chain, +1; 0 ends */
	uint16_t len[DZ_COMPR_MAX];    /*!< each target's name length (wire) */
	uint16_t head[DZ_COMPR_BUCKETS]; /*!< newest target per bucket, +1 */
	/*! Buckets whose \p head is valid: clearing these 64 octets per
	 *  message instead of \p head's 1 KiB keeps small answers cheap. */
	uint64_t used[DZ_COMPR_BUCKETS / 64];
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
