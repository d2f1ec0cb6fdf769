/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared state of one dynamic update while it is checked and applied (private
 * to lib/update). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/update/update.h"
#include "lib/wire/msg.h"
#include "lib/wire/name.h"

/*
 * The working view of an update is an overlay: every name the update section
 * touches gets a dz__uname_t holding the records it had in the old version
 * (orig, rdata borrowed from the zone) and the records it has now (cur, rdata
 * borrowed from the zone or copied into the update's arena). Each update RR
 * edits cur in message order, so later RRs see the effect of earlier ones;
 * the change set is orig -> cur for every touched name, applied to the zone
 * once at the end. Nothing outside this overlay changes.
 */

/*! One record of the overlay. */
typedef struct dz__urec {
	const uint8_t *rdata;
	uint32_t ttl;
	uint16_t type;
	uint16_t rdlen;
} dz__urec_t;

/*! One owner name touched by the update. */
typedef struct dz__uname {
	const uint8_t
	        *owner; /*!< zone's spelling if present, else the update's */
	dz__urec_t *orig;
	uint32_t norig;
	dz__urec_t *cur;
	uint32_t ncur, cap;
	bool apex;
} dz__uname_t;

/*! One update-section record after the prescan. */
typedef struct dz__urr {
	const dz_msg_rr_t *rr;
	uint32_t name;        /*!< index into dz__update_t.names */
	const uint8_t *rdata; /*!< decoded (arena); NULL for class ANY */
	uint16_t rdlen;
} dz__urr_t;

typedef struct dz__chunk dz__chunk_t;

/*! Everything one call of dz_update_apply works with. */
typedef struct dz__update {
	const dz_zone_t *zone;
	const dz_msg_t *msg;
	const dz_update_opts_t *opts;
	const uint8_t *origin;
	/* Failure report. */
	uint16_t rcode;
	dz_update_diag_t *diag;
	dz_update_section_t sec; /*!< where the record being checked is */
	size_t idx;
	const uint8_t *owner;
	uint16_t type, rclass;
	/* Overlay. */
	dz__uname_t *names;
	uint32_t nnames, names_cap;
	uint32_t *htab; /*!< name index + 1, 0 = free */
	uint32_t hmask;
	uint32_t apex; /*!< index of the apex name */
	dz__urr_t *urr;
	uint32_t nurr;
	bool soa_set; /*!< an update RR installed a newer SOA */
	dz__chunk_t *chunks;
	uint8_t *scratch; /*!< DZ_RDATA_MAXLEN octets for rdata decoding */
} dz__update_t;

/* --- state (update_state.c) ---------------------------------------------- */

/*! \brief Set up \p u for at most \p max_names names. \return DZ_OK, DZ_ENOMEM
 */
int dz__update_init(dz__update_t *u, uint32_t max_names);

/*! \brief Free everything \p u holds. */
void dz__update_clear(dz__update_t *u);

/*! \brief \p n octets from the update's arena (NULL: out of memory). */
void *dz__update_alloc(dz__update_t *u, size_t n);

/*!
 * \brief Index of the overlay entry for \p owner, created (and loaded from
 *        the zone) on first use. \return DZ_OK, DZ_ENOMEM
 */
int dz__update_name(dz__update_t *u, const uint8_t *owner, uint32_t *idx);

/*! \brief Append a record to a name's current records. \return DZ_OK, DZ_ENOMEM
 */
int dz__uname_append(dz__uname_t *n, const dz__urec_t *rec);

/*! \brief Drop the current record at \p i (order is not kept). */
void dz__uname_drop(dz__uname_t *n, uint32_t i);

/*! \brief Number of current records of \p type. */
uint32_t dz__uname_count(const dz__uname_t *n, uint16_t type);

/*! \brief Index of the current record of \p type equal to \p rdata, or -1. */
int64_t dz__uname_find(const dz__uname_t *n, uint16_t type,
                       const uint8_t *rdata, uint16_t rdlen);

/* --- reporting (update.c) ------------------------------------------------ */

/*! \brief Record which record is being checked (for the diagnostic). */
void dz__update_at(dz__update_t *u, dz_update_section_t sec, size_t idx,
                   const uint8_t *owner, uint16_t type, uint16_t rclass);

/*! \brief Fill the diagnostic and rcode; \return \p status */
int dz__update_fail(dz__update_t *u, int status, uint16_t rcode,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*! \brief Presentation form of a name into \p buf (DZ_NAME_MAXSTR). */
const char *dz__update_name_str(char *buf, const uint8_t *name);

/*! \brief Type mnemonic into \p buf (DZ_RRTYPE_MAXSTR). */
const char *dz__update_type_str(char *buf, uint16_t type);

/* --- steps --------------------------------------------------------------- */

/*!
 * \brief Form of every prerequisite and update record (update_form.c): what
 *        BIND rejects while parsing the message. Needs u->msg and u->scratch.
 */
int dz__update_check_form(dz__update_t *u);

/*! \brief Prescan and permission check (update_ops.c), RFC 2136 §3.3, §3.4.1.
 */
int dz__update_prescan(dz__update_t *u);

/*! \brief Prerequisites (update_prereq.c), RFC 2136 §3.2. */
int dz__update_prereqs(dz__update_t *u);

/*! \brief Apply the update RRs to the overlay (update_ops.c), RFC 2136 §3.4.2.
 */
int dz__update_process(dz__update_t *u);

/*!
 * \brief Turn the overlay into a change set and a new version, bumping the
 *        serial (update_result.c). Both outputs NULL if nothing changed.
 */
int dz__update_result(dz__update_t *u, dz_zone_t **new_zone,
                      dz_changeset_t **changes);

/*!
 * \brief Post-update name server check (update_nscheck.c): every in-zone
 *        target of the apex NS RRset of \p nz has an address (BIND).
 * \return DZ_OK, or DZ_EREFUSED with the diagnostic filled
 */
int dz__update_nscheck(dz__update_t *u, const dz_zone_t *nz);

/*!
 * \brief Offset of the serial in SOA rdata (RFC 1035 §3.3.13).
 * \return true if the rdata holds two names and 20 octets after them
 */
bool dz__soa_serial_off(const uint8_t *rdata, size_t rdlen, size_t *off);

/*! \brief Serial of SOA rdata (0 if malformed; callers check first). */
uint32_t dz__soa_serial(const uint8_t *rdata, size_t rdlen);
