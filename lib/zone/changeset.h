/* SPDX-License-Identifier: BSD-3-Clause */
/* Change sets: records removed and added between two zone versions. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util/api.h"

typedef struct dz_changeset dz_changeset_t;

/*! One record of a change set (borrowed view). */
typedef struct dz_rr {
	const uint8_t *owner; /*!< wire name */
	uint16_t type;
	uint32_t ttl;
	const uint8_t *rdata;
	uint16_t rdlen;
} dz_rr_t;

/*! \brief New empty change set. \return DZ_OK, DZ_ENOMEM */
DZ_API int dz_changeset_new(dz_changeset_t **out);

/*! \brief Free a change set. NULL is a no-op. */
DZ_API void dz_changeset_free(dz_changeset_t *ch);

/*!
 * \brief Append a record to remove (owned copy).
 * \return DZ_OK, DZ_EINVAL (bad owner), DZ_ENOMEM
 */
DZ_API int dz_changeset_add_removed(dz_changeset_t *ch, const uint8_t *owner,
                                    uint16_t type, uint32_t ttl,
                                    const uint8_t *rdata, uint16_t rdlen);

/*! \brief Append a record to add (owned copy). \return as add_removed */
DZ_API int dz_changeset_add_added(dz_changeset_t *ch, const uint8_t *owner,
                                  uint16_t type, uint32_t ttl,
                                  const uint8_t *rdata, uint16_t rdlen);

/*! \brief Number of records to remove. */
DZ_API size_t dz_changeset_nremoved(const dz_changeset_t *ch);

/*! \brief Number of records to add. */
DZ_API size_t dz_changeset_nadded(const dz_changeset_t *ch);

/*!
 * \brief The \p i-th removal, in insertion order (borrowed until the next
 *        add_* call or free). \return DZ_OK or DZ_ERANGE
 */
DZ_API int dz_changeset_removed(const dz_changeset_t *ch, size_t i,
                                dz_rr_t *rr);

/*! \brief The \p i-th addition, as dz_changeset_removed. */
DZ_API int dz_changeset_added(const dz_changeset_t *ch, size_t i, dz_rr_t *rr);

/*! \brief True if the change set has neither removals nor additions. */
DZ_API bool dz_changeset_is_empty(const dz_changeset_t *ch);
