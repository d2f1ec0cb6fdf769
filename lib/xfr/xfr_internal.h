/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by the transfer codec files (private to lib/xfr). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/xfr/xfr.h"
#include "lib/zone/changeset.h"

/*!
 * \brief Serial of an uncompressed SOA rdata (RFC 1035 §3.3.13), with every
 *        octet bounds-checked (the rdata may come from a damaged journal).
 * \return DZ_OK or DZ_EMALF
 */
int dz__xfr_soa_serial(const uint8_t *rdata, size_t len, uint32_t *serial);

/*!
 * \brief Index of the apex SOA among the removals (\p added false) or the
 *        additions of \p ch, and its serial.
 * \return DZ_OK, DZ_ENOSOA (none, or a malformed one)
 */
int dz__xfr_find_soa(const dz_changeset_t *ch, const uint8_t *origin,
                     bool added, size_t *idx, uint32_t *serial);

/*!
 * \brief Whether \p steps lead from \p from to \p to, each with its two
 *        SOAs at \p origin carrying the step's serials.
 */
bool dz__xfr_steps_chain(const dz_xfr_step_t *steps, size_t nsteps,
                         const uint8_t *origin, uint32_t from, uint32_t to);
